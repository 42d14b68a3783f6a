"""Check-ins triaged by the rules engine; alerts for the clinic."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.checkins.models import Alert, AlertAction, CheckIn
from needlepoint.checkins.selectors import alert_in_scope, latest_treated_session
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.domain import triage as rules
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.recovery import Level
from needlepoint.domain.serialization import JsonValue, to_json
from needlepoint.intakes.selectors import patient_context
from needlepoint.safety.audit import audit_record

MAX_NOTE = 2000


@transaction.atomic
def checkin_submit(actor: Actor, symptoms: rules.Symptoms, note: str = "") -> CheckIn:
    """A patient's check-in on their latest session, triaged against the patient's record.

    It is always accepted once the symptoms are valid, whatever the session's recorded times:
    triage notes what does not add up. Above `expected`, or with such a note, an alert.
    """
    actor.require(Permission.CHECKIN_SUBMIT)
    session = latest_treated_session(actor, actor.patient_id)
    if session is None or session.ended_at is None:
        raise ValidationError("There is no treatment session to report on yet.")
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note under {MAX_NOTE} characters."})
    now = timezone.now()
    checkin, result = checkin_create(
        session,
        now,
        symptoms,
        note.strip(),
        clinic_knowledge(actor.clinic),
        patient_context(session.patient),
    )
    audit_record(
        actor,
        "checkin.submit",
        "patient",
        actor.patient_id,
        detail={
            "checkin": checkin.pk,
            "level": checkin.level,
            "anomalies": [anomaly.code for anomaly in result.anomalies],
        },
    )
    return checkin


def checkin_create(
    session: Session,
    reported_at: datetime,
    symptoms: rules.Symptoms,
    note: str,
    knowledge: Knowledge,
    patient: rules.PatientContext,
) -> tuple[CheckIn, rules.Triage]:
    """A check-in on a treated session triaged by the rules engine as it was reported (against
    the session's end and the patient's last report on it), with an alert when it is above
    `expected` or its times do not add up. The caller audits it."""
    assert session.ended_at is not None
    result = rules.triage(
        rules.CheckIn(
            performed_at=session.ended_at,
            reported_at=reported_at,
            symptoms=symptoms,
            previous=_previous_report(session, reported_at, knowledge),
            patient=patient,
        ),
        knowledge,
    )
    checkin = CheckIn.objects.create(
        clinic_id=session.clinic_id,
        patient_id=session.patient_id,
        session=session,
        reported_at=reported_at,
        symptoms=rules.symptoms_json(symptoms, knowledge),
        note=note,
        level=result.level.value,
        triage=_stored_triage(result),
    )
    if checkin.level != Level.EXPECTED or result.anomalies:
        Alert.objects.create(
            clinic_id=session.clinic_id, patient_id=session.patient_id, checkin=checkin
        )
    return checkin, result


def _stored_triage(result: rules.Triage) -> dict[str, JsonValue]:
    """The triage as a check-in stores it: without its level, which is `CheckIn.level`."""
    stored = to_json(result)
    assert isinstance(stored, dict)
    del stored["level"]
    return stored


def _previous_report(
    session: Session, reported_at: datetime, knowledge: Knowledge
) -> rules.PreviousReport | None:
    """The patient's last check-in on the session before this one, to compare with; one whose
    symptoms the knowledge no longer reads (a symptom since removed) is left out rather than
    refused."""
    earlier = CheckIn.objects.filter(session=session, reported_at__lt=reported_at)
    previous = earlier.order_by("-reported_at").first()
    if previous is None:
        return None
    try:
        return rules.PreviousReport(
            previous.reported_at, rules.parse_symptoms(previous.symptoms, "previous", knowledge)
        )
    except InvalidInput:
        return None


NEXT_STATUS = {
    "acknowledge": Alert.Status.ACKNOWLEDGED,
    "contacted": Alert.Status.CONTACTED,
    "resolve": Alert.Status.RESOLVED,
}


@transaction.atomic
def alert_update(actor: Actor, alert_id: object, action: str, note: str = "") -> Alert:
    """Acknowledge an alert, record that the patient was contacted, or resolve it."""
    actor.require(Permission.ALERT_MANAGE)
    alert = alert_in_scope(actor, alert_id)
    if action not in NEXT_STATUS:
        raise ValidationError({"action": f"Choose one of: {', '.join(NEXT_STATUS)}."})
    if alert.status == Alert.Status.RESOLVED:
        raise ValidationError("This alert is already resolved.")
    if action in ("contacted", "resolve") and not note.strip():
        raise ValidationError({"note": "Say what was done or agreed with the patient."})
    now = timezone.now()
    alert.status = NEXT_STATUS[action]
    alert.acknowledged_at = alert.acknowledged_at or now
    if action == "resolve":
        alert.resolved_at = now
    alert.save(update_fields=["status", "acknowledged_at", "resolved_at"])
    AlertAction.objects.create(alert=alert, status=alert.status, note=note.strip(), by=actor.user)
    audit_record(actor, f"alert.{action}", "patient", alert.patient_id, detail={"alert": alert.pk})
    return alert
