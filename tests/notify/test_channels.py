"""Messages on each of a patient's channels: e-mail and text, each by their choices and their
consent to texts, queued and sent once per channel; consent recorded and withdrawn; numbers
checked; a clinic's own texts checked when saved and used."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from needlepoint.courses.models import Session
from needlepoint.notify import outbox, patient_mail, sms
from needlepoint.notify.models import Channel, MailKind, MailPreference, OutboxMessage, SmsConsent
from needlepoint.notify.services import (
    message_template_save,
    on_call_number_set,
    sms_consent_give,
    sms_consent_withdraw,
)
from needlepoint.notify.texts import MessageTemplateInvalid, check_template
from needlepoint.safety.models import AuditEvent
from tests.conftest import as_actor
from tests.notify.test_mail import _alert, run

H = timedelta(hours=1)
Status = OutboxMessage.Status


def _day_before(treated: Session) -> Any:
    return Session.objects.get(course=treated.course, number=2).scheduled_at - 20 * H


def test_a_reminder_goes_once_by_each_channel_the_patient_has(treated, texted):
    now = _day_before(treated)
    assert run(now) == 2
    assert run(now + H) == 0
    rows = OutboxMessage.objects.order_by("channel")
    assert [(r.channel, r.to, r.status) for r in rows] == [
        (Channel.EMAIL, "paula@example.test", Status.SENT),
        (Channel.SMS, "+12125550199", Status.SENT),
    ]
    assert rows[0].key == rows[1].key  # one reminder, two channels
    [text] = sms.outbox
    assert text.to == "+12125550199"
    assert text.body.startswith("Demo Clinic: a reminder of your microneedling session on ")
    assert "(session 2 of 3)" in text.body
    assert "call Demo Clinic on +1 212 555 0100" in text.body
    assert "Stop texts: https://clinic.example/portal/mail/" in text.body
    assert texted.given_name not in text.body  # no name on a phone's lock screen
    assert texted.family_name not in text.body
    assert len(mail.outbox) == 1
    sends = AuditEvent.objects.filter(action="mail.send", object_id=str(texted.pk))
    assert sorted(e.detail["channel"] for e in sends) == ["email", "sms"]


def test_a_text_says_less_than_its_email_and_never_past_a_warning_sign(treated, texted):
    ended = treated.ended_at
    assert ended is not None
    run(ended + 24 * H + H)  # the day-1 prompt and the 24-hour milestone, on both channels
    prompt = next(t for t in sms.outbox if "how your skin is" in t.body)
    assert "https://clinic.example/portal/" in prompt.body
    assert "Do not wait for a check-in if something worries you: contact Demo Clinic" in prompt.body
    assert "Get urgent medical help now" in prompt.body
    update = next(t for t in sms.outbox if "aftercare instructions end on" in t.body)
    for clinical in ("makeup", "Sunscreen", "fever", "bleeding", "usual", "normal"):
        assert clinical.lower() not in update.body.lower()
    # An alert opens: the next aftercare update is held on every channel.
    patient_mail.mail_queue_due(ended + 48 * H + H)
    _alert(treated, level="urgent")
    outbox.mail_send_pending(ended + 48 * H + H)
    held = OutboxMessage.objects.filter(key=f"milestone:session:{treated.pk}:48h")
    assert {(m.channel, m.status) for m in held} == {
        (Channel.EMAIL, Status.SKIPPED),
        (Channel.SMS, Status.SKIPPED),
    }


def test_texts_follow_their_own_choices_and_stop_when_consent_is_withdrawn(
    treated, texted, portal_patient
):
    now = _day_before(treated)
    MailPreference.objects.create(patient=texted, clinic=texted.clinic, sms_reminders=False)
    patient_mail.mail_queue_due(now)
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == [Channel.EMAIL]
    MailPreference.objects.filter(patient=texted).update(sms_reminders=True)
    patient_mail.mail_queue_due(now)
    assert OutboxMessage.objects.filter(channel=Channel.SMS).count() == 1
    # The patient withdraws in the portal before the worker sends: the text is held.
    assert sms_consent_withdraw(as_actor(portal_patient), texted.pk) == 1
    assert outbox.mail_send_pending(now) == 1  # the e-mail
    held = OutboxMessage.objects.get(channel=Channel.SMS)
    assert (held.status, held.last_error) == (
        Status.SKIPPED,
        "The patient withdrew consent to texts at this number.",
    )
    assert sms.outbox == []
    consent = SmsConsent.objects.get(patient=texted)
    assert (consent.given_by, consent.withdrawn_by) == ("in_person", "portal")
    assert consent.withdrawn_at is not None
    run(now + H)
    assert OutboxMessage.objects.filter(channel=Channel.SMS).count() == 1


def test_a_patient_with_only_a_mobile_still_gets_texts(treated, texted):
    type(texted).objects.filter(pk=texted.pk).update(email="")
    assert run(_day_before(treated)) == 1
    assert OutboxMessage.objects.get().channel == Channel.SMS


def test_consent_records_a_checked_number_and_how_it_was_given(front_desk, portal_patient, db):
    desk, patient = as_actor(front_desk), as_actor(portal_patient)
    with pytest.raises(ValidationError) as refused:
        sms_consent_give(desk, portal_patient.pk, phone="555-01", method="in_person")
    assert refused.value.message_dict == {"phone": ["'555-01' is not a valid phone number."]}
    with pytest.raises(ValidationError) as landline:
        sms_consent_give(desk, portal_patient.pk, phone="+44 20 7946 0000", method="in_person")
    assert "not a mobile number" in landline.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as how:
        sms_consent_give(desk, portal_patient.pk, phone="+44 7911 123456")
    assert how.value.message_dict == {"method": ["Say how the patient told the clinic."]}
    assert not SmsConsent.objects.exists()
    first = sms_consent_give(desk, portal_patient.pk, phone="+44 7911 123456", method="phone_call")
    assert (first.phone, first.given_by, first.recorded_by) == (
        "+447911123456",
        "phone_call",
        front_desk.user,
    )
    assert sms_consent_give(patient, portal_patient.pk, phone="+447911 123 456").pk == first.pk
    second = sms_consent_give(patient, portal_patient.pk, phone="212 555 0123")  # the clinic's US
    assert (second.phone, second.given_by) == ("+12125550123", "portal")
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert SmsConsent.objects.filter(withdrawn_at__isnull=True).get() == second
    assert AuditEvent.objects.filter(action="sms_consent.give").count() == 2


def test_another_clinic_cannot_record_or_withdraw_consent(other_practitioner, portal_patient):
    other = as_actor(other_practitioner)
    with pytest.raises(Http404):
        sms_consent_give(other, portal_patient.pk, phone="+12125550123", method="in_person")
    with pytest.raises(Http404):
        sms_consent_withdraw(other, portal_patient.pk, method="in_person")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Hi {given_name}, see you on {when} at {place}", "Unknown placeholder {place}"),
        ("See you {when.__class__}", "Unknown placeholder {when.__class__}"),
        ("See you {when!r}", "Write placeholders plainly"),
        ("See you {when:>40}", "Write placeholders plainly"),
        ("See you {when", "A brace is not closed"),
        ("See you {}", "Unknown placeholder {}"),
        ("See you soon at {clinic}", "The message must say {when}."),
        ("x" * 321, "At most 320 characters (321 written)."),
        ("   ", "Write the message"),
    ],
)
def test_a_clinics_text_is_checked_before_it_is_saved(text, error):
    with pytest.raises(MessageTemplateInvalid, match=re.escape(error)):
        check_template(MailKind.REMINDER, Channel.SMS, text)


def test_a_clinics_own_text_is_used_and_only_its_admin_may_change_it(
    treated, texted, admin, practitioner
):
    with pytest.raises(ValidationError) as refused:
        message_template_save(
            as_actor(admin), kind="reminder", channel="sms", text="{clinic} at {time}"
        )
    assert "Unknown placeholder {time}" in refused.value.message_dict["text"][0]
    with pytest.raises(PermissionDenied):
        message_template_save(as_actor(practitioner), kind="reminder", channel="sms", text="{when}")
    message_template_save(
        as_actor(admin),
        kind="reminder",
        channel="sms",
        text="{clinic} {{reminder}}: see you {when}. Questions? {contact}",
    )
    run(_day_before(treated))
    [text] = sms.outbox
    assert text.body.startswith("Demo Clinic {reminder}: see you ")
    assert text.body.endswith("Stop texts: https://clinic.example/portal/mail/")
    [email] = mail.outbox
    assert "This is a reminder of your microneedling session at Demo Clinic" in email.body


class OverlappingTexts(sms.MemoryBackend):
    """Runs another job while a text is being sent, as a second worker would."""

    other_job: Any = None
    seen: ClassVar[list[int]] = []

    def send(self, text: sms.Sms) -> str:
        OverlappingTexts.seen.append(OverlappingTexts.other_job())
        return super().send(text)


def test_two_workers_send_each_message_once_per_channel(treated, texted, settings):
    now = _day_before(treated)
    patient_mail.mail_queue_due(now)
    patient_mail.mail_queue_due(now)  # queued twice: still one row per channel
    assert OutboxMessage.objects.count() == 2
    settings.SMS_BACKEND = f"{__name__}.OverlappingTexts"
    OverlappingTexts.other_job, OverlappingTexts.seen = (lambda: run(now)), []
    assert outbox.mail_send_pending(now) == 2
    assert OverlappingTexts.seen == [0]  # it found the e-mail sent and the text claimed
    assert len(sms.outbox) == 1
    assert len(mail.outbox) == 1


def test_an_escalation_is_texted_to_the_clinics_on_call_number_too(treated, admin, front_desk):
    with pytest.raises(ValidationError) as refused:
        on_call_number_set(as_actor(admin), phone="+1 212 55")
    assert "not a valid phone number" in refused.value.message_dict["phone"][0]
    with pytest.raises(PermissionDenied):
        on_call_number_set(as_actor(front_desk), phone="212 555 0177")
    assert on_call_number_set(as_actor(admin), phone="212 555 0177") == "+12125550177"
    now = treated.ended_at + 3 * H
    alert = _alert(treated, created_at=now - 3 * H)
    run(now)
    run(now + H)
    [text] = sms.outbox
    assert text.to == "+12125550177"
    assert text.body.startswith("Demo Clinic: a check-in alert (contact the clinic) raised on ")
    assert f"Record {treated.patient.record_number}: https://clinic.example/alerts/{alert.pk}/" in (
        text.body
    )
    assert treated.patient.family_name not in text.body
    assert [m.to for m in mail.outbox] == [["desk@demo.test"]]
    assert on_call_number_set(as_actor(admin), phone="") == ""
