"""/api/v1: a course's sessions: scheduling, the re-screen and open items before treating,
the chart, signing, addenda, and the sessions that used a lot."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status
from pydantic import Field

from needlepoint.api.auth import request_actor
from needlepoint.api.knowledge_schemas import IntakeAnswers
from needlepoint.api.schemas import ERRORS, Problem, Strict
from needlepoint.api.screenings import ScreeningOut
from needlepoint.courses import selectors, sessions
from needlepoint.courses.models import Session
from needlepoint.intakes.answers import intake_from_json
from needlepoint.records import services as records
from needlepoint.records.open_items import open_items
from needlepoint.safety.selectors import lot_in_scope

router = Router(tags=["sessions"])
CONFLICT = {**ERRORS, 409: Problem}


class ZoneTreatment(Schema):
    depth_mm: float | None = Field(None, allow_inf_nan=False)
    passes: int | None = None


class ZoneTreatmentIn(Strict, ZoneTreatment):
    """What was done in one zone; the bounds are the clinic's (the session gate checks them)."""


class AddendumOut(Schema):
    text: str
    author: str = Field(description="The author's e-mail")
    at: datetime


class SessionOut(Schema):
    id: int
    course_id: int
    number: int
    scheduled_at: datetime
    status: str
    screening_id: int | None
    revision: int
    anaesthetic: str
    numbing_applied_at: datetime | None
    numbing_removed_at: datetime | None
    device: str
    device_id: str
    cartridge_lot_id: int | None
    product_lot_ids: list[int]
    zones: dict[str, ZoneTreatment]
    endpoint: str
    adjuncts: list[str]
    immediate_reactions: str
    started_at: datetime | None
    ended_at: datetime | None
    signed_at: datetime | None
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_product_lot_ids(obj: Session) -> list[int]:
        return [lot.pk for lot in obj.product_lots.all()]

    @staticmethod
    def resolve_addenda(obj: Session) -> list[AddendumOut]:
        return [
            AddendumOut(text=a.text, author=a.author.email, at=a.at)
            for a in obj.addenda.all()
            if not a.draft
        ]


class ScheduleIn(Strict):
    scheduled_at: datetime


class ChartIn(Strict):
    revision: int = Field(
        ge=0, description="The revision you opened; a stale one is a 409 conflict"
    )
    anaesthetic: str = Field("", max_length=200)
    numbing_applied_at: datetime | None = None
    numbing_removed_at: datetime | None = None
    device: str = Field("", max_length=20)
    device_id: str = Field("", max_length=100)
    cartridge_lot_id: int | None = None
    product_lot_ids: list[int] = []
    zones: dict[str, ZoneTreatmentIn] = Field(default_factory=dict)
    endpoint: str = Field("", max_length=20)
    adjuncts: list[str] = []
    immediate_reactions: str = Field("", max_length=5000)
    started_at: datetime | None = None
    ended_at: datetime | None = None


class SignIn(Strict):
    revision: int = Field(ge=0)


class AddendumIn(Strict):
    text: str = Field(min_length=1, max_length=5000)
    draft_id: int | None = Field(
        None, description="Publish this draft addendum (kept from a save against a signed chart)"
    )


class OpenItemOut(Schema):
    kind: str = Field(description="alert, adverse_event, recalled_lot or screening")
    text: str


class LotSessionOut(Schema):
    session_id: int
    patient_id: uuid.UUID
    record_number: str
    patient_name: str
    number: int
    treated_at: datetime


@router.post(
    "/courses/{course_id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Schedule another session of the course",
)
def session_schedule(request: HttpRequest, course_id: int, payload: ScheduleIn) -> Status[Session]:
    return Status(
        201, sessions.session_schedule(request_actor(request), course_id, payload.scheduled_at)
    )


@router.get(
    "/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="Read a session"
)
def session_read(request: HttpRequest, session_id: int) -> Session:
    return selectors.access_session(request_actor(request), session_id)


@router.post(
    "/sessions/{session_id}/start",
    response={201: ScreeningOut, **ERRORS},
    summary="Re-screen before treating (the pre-session intake)",
)
def session_start(
    request: HttpRequest, session_id: int, payload: Body[IntakeAnswers], reviewed: bool = False
) -> Status[ScreeningOut]:
    """`reviewed=true` confirms the practitioner has reviewed the session's open items."""
    actor = request_actor(request)
    answers = intake_from_json(actor, payload.dict(exclude_unset=True))
    screening = records.session_start(actor, session_id, answers, reviewed=reviewed)
    return Status(201, ScreeningOut.from_model(screening))


@router.get(
    "/sessions/{session_id}/open-items",
    response={200: list[OpenItemOut], **ERRORS},
    summary="What is open for the patient, to review before starting the session",
)
def session_open_items(request: HttpRequest, session_id: int) -> list[OpenItemOut]:
    actor = request_actor(request)
    session = selectors.access_session(actor, session_id)
    items = open_items(actor, session.patient)
    return [OpenItemOut(kind=item.kind, text=item.text) for item in items]


@router.put(
    "/sessions/{session_id}/chart",
    response={200: SessionOut, **CONFLICT},
    summary="Save the chart (409 when someone saved since your revision)",
)
def session_chart_save(request: HttpRequest, session_id: int, payload: ChartIn) -> Session:
    actor = request_actor(request)
    chart = payload.dict()
    cartridge = chart.pop("cartridge_lot_id")
    products = [lot_in_scope(actor, pk) for pk in chart.pop("product_lot_ids")]
    chart["cartridge_lot"] = lot_in_scope(actor, cartridge) if cartridge else None
    return sessions.session_chart_save(actor, session_id, product_lots=products, **chart)


@router.post(
    "/sessions/{session_id}/sign",
    response={200: SessionOut, **CONFLICT},
    summary="Sign and lock the chart",
)
def session_sign(request: HttpRequest, session_id: int, payload: SignIn) -> Session:
    return sessions.session_sign(request_actor(request), session_id, payload.revision)


@router.post(
    "/sessions/{session_id}/addenda",
    response={201: SessionOut, **ERRORS},
    summary="Add an addendum to a signed chart",
)
def addendum_add(request: HttpRequest, session_id: int, payload: AddendumIn) -> Status[Session]:
    actor = request_actor(request)
    addendum = sessions.addendum_add(actor, session_id, payload.text, payload.draft_id)
    return Status(201, addendum.session)


@router.get(
    "/lots/{lot_id}/sessions",
    response={200: list[LotSessionOut], **ERRORS},
    summary="Who was treated with this lot",
)
def lot_sessions(request: HttpRequest, lot_id: int) -> list[LotSessionOut]:
    _, treated = selectors.access_lot_sessions(request_actor(request), lot_id)
    return [
        LotSessionOut(
            session_id=s.pk,
            patient_id=s.patient_id,
            record_number=s.patient.record_number,
            patient_name=s.patient.full_name,
            number=s.number,
            treated_at=s.started_at or s.scheduled_at,
        )
        for s in treated
    ]
