"""Every input type with its two directions: `to_resources(record)` and
`from_resources(Type, resources)`, the one place an exporter or an importer looks them up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource
from needlepoint.fhir.mappers import (
    adverse_event,
    assessment,
    careplan,
    consent,
    device,
    group,
    organization,
    patient,
    photo,
    provenance,
    questionnaire,
    screening,
    session,
)

T = TypeVar("T")

MAPPINGS: dict[type, tuple[Callable[[Any], list[Resource]], Callable[[list[Resource]], Any]]] = {
    organization.Clinic: (organization.clinic_resources, organization.clinic_from_resources),
    organization.StaffMember: (organization.staff_resources, organization.staff_from_resources),
    patient.Patient: (patient.patient_resources, patient.patient_from_resources),
    group.PractitionerPatients: (group.group_resources, group.group_from_resources),
    device.Lot: (device.lot_resources, device.lot_from_resources),
    consent.Consent: (consent.consent_resources, consent.consent_from_resources),
    questionnaire.Form: (questionnaire.form_resources, questionnaire.form_from_resources),
    questionnaire.FormResponse: (
        questionnaire.response_resources,
        questionnaire.response_from_resources,
    ),
    screening.Screening: (screening.screening_resources, screening.screening_from_resources),
    assessment.Assessment: (assessment.assessment_resources, assessment.assessment_from_resources),
    careplan.Course: (careplan.course_resources, careplan.course_from_resources),
    session.Session: (session.session_resources, session.session_from_resources),
    photo.Photo: (photo.photo_resources, photo.photo_from_resources),
    adverse_event.AdverseEvent: (
        adverse_event.adverse_event_resources,
        adverse_event.adverse_event_from_resources,
    ),
    provenance.Record: (provenance.provenance_resources, provenance.provenance_from_resources),
}


def _mapping(kind: type) -> tuple[Callable[[Any], list[Resource]], Callable[[list[Resource]], Any]]:
    if kind not in MAPPINGS:
        raise FhirMappingError(kind.__name__, "has no FHIR mapping")
    return MAPPINGS[kind]


def to_resources(record: object) -> list[Resource]:
    """The FHIR resources one input maps to (a record and the parts it carries)."""
    return _mapping(type(record))[0](record)


def from_resources(kind: type[T], resources: list[Resource]) -> T:
    """The `kind` input back from the resources `to_resources` made of one."""
    return cast(T, _mapping(kind)[1](resources))
