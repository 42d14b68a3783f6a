"""E-mails: what is due is queued once (unique keys) and sent once (claims), whatever the
retries and overlaps; opt-outs, rebooking and warning signs are respected."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client

from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.courses.models import Session
from needlepoint.notify import escalations, outbox, patient_mail
from needlepoint.notify.models import MailKind, MailPreference, OutboxMessage
from needlepoint.safety.models import AuditEvent

H = timedelta(hours=1)
Status = OutboxMessage.Status


def run(now: Any) -> int:
    """One run of the jobs at `now`: queue what is due and send the outbox."""
    patient_mail.mail_queue_due(now)
    escalations.alert_escalations_queue(now)
    return outbox.mail_send_pending(now)


def _alert(session: Session, level: str = "contact_clinic", **fields: Any) -> Alert:
    checkin = CheckIn.objects.create(
        clinic=session.clinic,
        patient=session.patient,
        session=session,
        reported_at=session.ended_at + H,
        symptoms={"pus": True},
        level=level,
        triage={},
    )
    alert = Alert.objects.create(clinic=session.clinic, patient=session.patient, checkin=checkin)
    if fields:
        Alert.objects.filter(pk=alert.pk).update(**fields)
        alert.refresh_from_db()
    return alert


class FlakyBackend(EmailBackend):
    """Fails the first send, like an SMTP server that is briefly down."""

    failures = 1

    def send_messages(self, messages: Any) -> int:
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server not reachable")
        return super().send_messages(messages)


def test_reminder_a_day_before_the_next_session_is_sent_once(treated):
    following = Session.objects.get(course=treated.course, number=2)
    now = following.scheduled_at - 23 * H
    assert run(now) == 1
    assert run(now) == 0
    assert run(now + H) == 0
    [email] = mail.outbox
    assert email.to == ["paula@example.test"]
    assert email.subject.startswith("Reminder: your session at Demo Clinic on ")
    body = email.body
    assert "Hello Paula," in body
    assert "Session 2 of 3" in body
    assert "+1 212 555 0100" in body
    assert " EST" in body or " EDT" in body  # the clinic's zone, named
    assert "https://clinic.example/mail/unsubscribe/" in body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["List-Unsubscribe"].startswith("<https://clinic.example/mail/")
    assert email.reply_to == ["desk@demo.test"]
    [row] = OutboxMessage.objects.all()
    assert row.key.startswith(f"reminder:session:{following.pk}:")
    assert (row.status, row.attempts, row.kind) == (Status.SENT, 1, MailKind.REMINDER)
    assert AuditEvent.objects.filter(action="mail.send", object_id=str(treated.patient_id)).count()


def test_a_failed_send_is_retried_later_and_still_arrives_once(treated, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 1
    now = Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H
    assert run(now) == 0
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error
    assert mail.outbox == []
    assert run(now + timedelta(minutes=5)) == 1
    assert run(now + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 2, "")


class Overlapping(EmailBackend):
    """Runs another job while sending, as a second worker would."""

    other_job: Any = None
    seen: list[int] = []

    def send_messages(self, messages: Any) -> int:
        Overlapping.seen.append(Overlapping.other_job())
        return super().send_messages(messages)


def test_a_job_overlapping_a_send_in_progress_does_not_send_it_again(treated, settings):
    now = Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H
    patient_mail.mail_queue_due(now)
    settings.EMAIL_BACKEND = f"{__name__}.Overlapping"
    Overlapping.other_job, Overlapping.seen = (lambda: run(now)), []
    assert outbox.mail_send_pending(now) == 1
    assert Overlapping.seen == [0]  # it found the message claimed
    assert len(mail.outbox) == 1


def test_a_send_interrupted_half_way_is_not_repeated_but_an_escalation_is(treated):
    now = Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H
    patient_mail.mail_queue_due(now)
    alert = _alert(treated, created_at=now - 3 * H)
    escalations.alert_escalations_queue(now)
    OutboxMessage.objects.update(status=Status.SENDING, claimed_at=now)  # then the job died
    assert outbox.mail_send_pending(now + outbox.STALE_CLAIM + H) == 1
    reminder = OutboxMessage.objects.get(kind=MailKind.REMINDER)
    assert reminder.status == Status.FAILED
    assert "never arrives twice" in reminder.last_error
    assert OutboxMessage.objects.get(kind=MailKind.ESCALATION).status == Status.SENT
    assert [m.to for m in mail.outbox] == [["desk@demo.test"]]
    alert.refresh_from_db()
    assert alert.escalated_at is not None


def test_checkin_prompt_on_the_schedule_unless_already_answered(treated):
    ended = treated.ended_at
    assert ended is not None
    assert run(ended + 3 * 24 * H + H) == 1
    [email] = mail.outbox
    assert "It is 3 days since your session on" in email.body
    assert "https://clinic.example/portal/" in email.body
    assert "Get urgent help for: fever; difficulty breathing." in email.body
    assert OutboxMessage.objects.get().key == f"checkin:session:{treated.pk}:day3"
    CheckIn.objects.create(
        clinic=treated.clinic,
        patient=treated.patient,
        session=treated,
        reported_at=ended + 7 * 24 * H - 2 * H,
        symptoms={},
        level="expected",
        triage={},
    )
    run(ended + 7 * 24 * H + H)
    assert not OutboxMessage.objects.filter(key__endswith="day7").exists()  # answered already


def test_milestone_lists_what_ends_and_what_still_applies(treated):
    ended = treated.ended_at
    assert ended is not None
    assert run(ended + 24 * H + H) == 2  # the day-1 prompt and the 24-hour milestone
    milestone = next(m for m in mail.outbox if m.subject.startswith("Aftercare update"))
    ends, still = milestone.body.split("These still apply:")
    assert "No makeup: Do not wear makeup." in ends
    assert "Only the clinic's products: For the first day" in ends
    assert "Sunscreen every day" in still
    assert "No makeup" not in still
    assert "If your practitioner gave you different instructions, follow theirs." in still
    assert "Contact Demo Clinic on +1 212 555 0100 today if you notice any of these:" in still
    # The warning signs, with the phone; neither they nor sunscreen have an end date.
    signs = next(line for line in still.splitlines() if "When to call the clinic" in line)
    assert "Call the clinic on +1 212 555 0100 straight away" in signs
    sunscreen = next(line for line in still.splitlines() if "Sunscreen every day" in line)
    assert "(until" not in signs
    assert "(until" not in sunscreen
    assert "Gentle skincare" in still
    assert "(until" in next(line for line in still.splitlines() if "Gentle skincare" in line)


def test_no_aftercare_update_ever_says_sunscreen_ends(treated):
    ended = treated.ended_at
    assert ended is not None
    for days in (1, 2, 7, 14, 28, 60, 89):
        run(ended + timedelta(days=days) + H)
    updates = [m for m in mail.outbox if m.subject.startswith("Aftercare update")]
    assert len(updates) == 4  # 24 h, 48 h, a week, two weeks
    for update in updates:
        ending = update.body.split("These still apply:")[0]
        assert "Sunscreen" not in ending
        assert "When to call the clinic" not in ending


def test_no_aftercare_update_while_an_alert_is_open(treated):
    ended = treated.ended_at
    assert ended is not None
    alert = _alert(treated)
    patient_mail.mail_queue_due(ended + 24 * H + H)
    assert {m.kind for m in OutboxMessage.objects.all()} == {MailKind.CHECKIN_PROMPT}
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.RESOLVED)
    patient_mail.mail_queue_due(ended + 48 * H + H)
    assert OutboxMessage.objects.filter(kind=MailKind.MILESTONE).count() == 1  # the 48-hour one
    # Queued, then an alert opens before sending: held back.
    patient_mail.mail_queue_due(ended + 168 * H + H)
    _alert(treated, level="urgent")
    outbox.mail_send_pending(ended + 168 * H + H)
    held = OutboxMessage.objects.get(key=f"milestone:session:{treated.pk}:168h")
    assert held.status == Status.SKIPPED
    assert not any(m.subject.startswith("Aftercare update") for m in mail.outbox)


def test_opted_out_mail_is_not_queued_or_is_held(treated, mailable):
    ended = treated.ended_at
    assert ended is not None
    MailPreference.objects.create(patient=mailable, clinic=mailable.clinic, milestones=False)
    run(ended + 24 * H + H)
    assert {m.kind for m in OutboxMessage.objects.all()} == {MailKind.CHECKIN_PROMPT}
    patient_mail.mail_queue_due(ended + 48 * H + H)  # the day-2 prompt is queued
    MailPreference.objects.filter(patient=mailable).update(checkin_prompts=False)
    outbox.mail_send_pending(ended + 48 * H + H)
    assert OutboxMessage.objects.get(key__endswith="day2").status == Status.SKIPPED
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_stops_all_non_essential_mail(treated, mailable):
    ended = treated.ended_at
    assert ended is not None
    run(ended + 24 * H + H)
    url = OutboxMessage.objects.first().unsubscribe_url  # type: ignore[union-attr]
    path = url.removeprefix("https://clinic.example")
    client = Client()
    page = client.get(path)
    assert "Stop these e-mails?" in page.content.decode()
    assert not MailPreference.objects.filter(patient=mailable).exists()  # a GET changes nothing
    done = client.post(path, "List-Unsubscribe=One-Click", content_type="text/plain")
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    preference = MailPreference.objects.get(patient=mailable)
    assert (preference.reminders, preference.checkin_prompts, preference.milestones) == (
        False,
        False,
        False,
    )
    assert AuditEvent.objects.filter(action="mail.unsubscribe").count() == 1
    assert run(ended + 48 * H + H) == 0
    assert client.post(path[:-3] + "xx/").status_code == 404


def test_a_rebooked_session_is_reminded_of_its_new_time(treated):
    following = Session.objects.get(course=treated.course, number=2)
    now = following.scheduled_at - 20 * H
    patient_mail.mail_queue_due(now)
    Session.objects.filter(pk=following.pk).update(scheduled_at=following.scheduled_at + 2 * H)
    assert outbox.mail_send_pending(now) == 0
    assert OutboxMessage.objects.get().status == Status.SKIPPED
    assert run(now) == 1
    assert OutboxMessage.objects.filter(kind=MailKind.REMINDER).count() == 2


def test_patients_without_an_address_or_archived_get_nothing(treated, mailable):
    ended = treated.ended_at
    assert ended is not None
    type(mailable).objects.filter(pk=mailable.pk).update(archived=True)
    assert run(ended + 24 * H + H) == 0
    type(mailable).objects.filter(pk=mailable.pk).update(archived=False, email="")
    assert run(ended + 24 * H + H) == 0
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("minutes_open", [118, 121])
def test_alert_left_open_past_the_clinics_time_is_escalated_once(treated, minutes_open):
    now = treated.ended_at + 3 * H  # type: ignore[operator]
    alert = _alert(treated, created_at=now - timedelta(minutes=minutes_open))
    run(now)
    run(now + timedelta(minutes=1))
    escalations = [m for m in mail.outbox if m.to == ["desk@demo.test"]]
    alert.refresh_from_db()
    if minutes_open < treated.clinic.alert_escalation_minutes:
        assert escalations == []
        assert alert.escalated_at is None
        return
    [email] = escalations
    record = treated.patient.record_number
    assert email.subject == f"Alert not acknowledged for {minutes_open} minutes: patient {record}"
    assert treated.patient.family_name not in email.body  # no names in the clinic's inbox
    assert f"https://clinic.example/alerts/{alert.pk}/" in email.body
    assert alert.escalated_at is not None


def test_an_alert_acknowledged_before_the_mail_goes_is_not_escalated(treated):
    now = treated.ended_at + 3 * H  # type: ignore[operator]
    alert = _alert(treated, created_at=now - 3 * H)
    escalations.alert_escalations_queue(now)
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.ACKNOWLEDGED)
    outbox.mail_send_pending(now)
    assert OutboxMessage.objects.get(kind=MailKind.ESCALATION).status == Status.SKIPPED
    assert [m for m in mail.outbox if m.to == ["desk@demo.test"]] == []
