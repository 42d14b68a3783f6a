"""Writes of lots (needle cartridges and products): one transaction each, audited; and the
check that refuses an expired or recalled lot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.domain import charting
from needlepoint.safety.audit import audit_record
from needlepoint.safety.models import Lot, LotKind
from needlepoint.safety.selectors import clinic_today, lot_in_scope

LOT_FIELDS = (
    "kind",
    "manufacturer",
    "product_name",
    "lot_number",
    "expiry_date",
    "received_at",
)


def gate_lot(lot: Lot) -> charting.Lot:
    """The lot as the session gate sees it."""
    return charting.Lot(
        number=lot.lot_number,
        kind=lot.kind,
        expires_on=lot.expiry_date,
        recalled_at=lot.recalled_at,
        recall_reason=lot.recall_reason,
    )


def lot_refusal(lot: Lot, on: date | datetime) -> str | None:
    """Why `lot` may not be used on `on` (a clinic-local date or a moment), or None."""
    return charting.lot_refusal(gate_lot(lot), on, ZoneInfo(lot.clinic.time_zone))


def lot_status(lot: Lot, on: date | datetime) -> charting.LotStatus:
    """`recalled`, `expired` or `usable` on `on` (as `lot_refusal` decides)."""
    return charting.lot_status(gate_lot(lot), on, ZoneInfo(lot.clinic.time_zone))


def _clean_lot_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(LOT_FIELDS))
    if unknown:
        raise ValueError(f"not lot fields: {', '.join(unknown)}")
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def lot_create(actor: Actor, **fields: Any) -> Lot:
    """Record a lot the clinic received; its number is unique per clinic and kind."""
    actor.require(Permission.LOT_MANAGE)
    lot = Lot(clinic=actor.clinic, **_clean_lot_fields(fields))
    lot.full_clean(validate_constraints=False)
    if lot.received_at and lot.received_at > clinic_today(actor.clinic):
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    duplicate = Lot.objects.filter(
        clinic=actor.clinic, kind=lot.kind, lot_number__iexact=lot.lot_number
    ).first()
    if duplicate is not None:
        kind = LotKind(lot.kind).label.lower()
        raise ValidationError(
            {"lot_number": f"This clinic already has a {kind} lot {duplicate.lot_number}."}
        )
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError:  # the same number saved at the same moment by someone else
        raise ValidationError(
            {"lot_number": "This clinic already has a lot with this number."}
        ) from None
    audit_record(
        actor,
        "lot.create",
        "lot",
        lot.pk,
        detail={
            "kind": lot.kind,
            "lot_number": lot.lot_number,
            "expiry_date": str(lot.expiry_date),
        },
    )
    return lot


@transaction.atomic
def lot_recall(actor: Actor, lot_id: object, reason: str) -> Lot:
    """Mark a lot recalled from now on; recalling it again keeps the first recall."""
    actor.require(Permission.LOT_MANAGE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the recall."})
    lot = lot_in_scope(actor, lot_id, for_update=True)
    if lot.recalled_at is not None:
        return lot
    lot.recalled_at, lot.recall_reason = timezone.now(), reason
    lot.full_clean()
    lot.save(update_fields=["recalled_at", "recall_reason"])
    audit_record(
        actor,
        "lot.recall",
        "lot",
        lot.pk,
        detail={"kind": lot.kind, "lot_number": lot.lot_number, "reason": reason},
    )
    return lot
