"""Lots: recording, recalling, the refusal of expired or recalled lots, roles and tenancy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from needlepoint.safety import selectors, services
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AuditEvent, Lot
from tests.conftest import as_actor


def new_lot(member, **fields) -> Lot:  # type: ignore[no-untyped-def]
    today = selectors.clinic_today(member.clinic)
    values = {
        "kind": "cartridge",
        "manufacturer": "Dermapen",
        "product_name": "Dermapen 4 cartridge, 16 needles",
        "lot_number": "C-123",
        "expiry_date": today + timedelta(days=200),
        **fields,
    }
    return services.lot_create(as_actor(member), **values)


def test_create_is_scoped_to_the_clinic_and_audited(practitioner):
    lot = new_lot(practitioner, lot_number="  C-123 ", received_at=None)
    assert (lot.clinic, lot.lot_number) == (practitioner.clinic, "C-123")
    event = AuditEvent.objects.get(action="lot.create")
    assert (event.object_id, event.detail["lot_number"]) == (str(lot.pk), "C-123")
    assert audit_verify().intact


def test_a_lot_number_is_unique_per_clinic_and_kind_ignoring_case(
    practitioner, admin, other_practitioner
):
    new_lot(practitioner, lot_number="C-123")
    with pytest.raises(ValidationError) as error:
        new_lot(admin, lot_number="c-123")
    assert "already has a needle cartridge lot C-123" in error.value.message_dict["lot_number"][0]
    new_lot(admin, lot_number="C-123", kind="product", product_name="Hyaluronic serum")
    new_lot(other_practitioner, lot_number="C-123")
    assert Lot.objects.count() == 3


def test_bad_fields_are_refused_next_to_the_field(practitioner):
    today = selectors.clinic_today(practitioner.clinic)
    with pytest.raises(ValidationError) as error:
        new_lot(practitioner, kind="needle", manufacturer="")
    assert {"kind", "manufacturer"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        new_lot(practitioner, received_at=today + timedelta(days=2))
    assert "received_at" in error.value.message_dict
    with pytest.raises(ValueError, match="not lot fields: price"):
        new_lot(practitioner, price=3)
    assert not Lot.objects.exists()


def test_front_desk_and_patients_read_but_cannot_add_or_recall(
    front_desk, practitioner, portal_patient
):
    lot = new_lot(practitioner)
    assert list(selectors.lot_list(as_actor(front_desk))) == [lot]
    with pytest.raises(PermissionDenied):
        new_lot(front_desk, lot_number="C-999")
    with pytest.raises(PermissionDenied):
        services.lot_recall(as_actor(front_desk), lot.pk, "notice")
    with pytest.raises(PermissionDenied):
        selectors.lot_list(as_actor(portal_patient))


def test_other_clinics_lots_are_not_found(practitioner, other_practitioner):
    theirs = new_lot(other_practitioner, lot_number="NS-1")
    actor = as_actor(practitioner)
    for lookup in (
        lambda: selectors.lot_in_scope(actor, theirs.pk),
        lambda: selectors.lot_in_scope(actor, "abc"),
        lambda: services.lot_recall(actor, theirs.pk, "not ours"),
    ):
        with pytest.raises(Http404):
            lookup()
    assert list(selectors.lot_list(actor)) == []
    theirs.refresh_from_db()
    assert theirs.recalled_at is None


def test_recall_is_idempotent_and_audited_once(admin):
    lot = new_lot(admin)
    first = services.lot_recall(as_actor(admin), lot.pk, "Manufacturer notice FSN-2026-14")
    again = services.lot_recall(as_actor(admin), lot.pk, "a second reason")
    assert again.recalled_at == first.recalled_at
    assert again.recall_reason == "Manufacturer notice FSN-2026-14"
    assert AuditEvent.objects.filter(action="lot.recall", object_id=str(lot.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.lot_recall(as_actor(admin), new_lot(admin, lot_number="C-2").pk, "  ")


def test_refusal_names_the_expiry_and_the_recall(practitioner):
    lot = new_lot(practitioner, expiry_date=datetime(2026, 10, 1).date())
    assert services.lot_refusal(lot, datetime(2026, 10, 1).date()) is None
    assert services.lot_status(lot, datetime(2026, 10, 1).date()) == "usable"
    refusal = services.lot_refusal(lot, datetime(2026, 10, 2).date())
    assert refusal == "Lot C-123 expired on 2026-10-01."
    assert services.lot_status(lot, datetime(2026, 10, 2).date()) == "expired"

    lot.recalled_at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    lot.recall_reason = "Sterility breach reported by the manufacturer."
    assert services.lot_refusal(lot, datetime(2026, 3, 2).date()) == (
        "Lot C-123 was recalled on 2026-03-02: Sterility breach reported by the manufacturer."
    )
    assert services.lot_status(lot, datetime(2026, 3, 5).date()) == "recalled"


def test_a_recall_counts_from_its_moment_so_earlier_use_can_still_be_charted(practitioner):
    lot = new_lot(practitioner)
    lot = services.lot_recall(as_actor(practitioner), lot.pk, "Bent needles reported")
    before, after = lot.recalled_at - timedelta(hours=3), lot.recalled_at + timedelta(minutes=1)
    assert services.lot_refusal(lot, before) is None
    assert "was recalled on" in (services.lot_refusal(lot, after) or "")
    local = ZoneInfo(practitioner.clinic.time_zone)
    assert services.lot_refusal(lot, lot.recalled_at.astimezone(local).date()) is not None
    yesterday = lot.recalled_at.astimezone(local).date() - timedelta(days=1)
    assert services.lot_refusal(lot, yesterday) is None


def test_list_search_and_expired_lots(practitioner):
    today = selectors.clinic_today(practitioner.clinic)
    usable = new_lot(practitioner, lot_number="C-1", expiry_date=today)
    expired = new_lot(practitioner, lot_number="C-2", expiry_date=today - timedelta(days=1))
    serum = new_lot(
        practitioner,
        lot_number="P-7",
        kind="product",
        manufacturer="SkinCeuticals",
        product_name="HA serum",
        expiry_date=today + timedelta(days=30),
    )
    recalled = services.lot_recall(
        as_actor(practitioner), new_lot(practitioner, lot_number="C-3").pk, "notice"
    )
    actor = as_actor(practitioner)
    assert list(selectors.lot_list(actor)) == [usable, serum, recalled]
    assert set(selectors.lot_list(actor, include_expired=True)) == {
        usable,
        expired,
        serum,
        recalled,
    }
    assert list(selectors.lot_list(actor, "skinceuticals serum")) == [serum]
    assert list(selectors.lots_usable(actor)) == [usable, serum]
    assert list(selectors.lots_usable(actor, kind="product")) == [serum]
