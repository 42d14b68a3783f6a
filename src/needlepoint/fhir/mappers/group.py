"""A practitioner's patients as a Group: the patients whose courses they planned, the group
a Bulk Data `Group/<id>/$export` exports."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.fhir.json import Resource, compact, one_of_type, reference


@dataclass(frozen=True)
class PractitionerPatients:
    id: str
    practitioner_id: str
    name: str
    patient_ids: tuple[str, ...]


def group_resources(group: PractitionerPatients) -> list[Resource]:
    resource = {
        "resourceType": "Group",
        "id": group.id,
        "type": "person",
        "actual": True,
        "name": group.name,
        "managingEntity": reference("Practitioner", group.practitioner_id),
        "quantity": len(group.patient_ids),
        "member": [{"entity": reference("Patient", key)} for key in group.patient_ids],
    }
    return [compact(resource)]


def group_from_resources(resources: list[Resource]) -> PractitionerPatients:
    node = one_of_type(resources, "Group")
    return PractitionerPatients(
        id=node.field("id").text(),
        practitioner_id=node.field("managingEntity").reference("Practitioner"),
        name=node.field("name").text(),
        patient_ids=tuple(
            member.field("entity").reference("Patient") for member in node.list("member")
        ),
    )
