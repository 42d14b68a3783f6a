"""The calendar API: proposals for a course's sessions, booking them, a taken slot and a stale
move as 409 problems, statuses, and another clinic's appointments as 404."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from tests.scheduling.conftest import MONDAY, WEEK, at, calendar, course

__all__ = ["calendar", "course"]  # the fixtures, shared with the services' tests
JSON = "application/json"


def _client(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api(front_desk) -> Client:  # type: ignore[no-untyped-def]
    return _client(front_desk)


def test_a_course_is_booked_from_its_proposals_and_a_taken_slot_is_a_409(  # type: ignore[no-untyped-def]
    api, calendar, course, practitioner, patient
):
    resources = {
        "type_id": calendar["session_type"].pk,
        "practitioner_id": practitioner.pk,
        "room_id": calendar["room"].pk,
        "numbing_room_id": calendar["chair"].pk,
    }
    proposals = api.get(f"/api/v1/courses/{course.pk}/proposals", resources).json()
    assert [p["number"] for p in proposals] == [1, 2, 3]
    booked = []
    for proposal in proposals:
        response = api.post(
            "/api/v1/appointments",
            {
                **resources,
                "patient_id": str(patient.pk),
                "session_id": proposal["session_id"],
                "starts_at": proposal["starts_at"],
            },
            content_type=JSON,
        )
        assert response.status_code == 201, response.content
        assert response.json()["warnings"] == []
        booked.append(response.json()["appointment"])
    taken = api.post(
        "/api/v1/appointments",
        {
            "patient_id": str(patient.pk),
            "type_id": calendar["consultation"].pk,
            "practitioner_id": practitioner.pk,
            "room_id": calendar["room2"].pk,
            "starts_at": booked[0]["procedure_starts_at"],
        },
        content_type=JSON,
    )
    assert taken.status_code == 409
    assert taken["Content-Type"] == "application/problem+json"
    assert "already booked" in taken.json()["detail"]
    week = api.get("/api/v1/appointments", {"first_day": MONDAY.isoformat(), "days": 7}).json()
    assert [a["id"] for a in week] == [booked[0]["id"]]
    free = api.get("/api/v1/appointments/free", {"day": MONDAY.isoformat(), **resources}).json()
    assert booked[0]["starts_at"] not in free
    assert api.get(f"/api/v1/courses/{course.pk}/proposals", resources).json() == []


def test_moves_refuse_a_stale_revision_and_too_short_an_interval(  # type: ignore[no-untyped-def]
    api, calendar, course, practitioner, patient, other_practitioner
):
    session = course.sessions.get(number=2)
    booked = api.post(
        "/api/v1/appointments",
        {
            "patient_id": str(patient.pk),
            "type_id": calendar["session_type"].pk,
            "practitioner_id": practitioner.pk,
            "room_id": calendar["room"].pk,
            "session_id": session.pk,
            "starts_at": at(MONDAY + 4 * WEEK, 10).isoformat(),
        },
        content_type=JSON,
    ).json()["appointment"]
    url = f"/api/v1/appointments/{booked['id']}"
    too_soon = api.post(
        f"{url}/move", {"starts_at": at(MONDAY + WEEK, 10).isoformat()}, content_type=JSON
    )
    assert too_soon.status_code == 422
    assert too_soon.json()["errors"][0]["field"] == "starts_at"
    assert "seed-003" in too_soon.json()["detail"]
    later = at(MONDAY + 2 * WEEK, 10).isoformat()
    moved = api.post(f"{url}/move", {"starts_at": later, "revision": 0}, content_type=JSON)
    assert moved.status_code == 200
    assert [w["code"] for w in moved.json()["warnings"]] == ["outside_planned_interval"]
    stale = api.post(f"{url}/move", {"starts_at": later, "revision": 0}, content_type=JSON)
    assert stale.status_code == 409
    arrived = api.post(f"{url}/status", {"status": "arrived"}, content_type=JSON)
    assert arrived.json()["status"] == "arrived"
    assert _client(other_practitioner).get(url).status_code == 404
