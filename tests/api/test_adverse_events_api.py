"""The adverse-event API (recording with the alert is in the check-in API's flow)."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from tests.clinical_data import treated_session
from tests.conftest import as_actor

JSON = "application/json"


@pytest.fixture
def session(practitioner, patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), patient.pk)


@pytest.fixture
def staff_api(practitioner) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_unknown_adverse_event_kind_is_refused(session, staff_api):
    response = staff_api.post(
        "/api/v1/adverse-events",
        {
            "session_id": session.pk,
            "kind": "sadness",
            "severity": "mild",
            "outcome": "resolved",
            "onset": "2026-01-01",
            "description": "x",
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "kind" in [e["field"] for e in response.json()["errors"]]
