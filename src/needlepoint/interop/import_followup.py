"""Importing what followed a session: the patient's check-ins, triaged as the app triages a
check-in submitted (the answers and times as reported, the patient's record as it stood
then), each above `expected` with an open alert; and the adverse events recorded."""

from __future__ import annotations

from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.services import MAX_NOTE, checkin_create
from needlepoint.courses.models import Session
from needlepoint.domain import triage as rules
from needlepoint.fhir.mappers import adverse_event, questionnaire
from needlepoint.interop.forms import CHECKIN_FORM
from needlepoint.interop.import_target import Refused, Target, keep_times
from needlepoint.patients.models import Patient


def _session(target: Target, procedure_id: str | None, patient: Patient, path: str) -> Session:
    """The treated session a record follows, of the same patient."""
    if procedure_id is None:
        raise Refused(path, "names the session (Procedure) it follows")
    session = target.row(f"Procedure/{procedure_id}", Session, path)
    if session.patient_id != patient.pk:
        raise Refused(path, f"Procedure/{procedure_id} is another patient's session")
    if session.ended_at is None:
        raise Refused(path, f"Procedure/{procedure_id} has not ended: no treatment to follow")
    return session


def import_checkin(target: Target, key: str, record: questionnaire.FormResponse) -> None:
    if record.form != CHECKIN_FORM:
        raise Refused("QuestionnaireResponse.questionnaire", f"is not a check-in: {record.form}")
    patient = target.row(f"Patient/{record.patient_id}", Patient, "QuestionnaireResponse.subject")
    session = _session(target, record.procedure_id, patient, "QuestionnaireResponse.partOf")
    answers = dict(record.answers)
    note = answers.pop("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise Refused("QuestionnaireResponse.item", f"the note is text under {MAX_NOTE} characters")
    knowledge = target.knowledge
    symptoms = rules.parse_symptoms(answers, "QuestionnaireResponse.item", knowledge)
    context = rules.PatientContext(
        patient.fitzpatrick, target.findings_at(patient, record.authored)
    )
    checkin, _ = checkin_create(session, record.authored, symptoms, note, knowledge, context)
    target.made(key, checkin, patient.pk)


def import_adverse_event(target: Target, key: str, record: adverse_event.AdverseEvent) -> None:
    """An adverse event as a practitioner records one: after the session, not in the future."""
    patient = target.row(f"Patient/{record.patient_id}", Patient, "AdverseEvent.subject")
    session = _session(target, record.procedure_id, patient, "AdverseEvent.suspectEntity")
    assert session.ended_at is not None  # a treated session, as `_session` holds
    if record.onset < timezone.localdate(session.ended_at, target.zone):
        raise Refused("AdverseEvent.date", "the onset cannot be before the session")
    if record.onset > timezone.localdate(timezone.now(), target.zone):
        raise Refused("AdverseEvent.date", "the onset cannot be in the future")
    event = AdverseEvent(
        clinic=target.clinic,
        patient=patient,
        session=session,
        kind=record.kind,
        severity=record.severity,
        serious=record.serious,
        outcome=record.outcome,
        onset=record.onset,
        description=record.description,
        recorded_by=target.user(record.recorder, "AdverseEvent.recorder"),
    )
    event.full_clean()
    event.save()
    keep_times(event, recorded_at=record.recorded_at)
    target.made(key, event, patient.pk)
