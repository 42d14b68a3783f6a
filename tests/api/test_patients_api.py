"""/api/v1/patients: bearer tokens, CRUD, search, pagination and problem-details errors."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create, token_revoke
from needlepoint.patients.models import Patient
from tests.factories import PatientFactory

NEW_PATIENT = {
    "given_name": "Aisha",
    "family_name": "Bello",
    "date_of_birth": "1997-11-23",
    "sex": "female",
    "email": "aisha@example.test",
    "fitzpatrick": 5,
}


@pytest.fixture
def api(practitioner) -> Client:
    _, raw = token_create(practitioner.user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_anonymous_requests_get_401_problem_details(db):
    response = Client().get("/api/v1/patients")
    assert response.status_code == 401
    assert response.json()["title"] == "Not authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_unknown_tokens_are_refused(practitioner):
    _, raw = token_create(practitioner.user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/patients").status_code == 200
    assert token_revoke(practitioner.user) == 1
    assert client.get("/api/v1/patients").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer np_guess").get("/api/v1/patients").status_code == 401


def test_token_of_a_deactivated_user_is_refused(practitioner):
    _, raw = token_create(practitioner.user)
    practitioner.user.is_active = False
    practitioner.user.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/patients").status_code == 401


def test_create_read_update(api, clinic):
    created = api.post("/api/v1/patients", NEW_PATIENT, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["record_number"] == "DC-00001"
    assert Patient.objects.get(pk=body["id"]).clinic == clinic

    read = api.get(f"/api/v1/patients/{body['id']}").json()
    assert read["family_name"] == "Bello"
    assert read["fitzpatrick"] == 5

    patched = api.patch(
        f"/api/v1/patients/{body['id']}",
        {"phone": "+1 212 555 0143"},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["phone"] == "+1 212 555 0143"
    assert patched.json()["given_name"] == "Aisha"


def test_record_numbers_count_up_per_clinic(api):
    numbers = [
        api.post("/api/v1/patients", NEW_PATIENT, content_type="application/json").json()[
            "record_number"
        ]
        for _ in range(3)
    ]
    assert numbers == ["DC-00001", "DC-00002", "DC-00003"]


def test_search_and_pagination(api, clinic):
    for i in range(30):
        PatientFactory(clinic=clinic, family_name=f"Family{i:02d}", given_name="Pat")
    PatientFactory(clinic=clinic, family_name="Zed", given_name="Unique")
    first = api.get("/api/v1/patients?page_size=10").json()
    assert (first["count"], first["pages"], len(first["items"])) == (31, 4, 10)
    last = api.get("/api/v1/patients?page_size=10&page=4").json()
    assert len(last["items"]) == 1
    found = api.get("/api/v1/patients?q=unique zed").json()
    assert [item["family_name"] for item in found["items"]] == ["Zed"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_PATIENT, "sex": "x"}, "sex"),
        ({**NEW_PATIENT, "fitzpatrick": 7}, "fitzpatrick"),
        ({**NEW_PATIENT, "date_of_birth": "1990-13-45"}, "date_of_birth"),
        ({**NEW_PATIENT, "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({**NEW_PATIENT, "email": "not-an-email"}, "email"),
        ({**NEW_PATIENT, "preferred_language": "xx"}, "preferred_language"),
        ({**NEW_PATIENT, "shoe_size": 9}, "shoe_size"),
        ({k: v for k, v in NEW_PATIENT.items() if k != "family_name"}, "family_name"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(api, payload, field):
    response = api.post("/api/v1/patients", payload, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert field in [error["field"] for error in problem["errors"]]
    assert problem["status"] == 422
    assert not Patient.objects.exists()


def test_malformed_json_is_a_400(api):
    response = api.post("/api/v1/patients", "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


@pytest.mark.parametrize("query", ["page=0", "page_size=1000", "page=abc"])
def test_bad_query_parameters_are_422(api, query):
    assert api.get(f"/api/v1/patients?{query}").status_code == 422


def test_session_auth_needs_csrf_for_writes(practitioner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner.user)
    assert client.get("/api/v1/patients").status_code == 200
    assert (
        client.post("/api/v1/patients", NEW_PATIENT, content_type="application/json").status_code
        == 403
    )


def test_openapi_document_and_docs(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Needlepoint API"
    assert {"/api/v1/patients", "/api/v1/patients/{patient_id}"} <= set(schema["paths"])
    assert "BearerToken" in schema["components"]["securitySchemes"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert "/static/ninja/" in docs.content.decode()  # served locally, no CDN
