"""The clinical API: screenings, assessments, courses, sessions (with conflicts) and lots."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from tests.clinical_data import CLEAR, ZONES, make_lot

JSON = "application/json"


@pytest.fixture
def api(practitioner) -> Client:
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _course(api: Client, patient) -> dict:  # type: ignore[no-untyped-def]
    assert (
        api.post(f"/api/v1/patients/{patient.pk}/screenings", CLEAR, content_type=JSON).status_code
        == 201
    )
    assessment = api.post(
        f"/api/v1/patients/{patient.pk}/assessments",
        {"qualitative_grade": 3, "zones": ZONES, "scar_types": ["boxcar", "rolling"]},
        content_type=JSON,
    ).json()
    assert assessment["scores"]["goodman_baron"]["score"] == 6
    plan = api.get(f"/api/v1/assessments/{assessment['id']}/plan").json()
    assert plan["suitable"] is True
    first = datetime.now(ZoneInfo("America/New_York")) + timedelta(hours=2)
    response = api.post(
        f"/api/v1/patients/{patient.pk}/courses",
        {
            "assessment_id": assessment["id"],
            "sessions_planned": plan["sessions"]["min"],
            "interval_weeks": plan["interval_weeks"]["min"],
            "zones": {"left_cheek": {"depth_mm": 1.5}, "right_cheek": {"depth_mm": 1.5}},
            "adjuncts": ["subcision"],
            "price_per_session": "350.00",
            "first_session_at": first.isoformat(),
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_whole_flow_through_the_api(api, patient, clinic):
    course = _course(api, patient)
    session = course["sessions"][0]
    started = api.post(f"/api/v1/sessions/{session['id']}/start", CLEAR, content_type=JSON)
    assert started.json()["verdict"] == "eligible"
    lot = make_lot(clinic, "C-77")
    when = timezone.now() - timedelta(hours=1)  # charted once it has happened
    chart = {
        "revision": 0,
        "device": "pen",
        "device_id": "PEN-1",
        "cartridge_lot_id": lot.pk,
        "zones": {"left_cheek": {"depth_mm": 1.5, "passes": 3}},
        "endpoint": "pinpoint_bleeding",
        "started_at": when.isoformat(),
        "ended_at": (when + timedelta(minutes=25)).isoformat(),
    }
    saved = api.put(f"/api/v1/sessions/{session['id']}/chart", chart, content_type=JSON)
    assert saved.status_code == 200, saved.content
    assert saved.json()["revision"] == 1
    stale = api.put(
        f"/api/v1/sessions/{session['id']}/chart", {**chart, "device_id": "X"}, content_type=JSON
    )
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    signed = api.post(f"/api/v1/sessions/{session['id']}/sign", {"revision": 1}, content_type=JSON)
    assert signed.json()["status"] == "signed"
    added = api.post(
        f"/api/v1/sessions/{session['id']}/addenda", {"text": "Late note."}, content_type=JSON
    )
    assert added.json()["addenda"][0]["text"] == "Late note."
    treated = api.get(f"/api/v1/lots/{lot.pk}/sessions").json()
    assert [(t["session_id"], t["record_number"]) for t in treated] == [
        (session["id"], patient.record_number)
    ]


def test_depth_above_the_limit_is_a_422_naming_the_zone(api, patient):
    session = _course(api, patient)["sessions"][0]
    api.post(f"/api/v1/sessions/{session['id']}/start", CLEAR, content_type=JSON)
    response = api.put(
        f"/api/v1/sessions/{session['id']}/chart",
        {"revision": 0, "zones": {"left_cheek": {"depth_mm": 2.8, "passes": 2}}},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["zones.left_cheek.depth_mm"]


def test_passes_are_a_whole_number_or_a_422_naming_the_field(api, patient):
    session = _course(api, patient)["sessions"][0]
    api.post(f"/api/v1/sessions/{session['id']}/start", CLEAR, content_type=JSON)
    response = api.put(
        f"/api/v1/sessions/{session['id']}/chart",
        {"revision": 0, "zones": {"left_cheek": {"depth_mm": 1.0, "passes": 2.5}}},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["zones.left_cheek.passes"]


def test_contraindicated_patient_is_blocked_until_overridden(api, patient):
    session = _course(api, patient)["sessions"][0]
    screening = api.post(
        f"/api/v1/sessions/{session['id']}/start",
        {**CLEAR, "keloid_history": True},
        content_type=JSON,
    ).json()
    assert (screening["verdict"], screening["blocks_treatment"]) == ("not_eligible", True)
    chart = {"revision": 0, "device": "pen"}
    assert (
        api.put(f"/api/v1/sessions/{session['id']}/chart", chart, content_type=JSON).status_code
        == 422
    )
    overridden = api.post(
        f"/api/v1/screenings/{screening['id']}/override",
        {"reason": "Single keloid on the chest 15 years ago; face never affected."},
        content_type=JSON,
    )
    assert overridden.json()["blocks_treatment"] is False
    assert (
        api.put(f"/api/v1/sessions/{session['id']}/chart", chart, content_type=JSON).status_code
        == 200
    )


def test_bad_intake_answer_names_the_field(api, patient):
    response = api.post(
        f"/api/v1/patients/{patient.pk}/screenings",
        {**CLEAR, "diabetes": "sometimes"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "diabetes"


def test_other_clinics_records_are_404(api, other_practitioner, other_patient):
    _, raw = token_create(other_practitioner.user)
    other = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    course = _course(other, other_patient)
    session_id = course["sessions"][0]["id"]
    assert api.get(f"/api/v1/courses/{course['id']}").status_code == 404
    assert api.get(f"/api/v1/sessions/{session_id}").status_code == 404
    assert (
        api.post(f"/api/v1/sessions/{session_id}/start", CLEAR, content_type=JSON).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/patients/{other_patient.pk}/screenings", CLEAR, content_type=JSON
        ).status_code
        == 404
    )


def test_front_desk_cannot_read_clinical_records(front_desk, patient, api):
    course = _course(api, patient)
    _, raw = token_create(front_desk.user)
    desk = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert desk.get(f"/api/v1/courses/{course['id']}").status_code == 403


def test_extra_session_can_be_scheduled(api, patient):
    course = _course(api, patient)
    when = datetime.now(ZoneInfo("UTC")) + timedelta(weeks=30)
    extra = api.post(
        f"/api/v1/courses/{course['id']}/sessions",
        {"scheduled_at": when.isoformat()},
        content_type=JSON,
    )
    assert extra.status_code == 201
    assert extra.json()["number"] == len(course["sessions"]) + 1
