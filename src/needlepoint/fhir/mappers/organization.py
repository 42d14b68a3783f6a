"""The clinic as an Organization; a staff member as a Practitioner and a PractitionerRole
(their role and profession in the clinic, the licence as an identifier)."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.fhir.codes import V2_IDENTIFIER_TYPE, concept, identifier_system, own
from needlepoint.fhir.json import Node, Resource, compact, first, one_of_type, reference

STAFF_ROLE = own("staff-role")


@dataclass(frozen=True)
class Clinic:
    id: str
    slug: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class StaffMember:
    id: str
    organization_id: str
    name: str
    email: str
    role: str
    role_label: str
    profession: str = ""
    licence_number: str = ""


def telecom(phone: str, email: str) -> list[dict[str, str]]:
    return [
        {"system": system, "value": value}
        for system, value in (("phone", phone), ("email", email))
        if value
    ]


def telecom_value(node: Node, system: str) -> str:
    for item in node.list("telecom"):
        if item.field("system").value == system:
            return item.field("value").text()
    return ""


def optional_text(node: Node, name: str) -> str:
    """The `text` of the first item of list `name`, or "" when there is none."""
    return first(node, name).field("text").text() if node.has(name) else ""


def clinic_resources(clinic: Clinic) -> list[Resource]:
    organization = {
        "resourceType": "Organization",
        "id": clinic.id,
        "identifier": [{"system": identifier_system("clinic"), "value": clinic.slug}],
        "active": True,
        "name": clinic.name,
        "telecom": telecom(clinic.phone, clinic.email),
        "address": [{"text": clinic.address}] if clinic.address else [],
    }
    return [compact(organization)]


def clinic_from_resources(resources: list[Resource]) -> Clinic:
    node = one_of_type(resources, "Organization")
    return Clinic(
        id=node.field("id").text(),
        slug=first(node, "identifier").field("value").text(),
        name=node.field("name").text(),
        phone=telecom_value(node, "phone"),
        email=telecom_value(node, "email"),
        address=optional_text(node, "address"),
    )


def staff_resources(staff: StaffMember) -> list[Resource]:
    licence = {
        "type": concept(V2_IDENTIFIER_TYPE, "MD", "Medical License number"),
        "value": staff.licence_number,
    }
    practitioner = {
        "resourceType": "Practitioner",
        "id": staff.id,
        "identifier": [licence] if staff.licence_number else [],
        "active": True,
        "name": [{"text": staff.name}],
        "telecom": telecom("", staff.email),
    }
    role = {
        "resourceType": "PractitionerRole",
        "id": staff.id,
        "active": True,
        "practitioner": reference("Practitioner", staff.id),
        "organization": reference("Organization", staff.organization_id),
        "code": [concept(STAFF_ROLE, staff.role, staff.role_label)],
        "specialty": [{"text": staff.profession}] if staff.profession else [],
    }
    return [compact(practitioner), compact(role)]


def staff_from_resources(resources: list[Resource]) -> StaffMember:
    person = one_of_type(resources, "Practitioner")
    job = one_of_type(resources, "PractitionerRole")
    staff_id = person.field("id").text()
    if job.field("practitioner").reference("Practitioner") != staff_id:
        raise job.field("practitioner").fail("must be the Practitioner given with it")
    code = first(job, "code")
    return StaffMember(
        id=staff_id,
        organization_id=job.field("organization").reference("Organization"),
        name=first(person, "name").field("text").text(),
        email=telecom_value(person, "email"),
        role=code.code(STAFF_ROLE),
        role_label=first(code, "coding").field("display").text(),
        profession=optional_text(job, "specialty"),
        licence_number=first(person, "identifier").field("value").text()
        if person.has("identifier")
        else "",
    )
