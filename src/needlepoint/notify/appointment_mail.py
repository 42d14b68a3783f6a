"""Messages about appointments, on each of the patient's channels: the confirmation when an
appointment is booked or moved (queued once the booking commits), and the reminder the day
before for appointments that are not a course's session (a session's own reminder says the
same; see `patient_mail`). Both are keyed by the appointment's time, so a moved appointment
is confirmed and reminded again at its new time, and the old one's messages are held."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.utils import timezone

from needlepoint.domain.due import REMINDER_BEFORE
from needlepoint.notify import mail
from needlepoint.notify.models import MailKind, OutboxMessage, SmsConsent
from needlepoint.notify.outbox import (
    ACTIVE_SMS_CONSENTS,
    hold,
    message_queue_to_patient,
    stamp,
)
from needlepoint.notify.texts import ClinicTexts
from needlepoint.scheduling.models import Appointment
from needlepoint.scheduling.services import appointment_changed

RELATED = ("clinic", "type", "practitioner__user", "patient__clinic", "patient__mail_preference")


def appointment_key(appointment: Appointment, what: str) -> str:
    return f"appointment:{appointment.pk}:{what}:{stamp(appointment.starts_at)}"


def _queue(appointment: Appointment, kind: str, what: str, due_at: datetime) -> int:
    compose = partial(mail.appointment, appointment, kind, texts=ClinicTexts())
    return message_queue_to_patient(
        appointment.patient,
        appointment_key(appointment, what),
        kind,
        compose,
        due_at,
        appointment=appointment,
    )


@receiver(appointment_changed, dispatch_uid="notify.appointment_confirmation")
def _confirm(sender: Any, appointment: Appointment, change: str, **_: Any) -> None:
    if change not in ("book", "move") or appointment.patient.archived:
        return
    booked = (
        Appointment.objects.select_related(*RELATED)
        .prefetch_related(ACTIVE_SMS_CONSENTS)
        .get(pk=appointment.pk)
    )
    _queue(booked, MailKind.APPOINTMENT_BOOKED, "booked", timezone.now())


def queue_appointment_reminders(now: datetime) -> int:
    """Reminders of the appointments (other than sessions) that start within a day."""
    texted = SmsConsent.objects.filter(patient=OuterRef("patient"), withdrawn_at__isnull=True)
    due = (
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED,
            session__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_BEFORE,
            patient__archived=False,
        )
        .filter(~Q(patient__email="") | Exists(texted))
        .select_related(*RELATED)
        .prefetch_related(ACTIVE_SMS_CONSENTS)
    )
    return sum(
        _queue(a, MailKind.APPOINTMENT_REMINDER, "reminder", a.starts_at - REMINDER_BEFORE)
        for a in due
    )


@hold(MailKind.APPOINTMENT_BOOKED)
@hold(MailKind.APPOINTMENT_REMINDER)
def _appointment_changed(message: OutboxMessage, now: datetime) -> str:
    appointment = message.appointment
    if appointment is None:
        return ""
    what = "booked" if message.kind == MailKind.APPOINTMENT_BOOKED else "reminder"
    if appointment.status != Appointment.Status.BOOKED:
        return "The appointment was cancelled, missed or has begun."
    if appointment_key(appointment, what) != message.key:
        return "The appointment was moved."
    return "The appointment has begun." if appointment.starts_at <= now else ""
