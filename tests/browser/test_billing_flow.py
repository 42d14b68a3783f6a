"""In a browser: the patient accepts the quote in the portal, then front desk records a
deposit on the patient's billing page and sees the balance."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from needlepoint.billing.models import Payment
from tests.billing.conftest import billing_set_up, course, quote  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_accepted_in_the_portal_then_paid_at_the_desk(  # type: ignore[no-untyped-def]
    browser,
    live_server,
    page,
    portal_patient,
    front_desk,
    quote,  # noqa: F811 (the fixture)
):
    _signed_in(page, live_server, portal_patient.user)
    page.goto("/portal/billing/")
    expect(page.locator("[data-total]")).to_have_text("1,803.89 USD")
    page.get_by_role("button", name="Accept this quote").click()
    expect(page.get_by_role("status")).to_contain_text("the quote is accepted")
    expect(page.locator("[data-usage]")).to_contain_text("4 bought, 0 used, 4 remaining")

    page.context.clear_cookies()
    _signed_in(page, live_server, front_desk.user)
    page.goto(f"/patients/{portal_patient.pk}/billing/")
    page.get_by_text("Record a deposit or payment").click()
    form = page.locator("form[action$='/payments/']")
    form.get_by_label("Kind").select_option("deposit")
    form.get_by_label("Method").select_option("card")
    form.get_by_label("Amount").fill("300")
    form.get_by_label("Reference").fill("AUTH 551203")
    form.get_by_role("button", name="Record payment").click()
    expect(page.get_by_role("status")).to_contain_text("Payment recorded")
    expect(page.locator("[data-balance]")).to_contain_text("due 1,503.89 USD")
    assert Payment.objects.get().reference == "AUTH 551203"
