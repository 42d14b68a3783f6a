"""The front desk books a course's sessions from the patient's page into the week view and
moves one to a free slot; two front-desk members booking the same slot at once: one wins,
the other is told and nothing of theirs is written."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from needlepoint.scheduling.models import Appointment
from tests.factories import PASSWORD, StaffFactory
from tests.scheduling.conftest import LONDON, MONDAY, WEEK, at, calendar, course

__all__ = ["calendar", "course"]  # the fixtures, shared with the services' tests
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/patients/")


def test_the_front_desk_books_a_course_in_the_week_and_moves_a_session(  # type: ignore[no-untyped-def]
    page, calendar, course, front_desk, patient
):
    _sign_in(page, front_desk.user.email)
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Book the course's sessions (3 to book)").click()
    expect(page.get_by_label("Time of session 1")).to_have_value("2027-03-01T10:00")
    page.get_by_role("button", name="Book these sessions").click()
    page.wait_for_url("**/calendar/?practitioner=*")
    expect(page.get_by_role("status")).to_contain_text("Booked 3 sessions.")
    monday = page.locator(f'[data-day="{MONDAY.isoformat()}"]')
    monday.get_by_role("gridcell", name="Microneedling, session 1").first.click()

    page.get_by_label("Day to move to").fill((MONDAY + WEEK).isoformat())
    page.get_by_role("button", name="Show free times").click()
    page.get_by_role("button", name="Move to Monday 8 Mar 14:00").click()
    page.wait_for_url("**/calendar/?practitioner=*")
    expect(page.get_by_role("status").first).to_contain_text("Moved to Mon 08 Mar 2027 14:00")
    later = page.locator(f'[data-day="{(MONDAY + WEEK).isoformat()}"]')
    expect(later.get_by_role("gridcell", name="Microneedling, session 1").first).to_be_visible()
    session = course.sessions.get(number=1)
    assert session.scheduled_at.astimezone(LONDON) == at(MONDAY + WEEK, 14)
    assert Appointment.objects.get(session=session).starts_at == session.scheduled_at


def test_two_front_desks_book_one_slot_one_wins_the_other_is_told(  # type: ignore[no-untyped-def]
    page, browser, live_server, calendar, front_desk, practitioner, patient, clinic
):
    colleague = StaffFactory(clinic=clinic, role="front_desk")
    other = browser.new_context(base_url=live_server.url).new_page()
    pages = [(page, front_desk, "Room 1"), (other, colleague, "Room 2")]
    for tab, member, room in pages:
        _sign_in(tab, member.user.email)
        tab.goto(
            f"/calendar/?practitioner={practitioner.pk}&day={MONDAY.isoformat()}"
            f"&patient={patient.pk}"
        )
        tab.get_by_role("gridcell", name="Book Mon 1 Mar 11:00").click()
        tab.locator("#id_room_id").select_option(label=room)
    for tab, _, _ in pages:  # both forms are filled in before either is sent
        tab.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url("**/calendar/?practitioner=*")
    expect(page.get_by_role("status")).to_contain_text("Booked Maya Thompson")
    expect(other.locator("#id_starts_at_error")).to_contain_text("already booked at that time")
    assert Appointment.objects.count() == 1
    assert Appointment.objects.get().room == calendar["room"]
    other.context.close()
