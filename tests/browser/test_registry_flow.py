"""A front-desk member signs in, registers a patient, fixes a mistake, and finds them by search."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_verify
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_register_and_find_a_patient(page, front_desk):  # type: ignore[no-untyped-def]
    _sign_in(page, front_desk.user.email)
    page.wait_for_url("**/patients/")
    page.get_by_role("link", name="New patient").click()

    page.get_by_label("Given name").fill("Grace")
    page.get_by_label("Family name").fill("Adeyemi")
    page.get_by_label("Date of birth").fill("2999-04-03")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Fitzpatrick skin type").select_option("6")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#id_date_of_birth_error")
    expect(error).to_have_text("Date of birth cannot be in the future.")
    assert page.get_by_label("Given name").input_value() == "Grace"

    page.get_by_label("Date of birth").fill("1990-04-03")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/patients/*/")
    expect(page.get_by_role("status")).to_have_text("Grace Adeyemi was added.")

    page.get_by_role("link", name="Patients").click()
    page.get_by_label("Search by name, record number, e-mail or phone").fill("adey")
    page.locator("#results").get_by_text("Adeyemi, Grace").wait_for()
    assert page.locator("#results tbody tr").count() == 1
    assert Patient.objects.get().fitzpatrick == 6
    assert audit_verify().intact


def test_wrong_password_then_lockout_page(page, practitioner, settings):  # type: ignore[no-untyped-def]
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(practitioner.user.email)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
