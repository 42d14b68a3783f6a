"""Writes: mail preferences, calendar feeds, and the mail jobs.

The jobs run in two steps, each safe to repeat or to run twice at once:

1. `mail_queue_due` / `alert_escalations_queue` work out what is due now and add one outbox
   row per message. Each row's key is unique (`reminder:session:42:20250304T1930Z`,
   `checkin:session:42:day3`, `milestone:session:42:24h`, `escalation:alert:7`), so a
   message already queued is never queued again.
2. `mail_send_pending` claims each pending row with a conditional update (only one job wins
   it), checks it is still wanted, sends it and marks it sent. A failed send goes back to
   pending and is tried again later; a send interrupted half-way is not repeated (patient
   mail) or is repeated (escalations, where one too many beats none).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course, Session
from needlepoint.domain.due import GRACE, REMINDER_BEFORE, milestones_due, prompts_due
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.warning_signs import WarningSigns, warning_signs
from needlepoint.intakes.selectors import patient_context
from needlepoint.notify import mail
from needlepoint.notify.aftercare import session_aftercare
from needlepoint.notify.models import (
    NON_ESSENTIAL,
    CalendarFeed,
    MailKind,
    MailPreference,
    OutboxMessage,
)
from needlepoint.notify.selectors import open_alerts
from needlepoint.notify.tokens import feed_token, new_nonce, token_digest, unsubscribe_patient_id
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record

logger = logging.getLogger(__name__)

PROMPT_HORIZON = timedelta(days=400)  # check-ins are asked for at most this long after
MILESTONE_HORIZON = timedelta(days=90)  # longer than any aftercare window whose end is told
STALE_CLAIM = timedelta(minutes=15)  # a send that took longer than this was interrupted
MAX_ATTEMPTS = 5  # a patient e-mail that failed this often is given up
ESCALATION_ATTEMPTS = 60  # an escalation keeps trying for about an hour
Status = OutboxMessage.Status


def _patient_to_change(actor: Actor, patient_id: object) -> Patient:
    """A patient changes their own settings; staff change them with the update right."""
    permission = (
        Permission.PATIENT_READ if actor.role is Role.PATIENT else Permission.PATIENT_UPDATE
    )
    return patient_in_scope(actor, getattr(patient_id, "pk", patient_id), permission)


# Preferences and unsubscribing.


@transaction.atomic
def mail_preference_update(
    actor: Actor, patient_id: object, *, reminders: bool, checkin_prompts: bool, milestones: bool
) -> MailPreference:
    patient = _patient_to_change(actor, patient_id)
    choices = {"reminders": reminders, "checkin_prompts": checkin_prompts, "milestones": milestones}
    preference, _ = MailPreference.objects.update_or_create(
        patient=patient, defaults={"clinic": patient.clinic, **choices}
    )
    audit_record(actor, "mail_preference.update", "patient", patient.pk, detail=choices)
    return preference


@transaction.atomic
def mail_unsubscribe(token: str) -> Patient:
    """One click from an e-mail: no more non-essential mail. The signed token is the key."""
    patient_id = unsubscribe_patient_id(token)
    patient = (
        Patient.objects.select_related("clinic").filter(pk=patient_id).first()
        if patient_id is not None
        else None
    )
    if patient is None:
        raise Http404("This unsubscribe link is not valid.")
    choices = {"reminders": False, "checkin_prompts": False, "milestones": False}
    MailPreference.objects.update_or_create(
        patient=patient, defaults={"clinic": patient.clinic, **choices}
    )
    audit_record(
        None, "mail.unsubscribe", "patient", patient.pk, detail=choices, clinic_id=patient.clinic_id
    )
    return patient


# Calendar feeds.


@transaction.atomic
def calendar_feed_renew(actor: Actor, patient_id: object) -> CalendarFeed:
    """A new secret calendar address for the patient (their own); any old one stops working."""
    if actor.role is not Role.PATIENT:
        raise PermissionDenied("Only the patient can make a calendar address, in the portal.")
    patient = _patient_to_change(actor, patient_id)
    now = timezone.now()
    CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor.user
    )
    nonce = new_nonce()
    feed = CalendarFeed.objects.create(
        clinic=patient.clinic,
        patient=patient,
        nonce=nonce,
        token_digest=token_digest(feed_token(nonce)),
    )
    audit_record(actor, "calendar_feed.create", "patient", patient.pk, detail={"feed": feed.pk})
    return feed


@transaction.atomic
def calendar_feed_revoke(actor: Actor, patient_id: object) -> int:
    """Stop the patient's calendar address (the patient, or staff); returns how many."""
    patient = _patient_to_change(actor, patient_id)
    revoked = CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    audit_record(actor, "calendar_feed.revoke", "patient", patient.pk, detail={"revoked": revoked})
    return revoked


# Queueing what is due.


