"""A practitioner has a patient sign a photo consent with a typed name and a drawn signature;
the patient's page then shows the uses consented."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from needlepoint.patients.models import Consent
from needlepoint.safety.audit import audit_verify
from tests.browser.test_registry_flow import _sign_in
from tests.patients.test_consents import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_practitioner_records_a_drawn_and_typed_photo_consent(page, admin, practitioner, patient):  # type: ignore[no-untyped-def]
    publish(admin, kind="photo", title="Photographs of your treatment")
    _sign_in(page, practitioner.user.email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"/patients/{patient.pk}/")
    consent_section = page.locator("section[aria-labelledby=consents-heading]")
    consent_section.get_by_text("Not consented").first.wait_for()
    consent_section.get_by_role("link", name="Consents: sign, view or revoke").click()
    page.get_by_role("link", name="Sign the photo consent").click()

    page.get_by_role("heading", name="Photographs of your treatment").wait_for()
    page.get_by_label("Clinical record").check()
    page.get_by_label("Teaching").check()
    page.get_by_label("Full name (typed signature)").fill("Maya Thompson")
    canvas = page.get_by_role("img", name="Draw the signature too (optional)")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    left, top = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(left, top)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(left + step * 12, top + (-1) ** step * 18, steps=2)
    page.mouse.up()
    page.get_by_role("status").filter(has_text="Drawing added.").wait_for()
    page.get_by_role("button", name="Sign consent").click()

    page.wait_for_url(f"**/patients/{patient.pk}/consents/")
    expect(page.locator(".messages")).to_contain_text("is signed")
    page.get_by_role("link", name="Back to Maya").click()
    summary = page.locator("section[aria-labelledby=consents-heading]")
    summary.get_by_text("Clinical record, Teaching").wait_for()
    expect(summary).not_to_contain_text("Marketing")

    consent = Consent.objects.get()
    assert (consent.signed_name, consent.photo_uses) == (
        "Maya Thompson",
        ["clinical_record", "teaching"],
    )
    drawing = base64.b64decode(consent.signature_drawing.removeprefix("data:image/png;base64,"))
    assert drawing.startswith(b"\x89PNG")
    assert consent.recorded_by == practitioner.user
    assert audit_verify().intact
