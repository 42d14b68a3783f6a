"""A clinic admin filters the safety analytics by practitioner and period, is told what is
wrong with a period that ends before it starts, and follows a figure to its patients."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from needlepoint.safety.models import AuditEvent
from tests.factories import PASSWORD, StaffFactory
from tests.reports.analytics_data import treated_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_safety_filters_narrow_the_figures_and_lead_to_the_patients(  # type: ignore[no-untyped-def]
    page, admin, practitioner
):
    colleague = StaffFactory(clinic=admin.clinic, role="practitioner", licence_number="L-2")
    treated_course(practitioner, adverse="bruising", name="Ana Amaro")
    treated_course(practitioner)
    theirs = treated_course(colleague, adverse="pih", name="Bea Bravo")
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(admin.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Analytics").click()
    page.get_by_role("link", name="Safety", exact=True).click()
    kinds = page.get_by_role("table").first
    expect(kinds).to_contain_text("Bruising")
    expect(kinds).to_contain_text("Post-inflammatory hyperpigmentation")

    filters = page.get_by_role("form", name="Filters")  # a section is named Practitioner too
    filters.get_by_label("Practitioner", exact=True).select_option(label=colleague.user.full_name)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("treated by " + colleague.user.full_name)).to_be_visible()
    expect(kinds).not_to_contain_text("Bruising")
    expect(kinds).to_contain_text("Post-inflammatory hyperpigmentation")

    page.locator("#id_first").fill("2026-02-01")
    page.locator("#id_last").fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The last day comes before the first.")

    page.go_back()
    kinds.get_by_role("link", name="1").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Post-inflammatory")
    expect(page.get_by_role("table")).to_contain_text(theirs.patient.record_number)
    expect(page.get_by_role("table")).not_to_contain_text("Amaro")
    event = AuditEvent.objects.filter(action="analytics.figure_patients").get()
    assert event.detail["figure"] == "safety.kind.pih"
    assert event.detail["practitioner"] == colleague.pk
