"""The plan API: it asks for an unrecorded skin type with a 422 naming `fitzpatrick`, shows
each zone's limits and reasons, and a course carries its total."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.patients.models import Patient
from tests.clinical_data import CLEAR, ZONES

JSON = "application/json"


@pytest.fixture
def api(practitioner) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def assessment(api, patient) -> dict:  # type: ignore[no-untyped-def]
    api.post(f"/api/v1/patients/{patient.pk}/screenings", CLEAR, content_type=JSON)
    return api.post(
        f"/api/v1/patients/{patient.pk}/assessments",
        {"qualitative_grade": 1, "zones": ZONES, "scar_types": ["rolling"]},
        content_type=JSON,
    ).json()


def test_a_plan_for_an_unrecorded_skin_type_is_a_422_on_fitzpatrick(api, patient, assessment):  # type: ignore[no-untyped-def]
    Patient.objects.filter(pk=patient.pk).update(fitzpatrick=None)
    response = api.get(f"/api/v1/assessments/{assessment['id']}/plan")
    assert response.status_code == 422
    assert "fitzpatrick" in response.content.decode()
    assert "no type is assumed" in response.content.decode()


def test_the_plan_and_course_carry_limits_warnings_and_total(api, patient, assessment):  # type: ignore[no-untyped-def]
    assert [w["code"] for w in assessment["scores"]["warnings"]] == ["grade_counts_mismatch"]
    plan = api.get(f"/api/v1/assessments/{assessment['id']}/plan").json()
    cheek = plan["zones"]["left_cheek"]
    assert cheek["depth_range_mm"] == {"min": 0.25, "max": 0.5}  # grade 1
    assert cheek["depth_limit_mm"] == 2.0
    assert cheek["passes"] == {"min": 3, "max": 4}
    first = datetime.now(ZoneInfo("America/New_York")) + timedelta(hours=2)
    course = api.post(
        f"/api/v1/patients/{patient.pk}/courses",
        {
            "assessment_id": assessment["id"],
            "sessions_planned": 3,
            "interval_weeks": 4,
            "zones": {"left_cheek": {"depth_mm": 0.5}},
            "price_per_session": "333.33",
            "first_session_at": first.isoformat(),
        },
        content_type=JSON,
    )
    assert course.status_code == 201, course.content
    assert course.json()["total"] == "999.99"
