"""A folder's clinical records, each as the resources one record was made into (the inverse of
`to_resources`), found by the references between them: an assessment's Observations name its
Condition (`focus`), a session's zones and anaesthetic its Procedure (`partOf`), and a
session's Procedure has the id of its Appointment. Photos and definitions are left out, each
with the reason."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from needlepoint.fhir.json import Resource
from needlepoint.fhir.mappers import (
    adverse_event,
    assessment,
    careplan,
    consent,
    questionnaire,
    screening,
    session,
)

# The resource each clinical record is named by, and the mapper input it maps back to.
CLINICAL_INPUTS: dict[str, type] = {
    "Consent": consent.Consent,
    "QuestionnaireResponse": questionnaire.FormResponse,
    "RiskAssessment": screening.Screening,
    "Condition": assessment.Assessment,
    "CarePlan": careplan.Course,
    "Appointment": session.Session,
    "AdverseEvent": adverse_event.AdverseEvent,
}
PART_TYPES = ("Procedure", "Observation", "MedicationAdministration")
PHOTOS = "photos: a photo is kept with its image, which an export does not hold"
DEFINITIONS = "Needlepoint's own forms and code systems, not a clinic's records"
DERIVED = "made from the records imported (a practitioner's patients: their courses)"
UNMAPPED = "not one of the records Needlepoint maps"


@dataclass
class ClinicalRecords:
    """The records by the key of the resource naming them, with their parts; the Provenance
    of each resource it is about; what was left out, by reason; the parts of no record."""

    records: dict[str, list[Resource]] = field(default_factory=dict)
    provenance: dict[str, Resource] = field(default_factory=dict)
    left_out: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    orphans: list[str] = field(default_factory=list)


def _named(resource: Resource, *elements: str) -> list[str]:
    """The references held in the resource's `elements` (lists of References)."""
    found = []
    for element in elements:
        items = resource.get(element)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("reference"), str):
                found.append(item["reference"])
    return found


def _owner(resource: Resource) -> str | None:
    """The key of the record a part belongs to: a Procedure its Appointment's, a session's
    part its Procedure's Appointment, an assessment's score its Condition."""
    if resource["resourceType"] == "Procedure":
        return f"Appointment/{resource['id']}"
    named = _named(resource, "focus", "partOf", "derivedFrom")
    if not named:
        return None
    kind, _, resource_id = named[0].partition("/")
    return f"Appointment/{resource_id}" if kind == "Procedure" else named[0]


def clinical_records(resources: dict[str, Resource], taken: set[str]) -> ClinicalRecords:
    """The folder's clinical records; `taken` are the resources already read as parts of
    another (the Patients' Fitzpatrick Observations) or as records of their own."""
    found = ClinicalRecords()
    for key, resource in resources.items():
        if resource["resourceType"] in CLINICAL_INPUTS:
            found.records[key] = [resource]
    for key, resource in resources.items():
        kind = resource["resourceType"]
        if key in taken or kind in CLINICAL_INPUTS:
            continue
        if kind == "Provenance":
            _provenance(found, resource)
        elif kind == "Media":
            found.left_out[PHOTOS][kind] += 1
        elif kind in ("Questionnaire", "CodeSystem"):
            found.left_out[DEFINITIONS][kind] += 1
        elif kind == "Group":
            found.left_out[DERIVED][kind] += 1
        elif kind in PART_TYPES and (owner := _owner(resource)) in found.records:
            found.records[owner].append(resource)
        elif kind in PART_TYPES and owner is not None and owner.startswith("Media/"):
            found.left_out[PHOTOS][kind] += 1
        elif kind == "Procedure":
            found.orphans.append(key)
        else:
            found.left_out[UNMAPPED][kind] += 1
    return found


def _provenance(found: ClinicalRecords, resource: Resource) -> None:
    targets = _named(resource, "target")
    if any(target.startswith("Media/") for target in targets):
        found.left_out[PHOTOS]["Provenance"] += 1
    for target in targets:
        found.provenance.setdefault(target, resource)
