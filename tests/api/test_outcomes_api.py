"""The outcomes API: a course's scores and timepoints, and answers recorded once, scoped to the
clinic."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from tests.clinical_data import planned_course, treated_session
from tests.conftest import as_actor, signed_in

JSON = "application/json"


def _api(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_clinician_records_the_gais_once_and_reads_the_scores(
    practitioner, portal_patient, other_practitioner
):
    session = treated_session(as_actor(practitioner), portal_patient.pk)
    second = session.course.sessions.get(number=2)
    second.scheduled_at = timezone.now() + timedelta(days=2)
    second.save(update_fields=["scheduled_at"])
    api, url = _api(practitioner), f"/api/v1/courses/{session.course_id}/outcomes"
    body = {
        "timepoint": "pre_session",
        "session_number": 2,
        "answers": {"gais_clinician": {"gais_clinician": "much_improved"}},
    }
    created = api.post(url, body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert [(r["measure"], r["score"]) for r in created.json()] == [("gais_clinician", 2)]
    again = api.post(url, body, content_type=JSON)
    assert again.status_code == 422
    assert "already answered" in again.json()["detail"]
    read = api.get(url).json()
    assert [(s["measure"], s["value"], s["respondent"]) for s in read["scores"]] == [
        ("gais_clinician", 2.0, "clinician")
    ]
    assert [t["timepoint"] for t in read["timepoints"]] == [
        "baseline",
        "pre_session",
        "pre_session",
    ]
    assert _api(other_practitioner).get(url).status_code == 404


def test_an_answer_out_of_range_is_a_problem_naming_it(practitioner, portal_patient):
    course = planned_course(
        as_actor(practitioner), portal_patient.pk, timezone.now() + timedelta(days=2)
    )
    refused = signed_in(portal_patient).post(
        f"/api/v1/courses/{course.pk}/outcomes",
        {"timepoint": "baseline", "answers": {"scar_bother": {"scar_bother": 12}}},
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert "scar_bother.scar_bother" in refused.content.decode()
