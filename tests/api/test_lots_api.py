"""/api/v1/lots: list, create, recall; roles, tenancy and problem-details errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from needlepoint.accounts.tokens import token_create
from needlepoint.safety.models import Lot
from needlepoint.safety.selectors import clinic_today
from tests.conftest import signed_in
from tests.safety.test_lots import new_lot


@pytest.fixture
def api(practitioner) -> Client:
    _, raw = token_create(practitioner.user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _lot(clinic, **fields):  # type: ignore[no-untyped-def]
    return {
        "kind": "cartridge",
        "manufacturer": "Dermapen",
        "product_name": "Dermapen 4 cartridge, 16 needles",
        "lot_number": "C-123",
        "expiry_date": (clinic_today(clinic) + timedelta(days=100)).isoformat(),
        **fields,
    }


def test_create_list_and_recall(api, clinic):
    created = api.post("/api/v1/lots", _lot(clinic), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["refusal"], body["received_at"]) == ("usable", None, None)
    assert Lot.objects.get(pk=body["id"]).clinic == clinic

    listed = api.get("/api/v1/lots?q=c-12").json()
    assert [lot["lot_number"] for lot in listed] == ["C-123"]

    recalled = api.post(
        f"/api/v1/lots/{body['id']}/recall",
        {"reason": "Manufacturer notice FSN-14"},
        content_type="application/json",
    )
    assert recalled.status_code == 200
    assert recalled.json()["status"] == "recalled"
    assert recalled.json()["refusal"].startswith("Lot C-123 was recalled on ")
    assert recalled.json()["refusal"].endswith(": Manufacturer notice FSN-14")


def test_expired_lots_only_on_request(api, practitioner, clinic):
    new_lot(practitioner, lot_number="OLD", expiry_date=clinic_today(clinic) - timedelta(days=1))
    assert api.get("/api/v1/lots").json() == []
    old = api.get("/api/v1/lots?include_expired=true").json()
    assert [(lot["lot_number"], lot["status"]) for lot in old] == [("OLD", "expired")]
    assert old[0]["refusal"].startswith("Lot OLD expired on ")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "needle"}, "kind"),
        ({"expiry_date": "2026-02-30"}, "expiry_date"),
        ({"lot_number": ""}, "lot_number"),
        ({"colour": "blue"}, "colour"),
        ({"received_at": "2999-01-01"}, "received_at"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, clinic, change, field):
    response = api.post("/api/v1/lots", _lot(clinic, **change), content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Lot.objects.exists()


def test_duplicate_number_is_a_422_on_lot_number(api, practitioner, clinic):
    new_lot(practitioner, lot_number="C-123")
    response = api.post("/api/v1/lots", _lot(clinic), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lot_number"


def test_recall_needs_a_reason(api, practitioner):
    lot = new_lot(practitioner)
    response = api.post(f"/api/v1/lots/{lot.pk}/recall", {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_roles_and_tenancy(front_desk, other_practitioner, practitioner, clinic):
    theirs = new_lot(other_practitioner, lot_number="NS-1")
    desk = signed_in(front_desk)
    assert desk.get("/api/v1/lots").status_code == 200
    forbidden = desk.post("/api/v1/lots", _lot(clinic), content_type="application/json")
    assert forbidden.status_code == 403
    assert forbidden.json()["title"] == "Forbidden"
    client = signed_in(practitioner)
    missing = client.post(
        f"/api/v1/lots/{theirs.pk}/recall", {"reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/lots?include_expired=true").json() == []
    huge = client.post(
        f"/api/v1/lots/{2**70}/recall", {"reason": "x"}, content_type="application/json"
    )
    assert huge.status_code == 404
    assert Client().get("/api/v1/lots").status_code == 401
