"""Two-factor in Chromium: a practitioner enrols with the key the page shows, signs out and
signs in with password and code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, after: int | None = None) -> str:
    """What an authenticator app given `secret` shows; with `after`, the first period's code
    past that period (each period's code signs in once, and the device accepts one period
    either side of now, so this holds whenever the 30-second boundary falls)."""
    totp = TOTP(b32decode(secret))
    if after is not None:
        totp.drift = max(0, after + 1 - totp.t())
    return f"{totp.token():06d}"


def test_enrol_sign_out_and_sign_in_with_a_code(page, practitioner):  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(practitioner.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Two-factor").click()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("[data-secret]").inner_text()
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(practitioner.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    used = TOTPDevice.objects.get(user=practitioner.user).last_t
    page.get_by_label("Code").fill(_code(secret, after=used))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("link", name="Patients")).to_be_visible()
