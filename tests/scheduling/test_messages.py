"""An appointment's messages: its confirmation once booked (again when moved, the old one held)
and, for appointments that are not a course's session, a reminder the day before; once each,
on the patient's channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail as sent_mail

from needlepoint.notify.models import OutboxMessage
from needlepoint.notify.outbox import mail_send_pending
from needlepoint.notify.patient_mail import mail_queue_due
from needlepoint.patients.models import Patient
from needlepoint.scheduling import services
from tests.conftest import as_actor
from tests.scheduling.conftest import MONDAY, at, book_session


@pytest.fixture
def reachable(patient):  # type: ignore[no-untyped-def]
    Patient.objects.filter(pk=patient.pk).update(email="maya@example.test")
    patient.refresh_from_db()
    return patient


def consult(front_desk, calendar, practitioner, patient, starts_at):  # type: ignore[no-untyped-def]
    return services.appointment_book(
        as_actor(front_desk),
        patient_id=patient.pk,
        type_id=calendar["consultation"].pk,
        practitioner_id=practitioner.pk,
        room_id=calendar["room"].pk,
        starts_at=starts_at,
    ).appointment


def test_a_booking_is_confirmed_and_a_move_confirmed_again(
    django_capture_on_commit_callbacks, calendar, front_desk, practitioner, reachable
):
    with django_capture_on_commit_callbacks(execute=True):
        booked = consult(front_desk, calendar, practitioner, reachable, at(MONDAY, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_move(
            as_actor(front_desk), booked.pk, starts_at=at(MONDAY, 11), revision=booked.revision
        )
    assert OutboxMessage.objects.filter(kind="appointment_booked").count() == 2
    assert mail_send_pending() == 1
    (message,) = sent_mail.outbox
    assert message.subject == "Booked: your consultation at Demo Clinic on Monday 1 March"
    assert "Monday 1 March 2027 at 11:00 GMT" in message.body
    held = OutboxMessage.objects.get(kind="appointment_booked", status="skipped")
    assert held.last_error == "The appointment was moved."


def test_the_day_before_a_reminder_is_queued_once_and_held_when_cancelled(
    calendar, front_desk, practitioner, reachable
):
    kept = consult(front_desk, calendar, practitioner, reachable, at(MONDAY, 10))
    cancelled = consult(front_desk, calendar, practitioner, reachable, at(MONDAY, 14))
    evening_before = at(MONDAY, 14) - timedelta(hours=20)
    assert mail_queue_due(at(MONDAY, 10) - timedelta(hours=25)) == 0  # not yet within a day
    assert mail_queue_due(evening_before) == 2
    assert mail_queue_due(evening_before) == 0
    services.appointment_cancel(as_actor(front_desk), cancelled.pk)
    assert mail_send_pending(evening_before) == 1
    reminder = OutboxMessage.objects.get(kind="appointment_reminder", status="sent")
    assert reminder.appointment == kept
    assert "Reminder: your consultation" in sent_mail.outbox[0].subject
    assert OutboxMessage.objects.get(kind="appointment_reminder", status="skipped").last_error == (
        "The appointment was cancelled, missed or has begun."
    )


def test_a_sessions_appointment_is_reminded_by_its_session_reminder_only(
    calendar, course, front_desk, practitioner, reachable
):
    session = course.sessions.order_by("number").first()
    book_session(as_actor(front_desk), calendar, practitioner, session, at(MONDAY, 10))
    mail_queue_due(at(MONDAY, 10) - timedelta(hours=23))
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {"reminder"}
