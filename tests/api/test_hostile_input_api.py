"""Hostile input never reaches a 500: control characters and bidirectional overrides are a 422
naming the field, paging is bounded, and every error under /api/ is problem JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.patients import selectors
from needlepoint.patients.models import Patient
from tests.api.test_patients_api import NEW_PATIENT
from tests.factories import PatientFactory

PROBLEM = "application/problem+json"


@pytest.fixture
def api(practitioner: Any) -> Client:
    _, raw = token_create(practitioner.user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), keys  # a status listed twice breaks the docs page
    return dict(pairs)


def _fields(response: Any) -> list[str]:
    assert response["Content-Type"] == PROBLEM, response.content
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": "Ai\x00sha"}, "given_name"),
        ({"family_name": "\x07\x08"}, "family_name"),
        ({"given_name": "\u202eahsiA"}, "given_name"),
        ({"family_name": "Bel\u2066lo"}, "family_name"),
        ({"given_name": "Ai\nsha"}, "given_name"),
        ({"address": "1 Main St\x00"}, "address"),
        ({"address": "1 Main St\x1b[2J"}, "address"),
    ],
)
def test_control_and_bidi_characters_are_a_422_naming_the_field(
    api: Client, change: dict[str, str], field: str
) -> None:
    created = api.post("/api/v1/patients", {**NEW_PATIENT, **change}, "application/json")
    assert created.status_code == 422
    assert _fields(created) == [field]
    assert not Patient.objects.exists()


def test_free_text_keeps_line_breaks_and_tabs(api: Client) -> None:
    address = "1 Main St\r\nFlat 2\tBack door"
    created = api.post("/api/v1/patients", {**NEW_PATIENT, "address": address}, "application/json")
    assert created.status_code == 201, created.content
    assert created.json()["address"] == address


def test_a_patch_with_nul_changes_nothing(api: Client, clinic: Any) -> None:
    patient = PatientFactory(clinic=clinic, family_name="Bello")
    patched = api.patch(
        f"/api/v1/patients/{patient.pk}", {"family_name": "Bel\x00lo"}, "application/json"
    )
    assert patched.status_code == 422
    assert _fields(patched) == ["family_name"]
    patient.refresh_from_db()
    assert patient.family_name == "Bello"


@pytest.mark.parametrize("field", ["given_name", "phone", "date_of_birth", "sex", "archived"])
def test_a_patch_may_not_null_a_required_field(api: Client, clinic: Any, field: str) -> None:
    patient = PatientFactory(clinic=clinic)
    patched = api.patch(f"/api/v1/patients/{patient.pk}", {field: None}, "application/json")
    assert patched.status_code == 422
    assert _fields(patched) == [field]


def test_a_patch_may_clear_the_skin_type(api: Client, clinic: Any) -> None:
    patient = PatientFactory(clinic=clinic, fitzpatrick=3)
    patched = api.patch(f"/api/v1/patients/{patient.pk}", {"fitzpatrick": None}, "application/json")
    assert patched.status_code == 200
    assert patched.json()["fitzpatrick"] is None


def test_nested_strings_and_keys_are_checked_by_their_path(api: Client, patient: Any) -> None:
    answers = {"answers": {"pregnant\x00": False, "notes": ["ok", "\x00"]}}
    response = api.post(f"/api/v1/patients/{patient.pk}/screenings", answers, "application/json")
    assert response.status_code == 422
    assert sorted(_fields(response)) == ["answers.notes.1", "answers.pregnant\x00"]


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "q=%1b", "include_archived=%00"])
def test_control_characters_in_the_query_string_are_a_422(api: Client, query: str) -> None:
    response = api.get(f"/api/v1/patients?{query}")
    assert response.status_code == 422
    assert _fields(response) == [query.split("=")[0]]


@pytest.mark.parametrize(
    "page", ["9223372036854775807", "-1", "0", "abc", "1" * 5000, str(selectors.MAX_PAGE + 1)]
)
def test_out_of_range_pages_are_a_422(api: Client, page: str) -> None:
    response = api.get(f"/api/v1/patients?page={page}")
    assert response.status_code == 422
    assert _fields(response) == ["page"]


def test_a_page_past_the_last_is_the_last(api: Client, clinic: Any) -> None:
    PatientFactory.create_batch(3, clinic=clinic)
    page = api.get(f"/api/v1/patients?page_size=2&page={selectors.MAX_PAGE}").json()
    assert (page["page"], page["pages"], len(page["items"])) == (2, 2, 1)


def test_deeply_nested_and_huge_number_bodies_are_a_400(api: Client) -> None:
    for body in ("[" * 100_000 + "]" * 100_000, '{"given_name": ' + "9" * 5000 + "}"):
        response = api.post("/api/v1/patients", body, "application/json")
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM


def test_unknown_urls_and_methods_are_problem_json(api: Client) -> None:
    missing = api.get("/api/v1/no-such-thing")
    assert (missing.status_code, missing["Content-Type"]) == (404, PROBLEM)
    not_allowed = api.delete("/api/v1/patients")
    assert (not_allowed.status_code, not_allowed["Content-Type"]) == (405, PROBLEM)
    assert "GET" in not_allowed["Allow"]


def test_a_server_error_is_problem_json_without_the_traceback(
    practitioner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "access_patients", broken)
    _, raw = token_create(practitioner.user, "tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)
    response = client.get("/api/v1/patients")
    assert (response.status_code, response["Content-Type"]) == (500, PROBLEM)
    assert response.json()["title"] == "Server error"
    assert b"secret internals" not in response.content


def test_an_unreadable_upload_is_a_400_problem(api: Client) -> None:
    for content_type in ("multipart/form-data", "multipart/form-data; boundary=\x00"):
        response = api.generic("POST", "/api/v1/sessions/1/photos", b"--x\r\n", content_type)
        assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)


def test_the_openapi_documents_problem_json_and_400_on_every_operation(db: Any) -> None:
    raw = Client().get("/api/v1/openapi.json").content
    document = json.loads(raw, object_pairs_hook=_unique)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "429", "500"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == [PROBLEM], (method, path, status)
