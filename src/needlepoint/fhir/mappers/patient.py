"""The patient as a Patient (record number as identifier, name, birth date, gender, telecom,
language) and their Fitzpatrick skin type as an Observation, not an extension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from needlepoint.fhir import ids
from needlepoint.fhir.codes import (
    BCP47,
    OBSERVATION_CATEGORY,
    SKIN_PHOTOTYPE,
    SNOMED,
    V2_IDENTIFIER_TYPE,
    concept,
    identifier_system,
    own,
)
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource, compact, first, of_type, one_of_type, reference
from needlepoint.fhir.mappers.organization import optional_text, telecom, telecom_value

OBSERVATION = own("observation")
GENDERS = ("female", "male", "other", "unknown")
FITZPATRICK = "fitzpatrick-skin-type"


@dataclass(frozen=True)
class Patient:
    id: str
    organization_id: str
    clinic_slug: str
    record_number: str
    given_name: str
    family_name: str
    birth_date: date
    gender: str
    language: str
    active: bool = True
    phone: str = ""
    email: str = ""
    address: str = ""
    fitzpatrick: int | None = None

    def __post_init__(self) -> None:
        if self.gender not in GENDERS:
            raise FhirMappingError("Patient.gender", f"must be one of {', '.join(GENDERS)}")
        if self.fitzpatrick is not None and self.fitzpatrick not in SKIN_PHOTOTYPE:
            raise FhirMappingError("Patient.fitzpatrick", "must be a skin type from 1 to 6")


def record_number_system(clinic_slug: str) -> str:
    return identifier_system(f"clinic/{clinic_slug}/record-number")


def observation_category(code: str) -> list[Resource]:
    return [concept(OBSERVATION_CATEGORY, code)]


def patient_resources(patient: Patient) -> list[Resource]:
    resource = {
        "resourceType": "Patient",
        "id": patient.id,
        "identifier": [
            {
                "use": "official",
                "type": concept(V2_IDENTIFIER_TYPE, "MR", "Medical record number"),
                "system": record_number_system(patient.clinic_slug),
                "value": patient.record_number,
            }
        ],
        "active": patient.active,
        "name": [{"use": "official", "family": patient.family_name, "given": [patient.given_name]}],
        "telecom": telecom(patient.phone, patient.email),
        "gender": patient.gender,
        "birthDate": patient.birth_date.isoformat(),
        "address": [{"text": patient.address}] if patient.address else [],
        "communication": [{"language": concept(BCP47, patient.language), "preferred": True}],
        "managingOrganization": reference("Organization", patient.organization_id),
    }
    resources = [compact(resource)]
    if patient.fitzpatrick is not None:
        code, display = SKIN_PHOTOTYPE[patient.fitzpatrick]
        resources.append(
            {
                "resourceType": "Observation",
                "id": ids.part(patient.id, FITZPATRICK),
                "status": "final",
                "category": observation_category("exam"),
                "code": concept(OBSERVATION, FITZPATRICK, "Fitzpatrick skin type"),
                "subject": reference("Patient", patient.id),
                "valueCodeableConcept": concept(SNOMED, code, display),
            }
        )
    return resources


def patient_from_resources(resources: list[Resource]) -> Patient:
    node = one_of_type(resources, "Patient")
    identifier = first(node, "identifier")
    system = identifier.field("system").text()
    prefix, suffix = identifier_system("clinic/"), "/record-number"
    slug = system.removeprefix(prefix).removesuffix(suffix)
    if not (system.startswith(prefix) and system.endswith(suffix) and slug):
        raise identifier.field("system").fail(f"must be {record_number_system('<clinic>')}")
    name = first(node, "name")
    fitzpatrick = None
    for observation in of_type(resources, "Observation"):
        value = observation.field("valueCodeableConcept").code(SNOMED)
        by_code = {code: skin_type for skin_type, (code, _) in SKIN_PHOTOTYPE.items()}
        if value not in by_code:
            raise observation.field("valueCodeableConcept").fail("is not a skin phototype I-VI")
        fitzpatrick = by_code[value]
    return Patient(
        id=node.field("id").text(),
        organization_id=node.field("managingOrganization").reference("Organization"),
        clinic_slug=slug,
        record_number=identifier.field("value").text(),
        given_name=first(name, "given").text(),
        family_name=name.field("family").text(),
        birth_date=node.field("birthDate").day(),
        gender=node.field("gender").one_of(GENDERS),
        language=first(node, "communication").field("language").code(BCP47),
        active=node.field("active").boolean(),
        phone=telecom_value(node, "phone"),
        email=telecom_value(node, "email"),
        address=optional_text(node, "address"),
        fitzpatrick=fitzpatrick,
    )
