"""The lot pages: list with status and search, add with errors next to fields, recall."""

from __future__ import annotations

from datetime import timedelta

from needlepoint.safety import selectors
from needlepoint.safety.models import Lot
from tests.conftest import signed_in
from tests.safety.test_lots import new_lot


def _form(member, **fields):  # type: ignore[no-untyped-def]
    today = selectors.clinic_today(member.clinic)
    return {
        "kind": "cartridge",
        "manufacturer": "Dermapen",
        "product_name": "Dermapen 4 cartridge, 16 needles",
        "lot_number": "C-500",
        "expiry_date": (today + timedelta(days=90)).isoformat(),
        "received_at": "",
        **fields,
    }


def test_list_shows_status_and_searches(front_desk, practitioner):
    today = selectors.clinic_today(practitioner.clinic)
    new_lot(practitioner, lot_number="C-1")
    new_lot(practitioner, lot_number="C-OLD", expiry_date=today - timedelta(days=3))
    page = signed_in(front_desk).get("/lots/").content.decode()
    assert "C-1" in page
    assert "C-OLD" not in page
    assert "Add lot" not in page  # front desk reads only
    expired = signed_in(front_desk).get("/lots/?expired=1").content.decode()
    assert "Expired" in expired
    partial = signed_in(front_desk).get("/lots/?q=old&expired=1", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "C-OLD" in body
    assert "C-1<" not in body
    assert "<html" not in body


def test_add_a_lot_then_errors_next_to_fields(practitioner):
    client = signed_in(practitioner)
    assert client.post("/lots/new/", _form(practitioner)).status_code == 302
    assert Lot.objects.get().lot_number == "C-500"
    duplicate = client.post("/lots/new/", _form(practitioner, lot_number="c-500")).content
    assert 'id="id_lot_number_error"' in duplicate.decode()
    assert "already has a needle cartridge lot C-500" in duplicate.decode()
    missing = client.post("/lots/new/", _form(practitioner, lot_number="C-501", expiry_date=""))
    page = missing.content.decode()
    assert 'id="id_expiry_date_error"' in page
    assert 'value="Dermapen"' in page  # what was typed is kept
    assert Lot.objects.count() == 1


def test_recall_page_asks_for_a_reason_then_marks_the_lot(practitioner):
    lot = new_lot(practitioner)
    client = signed_in(practitioner)
    confirm = client.get(f"/lots/{lot.pk}/recall/").content.decode()
    assert "Recall lot C-123" in confirm
    missing = client.post(f"/lots/{lot.pk}/recall/", {"reason": ""}).content.decode()
    assert 'id="id_reason_error"' in missing
    response = client.post(f"/lots/{lot.pk}/recall/", {"reason": "FSN-2026-14"}, follow=True)
    assert "is recalled" in response.content.decode()
    lot.refresh_from_db()
    assert lot.recall_reason == "FSN-2026-14"
    assert "Recalled" in client.get("/lots/").content.decode()


def test_roles_and_tenancy_on_the_pages(
    front_desk, practitioner, other_practitioner, portal_patient
):
    theirs = new_lot(other_practitioner, lot_number="NS-1")
    assert signed_in(front_desk).get("/lots/new/").status_code == 403
    assert signed_in(front_desk).post("/lots/new/", _form(front_desk)).status_code == 403
    assert signed_in(portal_patient).get("/lots/").status_code == 403
    client = signed_in(practitioner)
    assert client.get(f"/lots/{theirs.pk}/recall/").status_code == 404
    assert client.post(f"/lots/{theirs.pk}/recall/", {"reason": "x"}).status_code == 404
    assert "NS-1" not in client.get("/lots/?expired=1").content.decode()
    theirs.refresh_from_db()
    assert theirs.recalled_at is None
