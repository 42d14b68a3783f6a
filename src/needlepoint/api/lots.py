"""/api/v1/lots: the clinic's needle-cartridge and product lots, and their recalls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import Problem
from needlepoint.safety import selectors, services
from needlepoint.safety.models import Lot

router = Router(tags=["lots"])
ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class LotIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["cartridge", "product"]
    manufacturer: str = Field(min_length=1, max_length=200)
    product_name: str = Field(min_length=1, max_length=200)
    lot_number: str = Field(min_length=1, max_length=60)
    expiry_date: date
    received_at: date | None = Field(None, description="The date the clinic received the lot")


class RecallIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class LotOut(Schema):
    id: int
    kind: str
    manufacturer: str
    product_name: str
    lot_number: str
    expiry_date: date
    received_at: date | None
    recalled_at: datetime | None
    recall_reason: str
    status: Literal["usable", "expired", "recalled"] = Field(
        description="Today, in the clinic's time zone"
    )
    refusal: str | None = Field(description="Why the lot may not be used today, if it may not")
    created_at: datetime


class LotFilter(Schema):
    q: str = Field("", max_length=100, description="Lot number, product or manufacturer")
    include_expired: bool = False


def _out(lot: Lot) -> LotOut:
    today = selectors.clinic_today(lot.clinic)
    return LotOut(
        id=lot.pk,
        kind=lot.kind,
        manufacturer=lot.manufacturer,
        product_name=lot.product_name,
        lot_number=lot.lot_number,
        expiry_date=lot.expiry_date,
        received_at=lot.received_at,
        recalled_at=lot.recalled_at,
        recall_reason=lot.recall_reason,
        status=services.lot_status(lot, today),
        refusal=services.lot_refusal(lot, today),
        created_at=lot.created_at,
    )


@router.get("/lots", response={200: list[LotOut], **ERRORS}, summary="List the clinic's lots")
def lot_list(request: HttpRequest, filters: Query[LotFilter]) -> list[LotOut]:
    lots = selectors.lot_list(request_actor(request), filters.q, filters.include_expired)
    return [_out(lot) for lot in lots]


@router.post("/lots", response={201: LotOut, **ERRORS}, summary="Record a lot")
def lot_create(request: HttpRequest, payload: LotIn) -> Status[LotOut]:
    return Status(201, _out(services.lot_create(request_actor(request), **payload.dict())))


@router.post(
    "/lots/{lot_id}/recall",
    response={200: LotOut, **ERRORS},
    summary="Recall a lot (a second recall keeps the first)",
)
def lot_recall(request: HttpRequest, lot_id: int, payload: RecallIn) -> LotOut:
    return _out(services.lot_recall(request_actor(request), lot_id, payload.reason))
