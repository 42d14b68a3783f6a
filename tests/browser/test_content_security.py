"""No page breaks the Content-Security-Policy: Chromium reports no violation on the main
pages of staff and patients, and the API docs (Swagger UI) still render their operations."""

from __future__ import annotations

import pytest

from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.factories import PASSWORD
from tests.patients.test_consents import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):  # type: ignore[no-untyped-def]
    """The page, collecting policy violations from events and from the console."""
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.console_violations = console
    return page


def _visit(page, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return [*page.evaluate("window.cspViolations"), *page.console_violations]


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def test_staff_pages_and_the_api_docs_run_without_violations(  # type: ignore[no-untyped-def]
    watched, admin, practitioner, patient
):
    publish(admin)
    session = treated_session(as_actor(practitioner), patient.pk)
    _sign_in(watched, practitioner.user.email)
    for path in [
        "/dashboard/",
        "/patients/",
        f"/patients/{patient.pk}/",
        f"/patients/{patient.pk}/timeline/",
        f"/patients/{patient.pk}/consents/sign/treatment/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/photos/capture/",
        "/alerts/",
        "/api/v1/docs",
    ]:
        assert _visit(watched, path) == [], path
    watched.locator(".opblock").first.wait_for()  # Swagger UI rendered the operations


def test_portal_pages_run_without_violations(watched, portal_patient):  # type: ignore[no-untyped-def]
    assert _visit(watched, "/portal/sign-in/") == []
    _sign_in(watched, portal_patient.user.email)
    for path in [
        "/portal/",
        "/portal/check-in/",
        "/portal/calendar/",
        "/portal/consents/",
        "/portal/progress/",
    ]:
        assert _visit(watched, path) == [], path
