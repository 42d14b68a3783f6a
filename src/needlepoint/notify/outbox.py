"""The outbox: one row per message and channel (e-mail, text message), added once and sent
at most once.

Messages go out in two steps, each safe to repeat or to run twice at once:

1. The queueing jobs (`patient_mail`, `escalations`) work out what is due now and add one
   row per message on each of the patient's channels (`patient_channels`: their choices, an
   address, consent to texts). Each row's key and channel are unique together
   (`reminder:session:42:20250304T1930Z`, `checkin:session:42:day3`,
   `milestone:session:42:24h`, `escalation:alert:7`), so a message already queued on a
   channel is never queued on it again.
2. `mail_send_pending` claims each pending row with a conditional update (only one job wins
   it), checks it is still wanted, sends it (Django's e-mail backend, or the SMS backend) and
   marks it sent. A failed send goes back to pending and is tried again later; a send
   interrupted half-way is not repeated (patient messages) or is repeated (escalations, where
   one too many beats none).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import F, Prefetch
from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.courses.models import Session
from needlepoint.notify import mail, sms
from needlepoint.notify.models import (
    NON_ESSENTIAL,
    Channel,
    MailKind,
    MailPreference,
    OutboxMessage,
    SmsConsent,
)
from needlepoint.notify.selectors import open_alerts
from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_record

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)  # a send that took longer than this was interrupted
MAX_ATTEMPTS = 5  # a patient message that failed this often is given up
ESCALATION_ATTEMPTS = 60  # an escalation keeps trying for about an hour
Status = OutboxMessage.Status
# A patient's consent to texts, read with them (`sms_number`).
ACTIVE_SMS_CONSENTS = Prefetch(
    "patient__sms_consents",
    queryset=SmsConsent.objects.filter(withdrawn_at__isnull=True),
    to_attr="active_sms_consents",
)


def sms_number(patient: Patient) -> str:
    """The number the patient consented to texts at, or "" (read from `active_sms_consents`
    when the query prefetched them)."""
    consents = getattr(patient, "active_sms_consents", None)
    if consents is None:
        consents = list(SmsConsent.objects.filter(patient=patient, withdrawn_at__isnull=True))
    return consents[0].phone if consents else ""


def _address(patient: Patient, channel: str) -> str:
    return patient.email if channel == Channel.EMAIL else sms_number(patient)


def patient_wants(patient: Patient, kind: str, channel: str = Channel.EMAIL) -> bool:
    """Whether a message of `kind` may go to the patient on `channel` (an address, or consent
    to texts; not archived or restricted; not turned off)."""
    if patient.archived or patient.restricted_at is not None or not _address(patient, channel):
        return False
    try:
        preference = patient.mail_preference
    except MailPreference.DoesNotExist:
        return True
    return preference.wants(kind, channel)


def patient_channels(patient: Patient, kind: str) -> list[tuple[str, str]]:
    """The (channel, address) pairs a message of `kind` goes to the patient by."""
    return [
        (channel, _address(patient, channel))
        for channel in Channel.values
        if patient_wants(patient, kind, channel)
    ]


def stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%MZ}"


def reminder_key(session: Session) -> str:
    """Keyed by the booked time too: a rebooked session is reminded of its new time."""
    return f"reminder:session:{session.pk}:{stamp(session.scheduled_at)}"


# Adding to the outbox.


def message_queue(
    key: str, kind: str, composed: mail.Composed, channel: str = Channel.EMAIL, **fields: Any
) -> bool:
    """Add one message unless its key is already there on `channel`; True when it was added."""
    clinic = fields.pop("clinic")
    message, created = OutboxMessage.objects.get_or_create(
        clinic=clinic,
        key=key,
        channel=channel,
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
            detail={"key": key, "kind": kind, "channel": channel},
            clinic_id=message.clinic_id,
        )
    return created


def message_queue_to_patient(
    patient: Patient,
    key: str,
    kind: str,
    compose: Callable[[str], mail.Composed],
    due_at: datetime,
    **about: Any,
) -> int:
    """`message_queue` a message to `patient` on each of their channels for `kind` (`compose`
    words it for a channel; `about` names its record, e.g. session=…); returns how many were
    added."""
    return sum(
        message_queue(
            key,
            kind,
            compose(channel),
            channel,
            clinic=patient.clinic,
            patient=patient,
            to=to,
            due_at=due_at,
            **about,
        )
        for channel, to in patient_channels(patient, kind)
    )


# Sending the outbox.


# Why a queued message of a kind should no longer go out (rebooked, acknowledged…), or "".
Hold = Callable[[OutboxMessage, datetime], str]
HOLDS: dict[str, Hold] = {}


def hold(kind: str) -> Callable[[Hold], Hold]:
    """Register the check made on a message of `kind` just before it is sent."""

    def register(check: Hold) -> Hold:
        HOLDS[kind] = check
        return check

    return register


@hold(MailKind.REMINDER)
def _session_moved(message: OutboxMessage, now: datetime) -> str:
    session = message.session
    if session is None:
        return ""
    if session.status != Session.Status.SCHEDULED or reminder_key(session) != message.key:
        return "The session was rebooked, started or cancelled."
    return "The session has begun." if session.scheduled_at <= now else ""


@hold(MailKind.MILESTONE)
def _alert_open(message: OutboxMessage, now: datetime) -> str:
    return (
        "An alert about the patient's recovery is open." if open_alerts(message.patient_id) else ""
    )


@hold(MailKind.ESCALATION)
def _alert_acknowledged(message: OutboxMessage, now: datetime) -> str:
    alert = message.alert
    return "The alert was acknowledged." if alert and alert.status != Alert.Status.OPEN else ""


def _hold_reason(message: OutboxMessage, now: datetime) -> str:
    """Why a queued message should no longer go out, or "" to send it."""
    if message.kind in NON_ESSENTIAL:
        assert message.patient is not None
        if message.channel == Channel.SMS and sms_number(message.patient) != message.to:
            return "The patient withdrew consent to texts at this number."
        if not patient_wants(message.patient, message.kind, message.channel):
            return f"The patient turned this {message.get_channel_display().lower()} off."
    check = HOLDS.get(message.kind)
    return check(message, now) if check else ""


def _deliver(message: OutboxMessage) -> str:
    """Send by the message's channel; the provider's id of a text ("" for an e-mail)."""
    if message.channel == Channel.SMS:
        return sms.backend().send(sms.Sms(message.key, message.to, message.body))[:64]
    mail.deliver(message)
    return ""


def _recover_interrupted(now: datetime) -> None:
    stale = OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    stale.filter(kind=MailKind.ESCALATION).update(status=Status.PENDING)
    stale.update(
        status=Status.FAILED,
        last_error="Interrupted while sending; not sent again so that it never arrives twice.",
    )


def mail_send_pending(now: datetime | None = None, limit: int = 200) -> int:
    """Send the pending outbox messages (every channel), each at most once; returns how many
    were sent."""
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
        message = (
            OutboxMessage.objects.select_related(
                "clinic", "patient__mail_preference", "session", "alert", "appointment"
            )
            .prefetch_related(ACTIVE_SMS_CONSENTS)
            .get(pk=pk)
        )
        this = OutboxMessage.objects.filter(pk=pk)
        reason = _hold_reason(message, now)
        if reason:
            this.update(status=Status.SKIPPED, last_error=reason)
            continue
        try:
            provider_id = _deliver(message)
        except Exception as error:  # any transport failure: try again on a later run
            most = ESCALATION_ATTEMPTS if message.kind == MailKind.ESCALATION else MAX_ATTEMPTS
            retry = message.attempts < most
            this.update(
                status=Status.PENDING if retry else Status.FAILED,
                last_error=f"{type(error).__name__}: {error}"[:1000],
            )
            logger.warning(
                "%s %s not sent (attempt %s): %s",
                message.channel,
                message.key,
                message.attempts,
                error,
            )
            continue
        sent_at = timezone.now()
        this.update(status=Status.SENT, sent_at=sent_at, last_error="", provider_id=provider_id)
        if message.alert_id is not None:
            Alert.objects.filter(pk=message.alert_id, escalated_at__isnull=True).update(
                escalated_at=sent_at
            )
        audit_record(
            None,
            "mail.send",
            "patient",
            message.patient_id or "",
            detail={"key": message.key, "kind": message.kind, "channel": message.channel},
            clinic_id=message.clinic_id,
        )
        sent += 1
    return sent