class _Knowledge:
    """Each clinic's knowledge, loaded once per job run, and a patient's warning signs."""

    def __init__(self) -> None:
        self._cache: dict[int, Knowledge] = {}

    def __call__(self, session: Session) -> tuple[Knowledge, WarningSigns]:
        clinic = session.clinic
        if clinic.pk not in self._cache:
            self._cache[clinic.pk] = clinic_knowledge(clinic)
        knowledge = self._cache[clinic.pk]
        return knowledge, warning_signs(knowledge, patient_context(session.patient))


def _wants(patient: Patient, kind: str) -> bool:
    if patient.archived or not patient.email:
        return False
    try:
        preference = patient.mail_preference
    except MailPreference.DoesNotExist:
        return True
    return preference.wants(kind)


def _queue(key: str, kind: str, composed: mail.Composed, **fields: Any) -> bool:
    """Add one message unless its key is already there; True when it was added."""
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "subject": composed.subject[:200],
            "body": composed.body,
            "unsubscribe_url": composed.unsubscribe_url,
            **fields,
        },
    )
    if created:
        audit_record(
            None,
            "mail.queue",
            "patient",
            message.patient_id or "",
            detail={"key": key, "kind": kind},
            clinic_id=message.clinic_id,
        )
    return created


def _queue_to_patient(
    session: Session, key: str, kind: str, composed: mail.Composed, due_at: datetime
) -> bool:
    """`_queue` a message about `session` to its patient."""
    return _queue(
        key,
        kind,
        composed,
        clinic=session.clinic,
        patient=session.patient,
        session=session,
        to=session.patient.email,
        due_at=due_at,
    )


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%MZ}"


def reminder_key(session: Session) -> str:
    """Keyed by the booked time too: a rebooked session is reminded of its new time."""
    return f"reminder:session:{session.pk}:{_stamp(session.scheduled_at)}"


def _patient_sessions() -> QuerySet[Session]:
    return (
        Session.objects.filter(patient__archived=False)
        .exclude(patient__email="")
        .select_related("clinic", "course", "patient__clinic", "patient__mail_preference")
    )


def _queue_reminders(now: datetime) -> int:
    sessions = (
        _patient_sessions()
        .filter(
            status=Session.Status.SCHEDULED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + REMINDER_BEFORE,
        )
        .exclude(course__status__in=[Course.Status.STOPPED, Course.Status.COMPLETED])
    )
    queued = 0
    for session in sessions:
        if not _wants(session.patient, MailKind.REMINDER):
            continue
        local = session.scheduled_at.astimezone(ZoneInfo(session.clinic.time_zone))
        queued += _queue_to_patient(
            session,
            reminder_key(session),
            MailKind.REMINDER,
            mail.reminder(session, local),
            session.scheduled_at - REMINDER_BEFORE,
        )
    return queued


def _performed(now: datetime, horizon: timedelta) -> QuerySet[Session]:
    return _patient_sessions().filter(
        status=Session.Status.SIGNED, ended_at__gt=now - horizon, ended_at__lte=now
    )


def _queue_checkin_prompts(now: datetime, knowledge_of: _Knowledge) -> int:
    # Prompts run until the patient's next session (as the portal counts them).
    following = (
        Session.objects.filter(patient=OuterRef("patient"), scheduled_at__gt=OuterRef("ended_at"))
        .exclude(status=Session.Status.CANCELLED)
        .order_by("scheduled_at")
        .values("scheduled_at")[:1]
    )
    queued = 0
    for session in _performed(now, PROMPT_HORIZON).annotate(next_at=Subquery(following)):
        if not _wants(session.patient, MailKind.CHECKIN_PROMPT):
            continue
        assert session.ended_at is not None
        knowledge, signs = knowledge_of(session)
        performed_at = session.ended_at.astimezone(ZoneInfo(session.clinic.time_zone))
        for prompt in prompts_due(performed_at, session.next_at, now, knowledge):
            answered = CheckIn.objects.filter(
                session=session, reported_at__gte=prompt.at - GRACE
            ).exists()
            if answered:
                continue
            queued += _queue_to_patient(
                session,
                f"checkin:session:{session.pk}:day{prompt.day}",
                MailKind.CHECKIN_PROMPT,
                mail.checkin_prompt(session, performed_at, prompt, signs),
                prompt.at,
            )
    return queued


def _queue_milestones(now: datetime, knowledge_of: _Knowledge) -> int:
    queued = 0
    for session in _performed(now, MILESTONE_HORIZON):
        if not _wants(session.patient, MailKind.MILESTONE):
            continue
        assert session.ended_at is not None
        knowledge, signs = knowledge_of(session)
        performed_at = session.ended_at.astimezone(ZoneInfo(session.clinic.time_zone))
        aftercare = session_aftercare(session, knowledge)
        due = milestones_due(aftercare, performed_at, now)
        if not due or open_alerts(session.patient_id):
            continue
        for step in due:
            queued += _queue_to_patient(
                session,
                f"milestone:session:{session.pk}:{step.label}",
                MailKind.MILESTONE,
                mail.milestone(session, performed_at, step, signs),
                step.at,
            )
    return queued


