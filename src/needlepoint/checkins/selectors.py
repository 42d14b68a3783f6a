"""Reads of check-ins and alerts: scoped to the actor's clinic, audited."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Session
from needlepoint.domain.checkins import checkin_due_times
from needlepoint.safety.audit import audit_read

R = TypeVar("R", CheckIn, Session)


def _readable(actor: Actor, rows: QuerySet[R]) -> QuerySet[R]:
    """The rows of `rows` the actor may read: a patient their own, clinical staff their
    clinic's (anyone else is refused)."""
    actor.require(actor.record_permission(Permission.CLINICAL_READ))
    rows = rows.filter(clinic=actor.clinic)
    return rows.filter(patient_id=actor.patient_id) if actor.role is Role.PATIENT else rows


def latest_treated_session(actor: Actor, patient_id: UUID) -> Session | None:
    """The patient's most recent signed session: what a check-in reports on. Scoped like
    `checkin_in_scope` (None outside it); not audited: the page showing it reads the patient
    through `access_patient`."""
    return (
        _readable(actor, Session.objects.all())
        .filter(patient_id=patient_id, status=Session.Status.SIGNED, ended_at__isnull=False)
        .select_related("course")
        .order_by("-ended_at")
        .first()
    )


def next_session(actor: Actor, patient_id: UUID) -> Session | None:
    """The patient's next scheduled or running session; scoped (None outside it), not
    audited."""
    return (
        _readable(actor, Session.objects.all())
        .filter(
            patient_id=patient_id,
            status__in=[Session.Status.SCHEDULED, Session.Status.IN_PROGRESS],
        )
        .order_by("scheduled_at")
        .first()
    )


def next_checkin_due(actor: Actor, session: Session) -> datetime | None:
    """The first scheduled check-in after the patient's last one on this session (it may be
    due already), until the next session; None when the schedule is done. A session outside
    the actor's scope is a 404; not audited."""
    assert session.ended_at is not None
    if not _readable(actor, Session.objects.all()).filter(pk=session.pk).exists():
        raise Http404("No such session.")
    following = next_session(actor, session.patient_id)
    until = following.scheduled_at if following else None
    last = CheckIn.objects.filter(session=session).order_by("-reported_at").first()
    answered_until = last.reported_at if last else session.ended_at
    due = checkin_due_times(session.ended_at, until, clinic_knowledge(actor.clinic))
    return next((moment for moment in due if moment > answered_until), None)


def access_my_checkins(actor: Actor) -> list[CheckIn]:
    """The patient's own latest check-ins, audited."""
    actor.require(Permission.CHECKIN_SUBMIT)
    checkins = list(CheckIn.objects.filter(clinic=actor.clinic, patient_id=actor.patient_id)[:20])
    audit_read(actor, "checkin.list", "patient", actor.patient_id)
    return checkins


def checkin_in_scope(actor: Actor, checkin_id: object) -> CheckIn:
    """A check-in: the patient's own, or any of the clinic's for clinical staff; not audited."""
    checkins = _readable(actor, CheckIn.objects.select_related("session", "patient"))
    key = record_key(checkin_id, "check-in")
    checkin = checkins.filter(pk=key).first()
    if checkin is None:
        raise OutOfScope("check-in", key, object_type="checkin")
    return checkin


def access_checkin(actor: Actor, checkin_id: object) -> CheckIn:
    """Read one check-in (as `checkin_in_scope` finds it), audited."""
    checkin = checkin_in_scope(actor, checkin_id)
    audit_read(actor, "checkin.read", "patient", checkin.patient_id, detail={"checkin": checkin.pk})
    return checkin


def alerts(actor: Actor, *, open_only: bool = True) -> QuerySet[Alert]:
    actor.require(Permission.CLINICAL_READ)
    found = Alert.objects.filter(clinic=actor.clinic).select_related("patient", "checkin__session")
    if open_only:
        found = found.exclude(status=Alert.Status.RESOLVED)
    return found


def access_alerts(actor: Actor, *, open_only: bool = True, limit: int = 200) -> list[Alert]:
    """The clinic's alerts, newest first, at most `limit`: read once, audited once."""
    found = list(alerts(actor, open_only=open_only)[:limit])
    audit_read(
        actor,
        "alert.list",
        "alert",
        detail={
            "open_only": open_only,
            "ids": [alert.pk for alert in found],
            "patients": sorted({str(alert.patient_id) for alert in found}),
        },
    )
    return found


def alert_in_scope(actor: Actor, alert_id: object) -> Alert:
    """An alert of the actor's clinic (clinical staff), else 404; not audited."""
    alert = (
        alerts(actor, open_only=False)
        .select_related("checkin__session__cartridge_lot", "checkin__session__course")
        .filter(pk=record_key(alert_id))
        .first()
    )
    if alert is None:
        raise OutOfScope("alert", alert_id)
    return alert


def access_alert(actor: Actor, alert_id: object) -> Alert:
    """Read one alert: scoped to the actor's clinic and audited."""
    alert = alert_in_scope(actor, alert_id)
    audit_read(actor, "alert.read", "patient", alert.patient_id, detail={"alert": alert.pk})
    return alert
