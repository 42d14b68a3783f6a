"""The clinical records of an import plan, written family by family in the order their
references point: consents, intakes and their screenings, assessments, courses, sessions,
check-ins, adverse events. Each is written as its app writes it and checked by its rules;
what they refuse is gathered in the target's refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from needlepoint.fhir.mappers import (
    adverse_event,
    assessment,
    careplan,
    consent,
    questionnaire,
    screening,
    session,
)
from needlepoint.interop.forms import CHECKIN_FORM
from needlepoint.interop.import_followup import import_adverse_event, import_checkin
from needlepoint.interop.import_forms import import_consent, import_intake, import_screening
from needlepoint.interop.import_target import Target
from needlepoint.interop.import_treatment import import_assessment, import_course, import_session


def _checkin(record: object) -> bool:
    return isinstance(record, questionnaire.FormResponse) and record.form == CHECKIN_FORM


def _intake(record: object) -> bool:
    return isinstance(record, questionnaire.FormResponse) and record.form != CHECKIN_FORM


def _kind(kind: type) -> Callable[[object], bool]:
    return lambda record: isinstance(record, kind)


# Each family: which records, in which order (the order the source made them), its writer.
FAMILIES: tuple[tuple[Callable[[object], bool], Callable[[Any], Any], Callable[..., None]], ...] = (
    (_kind(consent.Consent), lambda r: r.signed_at, import_consent),
    (_intake, lambda r: (r.patient_id, r.version or 0, r.authored), import_intake),
    (_kind(screening.Screening), lambda r: r.screened_at, import_screening),
    (_kind(assessment.Assessment), lambda r: r.assessed_at, import_assessment),
    (_kind(careplan.Course), lambda r: r.created_at, import_course),
    (_kind(session.Session), lambda r: (r.course_id, r.number), import_session),
    (_checkin, lambda r: r.authored, import_checkin),
    (_kind(adverse_event.AdverseEvent), lambda r: r.recorded_at, import_adverse_event),
)


def import_clinical(target: Target, records: dict[str, object]) -> None:
    for belongs, order, write in FAMILIES:
        family = sorted(
            ((key, record) for key, record in records.items() if belongs(record)),
            key=lambda item: order(item[1]),
        )
        target.each(family, write)
