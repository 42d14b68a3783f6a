"""On a phone: a patient books their next session from the portal; another is stopped by
their re-screening answer and told to call the clinic, with nothing booked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from needlepoint.scheduling.models import Appointment
from tests.browser.conftest import phone_for
from tests.clinical_data import treated_session
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _choose_first_time(phone):  # type: ignore[no-untyped-def]
    phone.goto("/portal/")
    phone.get_by_role("link", name="My appointments").click()
    phone.get_by_role("link", name="Choose a time").click()
    phone.locator("summary").first.click()
    phone.locator("input[name=starts_at]").first.check()
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="Anything changed?")).to_be_visible()


@pytest.mark.usefixtures("portal_calendar")
def test_a_patient_books_their_next_session_on_a_phone(  # type: ignore[no-untyped-def]
    browser, live_server, practitioner, portal_patient, clinic
):
    clinic.phone = "+1 212 555 0100"
    clinic.save()
    treated_session(as_actor(practitioner), portal_patient.pk)
    phone = phone_for(browser, live_server, portal_patient)

    _choose_first_time(phone)
    legend = "Active skin infection in the treatment area, including an active cold sore"
    phone.get_by_role("group", name=legend).get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone.get_by_role("heading", name="Please call the clinic")).to_be_visible()
    expect(phone.get_by_role("link", name="Call +1 212 555 0100")).to_be_visible()
    assert not Appointment.objects.exists()

    _choose_first_time(phone)
    phone.get_by_role("group", name=legend).get_by_label("No", exact=True).check()
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone.get_by_role("status")).to_contain_text("Booked:")
    appointment = Appointment.objects.get()
    local = appointment.starts_at.astimezone(as_actor(portal_patient).zone)
    expect(phone.get_by_text(f"{local:%H:%M}: Microneedling (session 2)")).to_be_visible()
    phone.context.close()
