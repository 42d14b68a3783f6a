"""/api/v1: adverse events, recorded by practitioners about a session (the clinic)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from needlepoint.adverse_events import selectors, services
from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS

router = Router(tags=["adverse events"])


class AdverseEventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    session_id: int
    alert_id: int | None = None
    kind: Literal[tuple(AdverseEvent.Kind.values)]  # type: ignore[valid-type]
    severity: Literal["mild", "moderate", "severe"]
    serious: bool = False
    outcome: Literal[tuple(AdverseEvent.Outcome.values)]  # type: ignore[valid-type]
    onset: date
    description: str = Field(min_length=1, max_length=5000)


class AdverseEventOut(Schema):
    id: int
    patient_id: uuid.UUID
    session_id: int
    alert_id: int | None
    kind: str
    severity: str
    serious: bool
    outcome: str
    onset: date
    description: str
    recorded_at: datetime


@router.post(
    "/adverse-events", response={201: AdverseEventOut, **ERRORS}, summary="Record an adverse event"
)
def adverse_event_record(request: HttpRequest, payload: AdverseEventIn) -> Status[AdverseEvent]:
    data = payload.dict()
    session_id = data.pop("session_id")
    return Status(201, services.adverse_event_record(request_actor(request), session_id, **data))


@router.get(
    "/adverse-events",
    response={200: list[AdverseEventOut], **ERRORS},
    summary="The clinic's adverse events",
)
def adverse_event_list(
    request: HttpRequest, patient_id: uuid.UUID | None = None
) -> list[AdverseEvent]:
    return selectors.access_adverse_events(request_actor(request), patient_id)
