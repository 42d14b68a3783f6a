"""The check-in, alert and adverse-event API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from needlepoint.checkins.models import CheckIn
from needlepoint.courses.models import Session
from tests.clinical_data import treated_session
from tests.conftest import as_actor, signed_in

JSON = "application/json"


@pytest.fixture
def session(practitioner, portal_patient):  # type: ignore[no-untyped-def]
    return treated_session(as_actor(practitioner), portal_patient.pk)


@pytest.fixture
def staff_api(practitioner) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_patient_checks_in_and_the_clinic_handles_the_alert(portal_patient, session, staff_api):
    patient = signed_in(portal_patient)
    created = patient.post(
        "/api/v1/checkins", {"symptoms": {"pus": True}, "note": "yellow crust"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["level"] == "contact_clinic"
    alert_id = body["alert_id"]
    assert [c["id"] for c in patient.get("/api/v1/checkins").json()] == [body["id"]]

    open_alerts = staff_api.get("/api/v1/alerts").json()
    assert [(a["id"], a["session_id"]) for a in open_alerts] == [(alert_id, session.pk)]
    assert (
        staff_api.post(f"/api/v1/alerts/{alert_id}/acknowledge", {}, content_type=JSON).json()[
            "status"
        ]
        == "acknowledged"
    )
    event = staff_api.post(
        "/api/v1/adverse-events",
        {
            "session_id": session.pk,
            "alert_id": alert_id,
            "kind": "infection",
            "severity": "moderate",
            "outcome": "recovering",
            "onset": timezone.localdate(timezone=as_actor(portal_patient).zone).isoformat(),
            "description": "Impetiginised crusts on the left cheek.",
        },
        content_type=JSON,
    )
    assert event.status_code == 201, event.content
    resolved = staff_api.post(
        f"/api/v1/alerts/{alert_id}/resolve", {"note": "Antibiotics started"}, content_type=JSON
    )
    assert resolved.json()["status"] == "resolved"
    assert staff_api.get("/api/v1/alerts").json() == []
    assert [e["kind"] for e in staff_api.get("/api/v1/adverse-events").json()] == ["infection"]


def test_bad_check_in_is_a_422_naming_the_field(portal_patient, session):
    response = signed_in(portal_patient).post(
        "/api/v1/checkins", {"symptoms": {"redness": "very"}}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "symptoms.redness"


def test_bad_symptom_values_name_the_field(portal_patient, session):
    response = signed_in(portal_patient).post(
        "/api/v1/checkins", {"symptoms": {"redness": 11}}, content_type=JSON
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["symptoms.redness"]
    assert not CheckIn.objects.exists()


def test_patients_cannot_read_alerts_and_staff_cannot_check_in(portal_patient, session, staff_api):
    assert signed_in(portal_patient).get("/api/v1/alerts").status_code == 403
    assert (
        staff_api.post("/api/v1/checkins", {"symptoms": {}}, content_type=JSON).status_code == 403
    )


def test_an_alert_carries_the_anomalies_of_its_check_in(portal_patient, session, staff_api):
    Session.objects.filter(pk=session.pk).update(ended_at=timezone.now() + timedelta(days=1))
    created = signed_in(portal_patient).post(
        "/api/v1/checkins", {"symptoms": {"redness": 2}}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["level"] == "expected"
    assert [a["code"] for a in body["triage"]["anomalies"]] == ["session_time_in_future"]
    alert = staff_api.get(f"/api/v1/alerts/{body['alert_id']}").json()
    assert alert["level"] == "expected"
    assert "is after this report" in alert["anomalies"][0]["text"]
