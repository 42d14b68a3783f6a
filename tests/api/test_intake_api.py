"""The intake contract at the API: isotretinoin as months, a date or "never"; the latest intake
with the questions it leaves unanswered, for the pre-session re-screen."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from tests.intake_answers import BEFORE_SAFETY_REVIEW, CLEAR, SAFETY_REVIEW_QUESTIONS

JSON = "application/json"


@pytest.fixture
def api(practitioner) -> Client:
    _, raw = token_create(practitioner.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _screen(api: Client, patient, answers: dict) -> dict:  # type: ignore[no-untyped-def]
    response = api.post(f"/api/v1/patients/{patient.pk}/screenings", answers, content_type=JSON)
    assert response.status_code == 201, response.content
    return response.json()


def test_isotretinoin_never_and_null(api, patient):
    assert _screen(api, patient, CLEAR)["verdict"] == "eligible"
    unanswered = _screen(api, patient, {**CLEAR, "isotretinoin_months_ago": None})
    assert (unanswered["verdict"], unanswered["missing"]) == (
        "incomplete",
        ["isotretinoin_months_ago"],
    )


def test_a_bad_isotretinoin_answer_is_a_problem_naming_the_field(api, patient):
    response = api.post(
        f"/api/v1/patients/{patient.pk}/screenings",
        {**CLEAR, "isotretinoin_months_ago": "last spring"},
        content_type=JSON,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "isotretinoin_months_ago"
    assert '"never"' in error["message"]


def test_the_latest_intake_is_dated_and_lists_what_it_leaves_unanswered(api, patient):
    assert api.get(f"/api/v1/patients/{patient.pk}/intake").status_code == 404
    _screen(api, patient, {**BEFORE_SAFETY_REVIEW, "isotretinoin_months_ago": 2})
    latest = api.get(f"/api/v1/patients/{patient.pk}/intake").json()
    assert latest["version"] == 1
    assert latest["missing"] == list(SAFETY_REVIEW_QUESTIONS)
    dated = latest["answers"]["isotretinoin_months_ago"]
    again = _screen(api, patient, latest["answers"])  # the date reads back as given
    assert again["verdict"] == "incomplete"
    completed = {**latest["answers"], **dict.fromkeys(SAFETY_REVIEW_QUESTIONS, False)}
    assert _screen(api, patient, completed)["findings"][0]["code"] == "isotretinoin_recent"
    final = api.get(f"/api/v1/patients/{patient.pk}/intake").json()
    assert (final["version"], final["missing"]) == (3, [])
    assert final["answers"]["isotretinoin_months_ago"] == dated


def test_another_clinics_intake_is_404(api, other_patient, front_desk, patient):
    assert api.get(f"/api/v1/patients/{other_patient.pk}/intake").status_code == 404
    _screen(api, patient, CLEAR)
    _, raw = token_create(front_desk.user)
    desk = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert desk.get(f"/api/v1/patients/{patient.pk}/intake").status_code == 403
