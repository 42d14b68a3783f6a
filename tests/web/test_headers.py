"""Response headers: a script policy with no inline scripts, the browser features pages may
use, and no caching of anything but static files."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from needlepoint.accounts.tokens import token_create
from tests.clinical_data import treated_session
from tests.conftest import as_actor, signed_in

TEMPLATES = Path(__file__).parents[2] / "src" / "needlepoint" / "web" / "templates"


def _directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_pages_and_api_answers_carry_the_policy_and_are_never_stored(practitioner, patient):
    _, raw = token_create(practitioner.user)
    responses = [
        signed_in(practitioner).get(f"/patients/{patient.pk}/"),
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/v1/patients/{patient.pk}"),
        Client().get("/api/v1/patients"),  # a refusal too
        Client().get("/accounts/login/"),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"], response
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "camera=()" in response["Permissions-Policy"]


def test_static_files_keep_their_caching(db):
    response = Client().get("/static/needlepoint/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_only_the_capture_page_may_use_the_camera(practitioner, patient):
    session = treated_session(as_actor(practitioner), patient.pk)
    client = signed_in(practitioner)
    capture = client.get(f"/sessions/{session.pk}/photos/capture/")
    assert capture.status_code == 200
    assert "camera=(self)" in capture["Permissions-Policy"]
    assert "microphone=()" in capture["Permissions-Policy"]
    other = client.get(f"/sessions/{session.pk}/")
    assert "camera=()" in other["Permissions-Policy"]


def test_templates_have_no_inline_script_or_event_handler():
    """The policy would block them: behaviour lives in static files."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not inline_script.search(text), template
        assert not handler.search(text), template
