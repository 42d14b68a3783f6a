"""The outcome questions' prompt: once per timepoint when it opens, by e-mail and by text
(which names no one and nothing clinical), held once the patient has answered."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail as django_mail
from django.utils import timezone

from needlepoint.notify import outbox, sms
from needlepoint.notify.models import OutboxMessage
from needlepoint.notify.outcome_mail import queue_outcome_prompts
from needlepoint.outcomes.services import measure_response_record
from tests.clinical_data import planned_course
from tests.conftest import as_actor


def test_an_open_baseline_is_prompted_once_by_each_channel(practitioner, texted):
    start = timezone.now() + timedelta(days=3)
    course = planned_course(as_actor(practitioner), texted.pk, first_session_at=start)
    now = timezone.now()
    assert queue_outcome_prompts(now) == 2
    assert queue_outcome_prompts(now) == 0
    key = f"outcomes:course:{course.pk}:baseline:0"
    assert set(OutboxMessage.objects.values_list("key", "channel")) == {
        (key, "email"),
        (key, "sms"),
    }
    assert outbox.mail_send_pending() == 2
    [email] = django_mail.outbox
    assert "Before your first session" in email.body
    assert f"https://clinic.example/portal/questions/{course.pk}/baseline/" in email.body
    [text] = sms.outbox
    assert texted.given_name not in text.body
    assert "scar" not in text.body.lower()
    assert "/portal/questions/" in text.body


def test_a_prompt_not_sent_before_the_patient_answers_is_held(practitioner, mailable):
    start = timezone.now() + timedelta(days=3)
    course = planned_course(as_actor(practitioner), mailable.pk, first_session_at=start)
    assert queue_outcome_prompts(timezone.now()) == 1
    measure_response_record(
        as_actor(mailable), course.pk, "baseline", None, {"scar_bother": {"scar_bother": 4}}
    )
    outbox.mail_send_pending()
    assert not django_mail.outbox
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SKIPPED
