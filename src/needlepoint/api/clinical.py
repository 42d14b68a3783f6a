"""/api/v1: screenings, assessments, courses, sessions and the sessions that used a lot."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Body, Router, Schema, Status
from pydantic import ConfigDict, Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Problem
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses import selectors, services, sessions
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.domain.knowledge.model import Money
from needlepoint.domain.planning import course_total
from needlepoint.domain.screening import missing_answers
from needlepoint.domain.serialization import to_json
from needlepoint.intakes import services as intake_services
from needlepoint.intakes.models import Screening
from needlepoint.intakes.selectors import latest_intake, screening_in_scope
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.records import services as records
from needlepoint.records.open_items import open_items
from needlepoint.safety.audit import audit_record
from needlepoint.safety.selectors import lot_in_scope

router = Router(tags=["clinical"])
CONFLICT = {**ERRORS, 409: Problem}
Intake = dict[str, Any]  # one field per question; a months_ago one: months, a date or "never"


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ScreeningOut(Schema):
    id: int
    patient_id: uuid.UUID
    intake_version: int
    context: str
    verdict: str
    findings: list[dict[str, Any]]
    missing: list[str]
    acknowledged: list[str]
    overridden: bool
    blocks_treatment: bool
    screened_at: datetime

    @staticmethod
    def from_model(s: Screening) -> ScreeningOut:
        return ScreeningOut(
            id=s.pk,
            patient_id=s.patient_id,
            intake_version=s.intake.version,
            context=s.intake.context,
            verdict=s.verdict,
            findings=s.findings,
            missing=s.missing,
            acknowledged=[a.finding_code for a in s.acknowledgements.all()],
            overridden=hasattr(s, "override"),
            blocks_treatment=s.blocks_treatment(),
            screened_at=s.screened_at,
        )


class IntakeOut(Schema):
    version: int
    context: str
    recorded_at: datetime
    answers: dict[str, Any] = Field(
        description="As screened: a months_ago answer is the ISO date of the event or never"
    )
    missing: list[str] = Field(
        description="Required questions these answers leave unanswered (e.g. added since)"
    )


class AcknowledgementIn(Strict):
    finding_code: str = Field(min_length=1, max_length=60)
    note: str = Field(min_length=1, max_length=2000)


class OverrideIn(Strict):
    reason: str = Field(min_length=10, max_length=2000)


class AssessmentIn(Strict):
    qualitative_grade: int = Field(ge=1, le=4)
    zones: dict[str, Any] = Field(
        description="{zone: {goodman_baron: {counts, hypertrophic_area_cm2}, ecca: {counts}}}"
    )
    scar_types: list[str] = Field(min_length=1)
    notes: str = Field("", max_length=5000)


class AssessmentOut(Schema):
    id: int
    patient_id: uuid.UUID
    qualitative_grade: int
    zones: dict[str, Any]
    scar_types: list[str]
    scores: dict[str, Any]
    assessed_at: datetime


class CourseIn(Strict):
    assessment_id: int
    sessions_planned: int = Field(ge=1, le=services.MAX_SESSIONS)
    interval_weeks: int = Field(ge=1, le=52)
    zone_depths_mm: dict[str, float]
    adjuncts: list[str] = []
    price_per_session: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    first_session_at: datetime


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
    zones: dict[str, Any]
    endpoint: str
    adjuncts: list[str]
    immediate_reactions: str
    started_at: datetime | None
    ended_at: datetime | None
    signed_at: datetime | None
    addenda: list[dict[str, Any]]

    @staticmethod
    def resolve_product_lot_ids(obj: Session) -> list[int]:
        return [lot.pk for lot in obj.product_lots.all()]

    @staticmethod
    def resolve_addenda(obj: Session) -> list[dict[str, Any]]:
        return [
            {"text": a.text, "author": a.author.email, "at": a.at.isoformat()}
            for a in obj.addenda.all()
            if not a.draft
        ]


class CourseOut(Schema):
    id: int
    patient_id: uuid.UUID
    assessment_id: int
    status: str
    sessions_planned: int
    interval_weeks: int
    zone_depths_mm: dict[str, float]
    adjuncts: list[str]
    price_per_session: Decimal
    currency: str
    total: Decimal = Field(description="sessions_planned x price_per_session, in currency")
    suggestion: dict[str, Any]
    sessions: list[SessionOut]

    @staticmethod
    def resolve_total(obj: Course) -> Decimal:
        price = Money(obj.price_per_session, obj.currency)
        return course_total(obj.sessions_planned, price).amount

    @staticmethod
    def resolve_sessions(obj: Course) -> list[Session]:
        return list(obj.sessions.all())


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
    zones: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="{zone: {depth_mm, passes}}"
    )
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
    "/patients/{patient_id}/screenings",
    response={201: ScreeningOut, **ERRORS},
    summary="Record an intake and screen it",
)
def create_screening(
    request: HttpRequest, patient_id: str, answers: Body[Intake]
) -> Status[ScreeningOut]:
    screening = intake_services.intake_record(request_actor(request), patient_id, answers)
    return Status(201, ScreeningOut.from_model(screening))


@router.get(
    "/patients/{patient_id}/intake",
    response={200: IntakeOut, **ERRORS},
    summary="The latest intake, to start the next one from (the pre-session re-screen)",
)
def read_latest_intake(request: HttpRequest, patient_id: str) -> IntakeOut:
    actor = request_actor(request)
    intake = latest_intake(actor, patient_id)
    if intake is None:
        raise Http404("This patient has no intake yet.")
    missing = missing_answers(intake.answers, clinic_knowledge(actor.clinic))
    return IntakeOut(
        version=intake.version,
        context=intake.context,
        recorded_at=intake.recorded_at,
        answers=intake.answers,
        missing=list(missing),
    )


@router.get(
    "/screenings/{screening_id}", response={200: ScreeningOut, **ERRORS}, summary="Read a screening"
)
def read_screening(request: HttpRequest, screening_id: int) -> ScreeningOut:
    actor = request_actor(request)
    screening = screening_in_scope(actor, screening_id, Permission.CLINICAL_READ)
    audit_record(
        actor, "screening.read", "patient", screening.patient_id, detail={"screening": screening.pk}
    )
    return ScreeningOut.from_model(screening)


@router.post(
    "/screenings/{screening_id}/acknowledgements",
    response={201: ScreeningOut, **ERRORS},
    summary="Acknowledge a precaution",
)
def acknowledge(
    request: HttpRequest, screening_id: int, payload: AcknowledgementIn
) -> Status[ScreeningOut]:
    ack = intake_services.screening_acknowledge(
        request_actor(request), screening_id, payload.finding_code, payload.note
    )
    return Status(201, ScreeningOut.from_model(ack.screening))


@router.post(
    "/screenings/{screening_id}/override",
    response={201: ScreeningOut, **ERRORS},
    summary="Override a blocking verdict, with a reason",
)
def override(request: HttpRequest, screening_id: int, payload: OverrideIn) -> Status[ScreeningOut]:
    record = intake_services.screening_override(
        request_actor(request), screening_id, payload.reason
    )
    return Status(201, ScreeningOut.from_model(record.screening))


@router.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Record a scar assessment (scores computed)",
)
def create_assessment(
    request: HttpRequest, patient_id: str, payload: AssessmentIn
) -> Status[Assessment]:
    return Status(
        201, services.assessment_record(request_actor(request), patient_id, **payload.dict())
    )


@router.get(
    "/assessments/{assessment_id}/plan",
    response={200: dict[str, Any], **ERRORS},
    summary="The rules engine's suggested course for an assessment (422 on `fitzpatrick` "
    "while the patient's skin type is not recorded)",
)
def suggest_plan(request: HttpRequest, assessment_id: int) -> Any:
    actor = request_actor(request)
    return to_json(
        services.course_suggestion(actor, selectors.access_assessment(actor, assessment_id))
    )


@router.post(
    "/patients/{patient_id}/courses",
    response={201: CourseOut, **ERRORS},
    summary="Create a course from an assessment and schedule its sessions",
)
def create_course(request: HttpRequest, patient_id: str, payload: CourseIn) -> Status[Course]:
    actor = request_actor(request)
    patient = patient_in_scope(actor, patient_id, Permission.COURSE_PLAN)
    assessment = selectors.assessment_in_scope(actor, payload.assessment_id, Permission.COURSE_PLAN)
    if assessment.patient_id != patient.pk:
        raise Http404("No such assessment for this patient.")
    plan = payload.dict(exclude={"assessment_id"})
    return Status(201, services.course_create(actor, assessment.pk, **plan))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="Read a course")
def read_course(request: HttpRequest, course_id: int) -> Course:
    return selectors.access_course(request_actor(request), course_id)


@router.post(
    "/courses/{course_id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Schedule another session of the course",
)
def schedule_session(request: HttpRequest, course_id: int, payload: ScheduleIn) -> Status[Session]:
    return Status(
        201, sessions.session_schedule(request_actor(request), course_id, payload.scheduled_at)
    )


@router.get(
    "/sessions/{session_id}", response={200: SessionOut, **ERRORS}, summary="Read a session"
)
def read_session(request: HttpRequest, session_id: int) -> Session:
    return selectors.access_session(request_actor(request), session_id)


@router.post(
    "/sessions/{session_id}/start",
    response={201: ScreeningOut, **ERRORS},
    summary="Re-screen before treating (the pre-session intake)",
)
def start_session(
    request: HttpRequest, session_id: int, answers: Body[Intake], reviewed: bool = False
) -> Status[ScreeningOut]:
    """`reviewed=true` confirms the practitioner has reviewed the session's open items."""
    actor = request_actor(request)
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
def save_chart(request: HttpRequest, session_id: int, payload: ChartIn) -> Session:
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
def sign_session(request: HttpRequest, session_id: int, payload: SignIn) -> Session:
    return sessions.session_sign(request_actor(request), session_id, payload.revision)


@router.post(
    "/sessions/{session_id}/addenda",
    response={201: SessionOut, **ERRORS},
    summary="Add an addendum to a signed chart",
)
def add_addendum(request: HttpRequest, session_id: int, payload: AddendumIn) -> Status[Session]:
    actor = request_actor(request)
    addendum = sessions.addendum_add(actor, session_id, payload.text, payload.draft_id)
    return Status(201, addendum.session)


@router.get(
    "/lots/{lot_id}/sessions",
    response={200: list[LotSessionOut], **ERRORS},
    summary="Who was treated with this lot",
)
def lot_sessions(request: HttpRequest, lot_id: int) -> list[LotSessionOut]:
    _, sessions = selectors.lot_sessions(request_actor(request), lot_id)
    return [
        LotSessionOut(
            session_id=s.pk,
            patient_id=s.patient_id,
            record_number=s.patient.record_number,
            patient_name=s.patient.full_name,
            number=s.number,
            treated_at=s.started_at or s.scheduled_at,
        )
        for s in sessions
    ]
