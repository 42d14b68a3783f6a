"""A practitioner's whole flow in Chromium, and the cases that must block."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needlepoint.courses.models import Session
from needlepoint.intakes.answers import intake_from_json
from needlepoint.records import services as records
from tests.clinical_data import CLEAR, make_lot, planned_course
from tests.conftest import as_actor
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_QUESTIONS = [
    "Currently pregnant",
    "Currently breastfeeding",
    "Active (inflamed) acne in the treatment area",
    "Active skin infection in the treatment area, including an active cold sore",
    "Ever had cold sores (herpes simplex)",
    "Takes anticoagulant or antiplatelet medicine",
    "Has a bleeding disorder",
    "Immunosuppressed by illness or medicine",
    "Eczema, psoriasis or rosacea flaring in the treatment area",
    "Open wound, cut or sunburn in the treatment area",
    "Allergy to topical anaesthetics or to serum ingredients",
    "Ever formed raised (hypertrophic) scars that stayed within the original wound",
    "Has vitiligo, psoriasis or lichen planus, even if it is not flaring now",
    "Ever had dermal filler or a thread lift in the treatment area",
    "Tattoo or permanent makeup in the treatment area",
    "Ever had firm lumps (a granulomatous reaction) after a skin treatment, filler, tattoo or"
    " skin product",
    "Allergy to metals (e.g. nickel in jewellery or watch straps)",
    "Has an implanted electronic device (pacemaker, defibrillator, nerve or brain stimulator,"
    " cochlear implant)",
]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")


def _answer_intake(page, keloid: str = "No") -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Age in years").fill("29")
    for question in NO_QUESTIONS:
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_role(
        "group", name="Ever formed a keloid (a raised scar that grows beyond the original wound)"
    ).get_by_label(keloid, exact=True).check()
    page.get_by_label("Never taken").check()
    page.get_by_label("Diabetes").select_option("none")
    page.get_by_label("Fitzpatrick skin type (1-6)").fill("4")


def _new_patient(page, given: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill("Okoro")
    page.get_by_label("Date of birth").fill("1995-06-01")
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/patients/*/")


def test_new_patient_to_signed_first_session(page, practitioner, clinic):  # type: ignore[no-untyped-def]
    make_lot(clinic, "CART-OK")
    make_lot(clinic, "CART-OLD", expires=date.today() - timedelta(days=3))
    _sign_in(page, practitioner.user.email)
    _new_patient(page, "Ada")
    page.get_by_role("link", name="New intake").click()
    _answer_intake(page)
    page.get_by_role("button", name="Save and screen").click()
    expect(page.get_by_role("heading", name="Eligible with precautions")).to_be_visible()
    expect(page.get_by_text("post-inflammatory hyperpigmentation is more likely")).to_be_visible()

    page.get_by_role("link", name="Assess scars").click()
    page.get_by_label("Goodman & Baron qualitative grade").select_option("3")
    page.get_by_role("checkbox", name="Boxcar").check()
    cheek = page.locator("details", has_text="Left cheek")
    cheek.locator("summary").click()
    cheek.get_by_label("Moderately atrophic punched-out scars with a small diameter").fill("12")
    page.locator('[data-score="goodman_baron"]', has_text="4").wait_for()  # live, before saving
    page.get_by_role("button", name="Save assessment").click()
    page.get_by_role("link", name="Plan a course").click()
    # The record has no skin type yet: the plan asks, offering the intake's answer.
    expect(page.get_by_label("Fitzpatrick skin type")).to_have_value("4")
    page.get_by_role("button", name="Save skin type and plan").click()
    expect(page.get_by_text("Published results")).to_be_visible()
    page.get_by_label("Left cheek depth (mm)").fill("1.5")
    page.get_by_role("button", name="Create course and schedule sessions").click()
    page.get_by_role("link", name="Session 1").click()

    page.get_by_role("button", name="Re-screen").click()  # answers carried over
    cartridge = page.get_by_label("Cartridge lot")
    expect(cartridge).to_contain_text("CART-OK")
    expect(cartridge).not_to_contain_text("CART-OLD")  # an expired lot is never offered
    cartridge.select_option(label="CART-OK (12-pin cartridge)")
    page.get_by_label("Device", exact=True).select_option("pen")
    page.get_by_label("Left cheek depth (mm)").fill("2.5")
    page.get_by_label("Left cheek passes").fill("3")
    page.get_by_label("Endpoint reached").select_option("pinpoint_bleeding")
    now = timezone.localtime(timezone.now(), ZoneInfo(clinic.time_zone)).replace(
        second=0, microsecond=0
    ) - timedelta(minutes=30)  # the treatment has happened by the time it is charted
    page.get_by_label("Treatment started").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Treatment ended").fill(
        (now + timedelta(minutes=25)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save and sign (locks the chart)").click()
    # The depth is refused.
    expect(page.locator(".has-error").first).to_contain_text("at most the clinic's limit of 2 mm")

    page.get_by_label("Left cheek depth (mm)").fill("1.5")
    page.get_by_role("button", name="Save and sign (locks the chart)").click()
    expect(page.get_by_role("status")).to_contain_text("Chart signed")
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("link", name="Session 1: Signed")).to_be_visible()
    expect(page.get_by_text("Aftercare after session 1")).to_be_visible()
    assert Session.objects.get(number=1, course__patient__given_name="Ada").locked


def test_contraindicated_patient_is_not_eligible(page, practitioner):  # type: ignore[no-untyped-def]
    _sign_in(page, practitioner.user.email)
    _new_patient(page, "Bea")
    page.get_by_role("link", name="New intake").click()
    _answer_intake(page, keloid="Yes")
    page.get_by_role("button", name="Save and screen").click()
    expect(page.get_by_role("heading", name="Not eligible")).to_be_visible()
    expect(page.get_by_role("button", name="Record override")).to_be_visible()


def test_two_people_editing_one_chart(page, browser, live_server, practitioner, patient):  # type: ignore[no-untyped-def]
    actor = as_actor(practitioner)
    course = planned_course(actor, patient.pk)
    session = course.sessions.get(number=1)
    records.session_start(actor, session.pk, intake_from_json(actor, CLEAR))
    other = browser.new_context(base_url=live_server.url).new_page()
    for tab in (page, other):
        _sign_in(tab, practitioner.user.email)
        tab.goto(f"/sessions/{session.pk}/")
    page.get_by_label("Device id / serial").fill("FIRST")
    page.get_by_role("button", name="Save chart").click()
    expect(page.get_by_role("status")).to_contain_text("Chart saved")
    other.get_by_label("Device id / serial").fill("SECOND")
    other.get_by_role("button", name="Save chart").click()
    expect(other.get_by_role("heading", name="Someone else saved this chart")).to_be_visible()
    assert other.get_by_label("Device id / serial").input_value() == "SECOND"  # nothing lost
    session.refresh_from_db()
    assert session.device_id == "FIRST"
    other.context.close()
