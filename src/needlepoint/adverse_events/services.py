"""Recording adverse events: by a practitioner, about a session (and the alert, if any)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.selectors import alert_in_scope
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.courses.selectors import session_in_scope
from needlepoint.safety.audit import audit_record


@transaction.atomic
def adverse_event_record(
    actor: Actor,
    session_id: object,
    *,
    kind: str,
    severity: str,
    serious: bool,
    outcome: str,
    onset: date,
    description: str,
    alert_id: object | None = None,
) -> AdverseEvent:
    """A practitioner records an adverse event linked to the session (and the alert, if any)."""
    actor.require(Permission.ALERT_MANAGE)
    session = session_in_scope(actor, session_id, Permission.ALERT_MANAGE)
    alert = alert_in_scope(actor, alert_id) if alert_id else None
    if alert is not None and alert.checkin.session_id != session.pk:
        raise ValidationError({"alert_id": "This alert is about another session."})
    if session.ended_at and onset < timezone.localdate(session.ended_at, actor.zone):
        raise ValidationError({"onset": "The onset cannot be before the session."})
    if onset > timezone.localdate(timezone.now(), actor.zone):
        raise ValidationError({"onset": "The onset cannot be in the future."})
    event = AdverseEvent(
        clinic=actor.clinic,
        patient=session.patient,
        session=session,
        alert=alert,
        kind=kind,
        severity=severity,
        serious=serious,
        outcome=outcome,
        onset=onset,
        description=description.strip(),
        recorded_by=actor.user,
    )
    event.full_clean()
    event.save()
    audit_record(
        actor,
        "adverse_event.record",
        "patient",
        session.patient_id,
        detail={"adverse_event": event.pk, "kind": kind, "serious": serious},
    )
    return event
