"""/api/v1 consents and consent templates: sign, read, revoke; errors as problem details."""

from __future__ import annotations

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.patients.models import Consent
from tests.conftest import signed_in
from tests.patients.test_consents import data_url, png, publish


def _token_client(member) -> Client:  # type: ignore[no-untyped-def]
    _, raw = token_create(member.user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.4")


@pytest.fixture
def api(practitioner) -> Client:
    return _token_client(practitioner)


def test_admin_publishes_templates_and_staff_list_them(admin, api):
    client = _token_client(admin)
    for body in ("First wording.", "Second wording."):
        response = client.post(
            "/api/v1/consent-templates",
            {"kind": "treatment", "title": "Microneedling", "body": body},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    listed = api.get("/api/v1/consent-templates?kind=treatment").json()
    assert [(t["version"], t["active"]) for t in listed] == [(2, True), (1, False)]
    forbidden = api.post(
        "/api/v1/consent-templates",
        {"kind": "photo", "title": "T", "body": "B"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403


def test_sign_read_and_revoke_a_photo_consent(admin, api, patient):
    template = publish(admin, kind="photo")
    signed = api.post(
        f"/api/v1/patients/{patient.pk}/consents",
        {
            "template_id": template.pk,
            "signed_name": "Maya Thompson",
            "signature_drawing": data_url(png()),
            "photo_uses": ["marketing", "clinical_record"],
        },
        content_type="application/json",
    )
    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert body["photo_uses"] == ["clinical_record", "marketing"]
    assert (body["signed_ip"], body["has_signature_drawing"]) == ("198.51.100.4", True)
    assert (body["kind"], body["template_version"]) == ("photo", 1)

    status = api.get(f"/api/v1/patients/{patient.pk}/consents").json()
    assert status["treatment_consented"] is False
    assert status["photo_uses"] == ["clinical_record", "marketing"]
    assert status["photo"]["id"] == body["id"]

    revoked = api.post(
        f"/api/v1/consents/{body['id']}/revoke",
        {"reason": "Asked by e-mail", "uses": ["marketing"]},
        content_type="application/json",
    )
    assert revoked.status_code == 200
    assert revoked.json()["uses_now"] == ["clinical_record"]
    assert revoked.json()["revocations"][0]["uses"] == ["marketing"]
    status = api.get(f"/api/v1/patients/{patient.pk}/consents").json()
    assert status["photo_uses"] == ["clinical_record"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signed_name": ""}, "signed_name"),
        ({"photo_uses": []}, "photo_uses"),
        ({"photo_uses": ["billboards"]}, "photo_uses.0"),
        ({"signature_drawing": "data:image/gif;base64,R0lGOD"}, "signature_drawing"),
        ({"signature_drawing": "data:image/png;base64,%%%"}, "signature_drawing"),
        ({"template_id": "one"}, "template_id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(admin, api, patient, change, field):
    template = publish(admin, kind="photo")
    payload = {
        "template_id": template.pk,
        "signed_name": "Maya Thompson",
        "photo_uses": ["clinical_record"],
        **change,
    }
    response = api.post(
        f"/api/v1/patients/{patient.pk}/consents", payload, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Consent.objects.exists()


def test_staff_revocation_without_a_reason_is_a_422(admin, api, patient):
    template = publish(admin)
    consent = api.post(
        f"/api/v1/patients/{patient.pk}/consents",
        {"template_id": template.pk, "signed_name": "Maya Thompson"},
        content_type="application/json",
    ).json()
    response = api.post(
        f"/api/v1/consents/{consent['id']}/revoke", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_tenancy_and_the_portal(admin, api, patient, other_patient, portal_patient):
    template = publish(admin)
    assert api.get(f"/api/v1/patients/{other_patient.pk}/consents").status_code == 404
    missing = api.post(
        f"/api/v1/patients/{other_patient.pk}/consents",
        {"template_id": template.pk, "signed_name": "Harriet Clarke"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
    assert (
        api.post(
            "/api/v1/consents/00000000-0000-0000-0000-000000000000/revoke",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )

    me = signed_in(portal_patient)
    own = me.post(
        f"/api/v1/patients/{portal_patient.pk}/consents",
        {"template_id": template.pk, "signed_name": "Paula Portal"},
        content_type="application/json",
    )
    assert own.status_code == 201
    assert me.get(f"/api/v1/patients/{patient.pk}/consents").status_code == 404
    refused = me.post(
        f"/api/v1/consents/{own.json()['id']}/revoke", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "tell the clinic" in refused.json()["detail"]


def test_openapi_lists_the_new_paths(db):
    paths = set(Client().get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/lots",
        "/api/v1/lots/{lot_id}/recall",
        "/api/v1/patients/{patient_id}/consents",
        "/api/v1/consents/{consent_id}/revoke",
        "/api/v1/consent-templates",
    } <= paths
