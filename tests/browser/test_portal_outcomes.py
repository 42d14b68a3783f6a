"""On a phone: a patient opens "How are your scars?" from the portal's home page, taps their
answers (a 0-10 row that fits the screen), forgets none, and the task is gone once sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needlepoint.outcomes.models import MeasureResponse
from tests.browser.conftest import phone_for
from tests.clinical_data import planned_course
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_patient_answers_the_baseline_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, practitioner, portal_patient
):
    start = timezone.now() + timedelta(days=3)
    planned_course(as_actor(practitioner), portal_patient.pk, first_session_at=start)
    phone = phone_for(browser, live_server, portal_patient)

    phone.goto("/portal/")
    expect(phone.get_by_role("heading", name="How are your scars? (2 minutes)")).to_be_visible()
    phone.get_by_role("link", name="Answer now").click()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("answer this question")).to_be_visible()  # nothing sent yet
    row = phone.get_by_role("group", name="How much do your scars bother you at the moment?")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the 0-10 row fits the phone's width"
    row.get_by_label("6", exact=True).check()
    phone.get_by_role("button", name="Send my answers").click()
    expect(
        phone.get_by_text("your answers (before your first session) are with the clinic")
    ).to_be_visible()
    expect(phone.get_by_role("heading", name="How are your scars? (2 minutes)")).to_have_count(0)
    assert list(MeasureResponse.objects.values_list("measure", "score")) == [("scar_bother", 6)]
    phone.context.close()
