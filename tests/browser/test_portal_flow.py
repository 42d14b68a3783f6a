"""On a phone: invited, signed in by link, aftercare, a normal and a red-flag check-in; the
practitioner sees the alert, acknowledges it and records an adverse event."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert
from tests.browser.conftest import PHONE
from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.factories import PASSWORD, PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_check_ins_reach_the_clinic(browser, live_server, page, practitioner, clinic):  # type: ignore[no-untyped-def]
    clinic.phone = "+1 212 555 0100"
    clinic.save()
    patient = PatientFactory(
        clinic=clinic, email="zoe@example.test", given_name="Zoe", family_name="Lam"
    )
    treated_session(as_actor(practitioner), patient.pk, hours_ago=6)

    # The practitioner invites the patient from the patient's page.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(practitioner.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("button", name="Invite to the patient portal").click()
    expect(page.get_by_role("status")).to_contain_text("sign-in link was e-mailed")

    link = re.search(r"https?://\S+/portal/sign-in/\S+/", mail.outbox[-1].body)
    assert link is not None
    phone = browser.new_context(base_url=live_server.url, **PHONE).new_page()
    phone.goto(link.group(0))
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/portal/")
    expect(phone.get_by_role("heading", name="Today's aftercare")).to_be_visible()
    expect(phone.get_by_text("Next session:")).to_be_visible()

    phone.get_by_role("link", name="Check in", exact=True).click()
    phone.get_by_role("group", name="Redness").get_by_label("4", exact=True).check()
    phone.get_by_role("group", name="Swelling").get_by_label("2", exact=True).check()
    phone.get_by_role("button", name="Send check-in").click()
    expected = phone.get_by_role("heading", name="This is what we expect at this stage")
    expect(expected).to_be_visible()
    assert not Alert.objects.exists()

    phone.goto("/portal/check-in/")
    phone.get_by_role("group", name="Redness").get_by_label("6", exact=True).check()
    phone.get_by_label("Fever").check()
    phone.get_by_role("button", name="Send check-in").click()
    expect(phone.get_by_role("heading", name="Get medical help now")).to_be_visible()
    expect(phone.get_by_role("link", name="Call +1 212 555 0100")).to_be_visible()
    phone.context.close()

    page.goto("/dashboard/")
    page.get_by_role("link", name="Urgent: check-in from Zoe Lam").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Alert updated")
    page.get_by_label("Type").select_option("infection")
    page.get_by_label("Severity").select_option("moderate")
    page.get_by_label("Outcome").select_option("recovering")
    page.get_by_label("Description").fill("Fever 38.4 °C on day 0; reviewed same day.")
    page.get_by_role("button", name="Record adverse event").click()
    expect(page.get_by_role("status")).to_contain_text("Adverse event recorded: Infection")
    # The page loads its photos after it: let that request end before the database is reset.
    expect(page.locator("#checkin-photos")).not_to_contain_text("Loading")
    event = AdverseEvent.objects.get()
    assert event.alert is not None
    assert event.alert.status == Alert.Status.ACKNOWLEDGED