def mail_queue_due(now: datetime | None = None) -> int:
    """Queue the patients' reminders, check-in prompts and aftercare updates due now."""
    now = now or timezone.now()
    knowledge_of = _Knowledge()
    return (
        _queue_reminders(now)
        + _queue_checkin_prompts(now, knowledge_of)
        + _queue_milestones(now, knowledge_of)
    )


def alert_escalations_queue(now: datetime | None = None) -> int:
    """Queue one e-mail to the clinic for each alert still open past its escalation time."""
    now = now or timezone.now()
    alerts = Alert.objects.filter(
        status=Alert.Status.OPEN, escalated_at__isnull=True, created_at__lte=now
    ).select_related("clinic", "patient", "checkin")
    queued = 0
    for alert in alerts:
        limit = timedelta(minutes=alert.clinic.alert_escalation_minutes)
        if alert.created_at + limit > now:
            continue
        minutes = int((now - alert.created_at).total_seconds() // 60)
        raised = alert.created_at.astimezone(ZoneInfo(alert.clinic.time_zone))
        if not alert.clinic.email:  # queued once the clinic has an address
            logger.warning(
                "alert %s is open past its time but %s has no e-mail address",
                alert.pk,
                alert.clinic.name,
            )
            continue
        queued += _queue(
            f"escalation:alert:{alert.pk}",
            MailKind.ESCALATION,
            mail.escalation(alert, minutes, raised),
            clinic=alert.clinic,
            patient=alert.patient,
            alert=alert,
            to=alert.clinic.email,
            due_at=alert.created_at + limit,
        )
    return queued


# Sending the outbox.


def _hold_reason(message: OutboxMessage, now: datetime) -> str:
    """Why a queued message should no longer go out, or "" to send it."""
    if message.kind in NON_ESSENTIAL:
        assert message.patient is not None
        if not _wants(message.patient, message.kind):
            return "The patient turned this e-mail off."
    session = message.session
    if message.kind == MailKind.REMINDER and session is not None:
        if session.status != Session.Status.SCHEDULED or reminder_key(session) != message.key:
            return "The session was rebooked, started or cancelled."
        if session.scheduled_at <= now:
            return "The session has begun."
    if message.kind == MailKind.MILESTONE and open_alerts(message.patient_id):
        return "An alert about the patient's recovery is open."
    alert = message.alert
    if message.kind == MailKind.ESCALATION and alert and alert.status != Alert.Status.OPEN:
        return "The alert was acknowledged."
    return ""


def _recover_interrupted(now: datetime) -> None:
    stale = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    stale.filter(kind=MailKind.ESCALATION).update(status=Status.PENDING)
    stale.update(
        status=Status.FAILED,
        last_error="Interrupted while sending; not sent again so that it never arrives twice.",
    )


def mail_send_pending(now: datetime | None = None, limit: int = 200) -> int:
    """Send the pending outbox messages, each at most once; returns how many were sent."""
    now = now or timezone.now()
    _recover_interrupted(now)
    pending = OutboxMessage.objects.filter(status=Status.PENDING).order_by("created_at", "pk")
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        claimed = OutboxMessage.objects.filter(pk=pk, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another job has it
        message = OutboxMessage.objects.select_related(
            "clinic", "patient__mail_preference", "session", "alert"
        ).get(pk=pk)
        this = OutboxMessage.objects.filter(pk=pk)
        reason = _hold_reason(message, now)
        if reason:
            this.update(status=Status.SKIPPED, last_error=reason)
            continue
        try:
            mail.deliver(message)
        except Exception as error:  # any transport failure: try again on a later run
            most = ESCALATION_ATTEMPTS if message.kind == MailKind.ESCALATION else MAX_ATTEMPTS
            retry = message.attempts < most
            this.update(
                status=Status.PENDING if retry else Status.FAILED,
                last_error=f"{type(error).__name__}: {error}"[:1000],
            )
            logger.warning(
                "e-mail %s not sent (attempt %s): %s", message.key, message.attempts, error
            )
            continue
        sent_at = timezone.now()
        this.update(status=Status.SENT, sent_at=sent_at, last_error="")
        if message.alert_id is not None:
            Alert.objects.filter(pk=message.alert_id, escalated_at__isnull=True).update(
                escalated_at=sent_at
            )
        audit_record(
            None,
            "mail.send",
            "patient",
            message.patient_id or "",
            detail={"key": message.key, "kind": message.kind},
            clinic_id=message.clinic_id,
        )
        sent += 1
    return sent
