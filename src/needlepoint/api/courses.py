"""/api/v1: the rules engine's course plan for an assessment, and courses made from it."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.api.sessions import SessionOut
from needlepoint.clinics.roles import Permission
from needlepoint.courses import selectors, services
from needlepoint.courses.models import Course, Session
from needlepoint.domain.knowledge.model.planning import COURSE_SESSIONS, INTERVAL_WEEKS, Money
from needlepoint.domain.planning import course_total
from needlepoint.domain.serialization import to_json
from needlepoint.patients.selectors import patient_in_scope

router = Router(tags=["courses"])


class IntRange(Schema):
    min: int
    max: int


class NumberRange(Schema):
    min: float
    max: float


class ReasonOut(Schema):
    code: str
    text: str
    sources: list[str]


class ZonePlanOut(Schema):
    depth_mm: float = Field(description="The depth pre-filled on the course, in mm")
    depth_range_mm: NumberRange
    depth_limit_mm: float = Field(description="The deepest the course may plan, in mm")
    passes: IntRange
    sources: list[str]
    reasons: list[ReasonOut]


class AdjunctOut(Schema):
    code: str
    reason: str
    sources: list[str]
    cautions: list[ReasonOut]


class CostOut(Schema):
    per_session: NumberRange
    total: NumberRange
    currency: str
    sources: list[str]


class ExpectedResultOut(Schema):
    text: str
    scale: str
    sessions: int
    study: str
    sources: list[str]


class CoursePlanOut(Schema):
    """The rules engine's proposal; when not `suitable`, only `reasons` are filled in."""

    suitable: bool
    reasons: list[ReasonOut]
    sessions: IntRange | None
    interval_weeks: IntRange | None
    minimum_interval_weeks: int | None
    zones: dict[str, ZonePlanOut]
    adjuncts: list[AdjunctOut]
    cost: CostOut | None
    expected_results: list[ExpectedResultOut]


class CourseZone(Strict):
    depth_mm: float = Field(allow_inf_nan=False, description="The planned depth, in mm")


class CourseIn(Strict):
    assessment_id: int
    sessions_planned: int = Field(ge=COURSE_SESSIONS.min, le=COURSE_SESSIONS.max)
    interval_weeks: int = Field(ge=INTERVAL_WEEKS.min, le=INTERVAL_WEEKS.max)
    zones: dict[str, CourseZone]
    adjuncts: list[str] = []
    price_per_session: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    first_session_at: datetime


class CourseOut(Schema):
    id: int
    patient_id: uuid.UUID
    assessment_id: int
    status: str
    sessions_planned: int
    interval_weeks: int
    zones: dict[str, CourseZone]
    adjuncts: list[str]
    price_per_session: Decimal
    currency: str
    total: Decimal = Field(description="sessions_planned x price_per_session, in currency")
    plan: CoursePlanOut = Field(description="The course plan this course was made from")
    sessions: list[SessionOut]

    @staticmethod
    def resolve_total(obj: Course) -> Decimal:
        price = Money(obj.price_per_session, obj.currency)
        return course_total(obj.sessions_planned, price).amount

    @staticmethod
    def resolve_sessions(obj: Course) -> list[Session]:
        return list(obj.sessions.all())


@router.get(
    "/assessments/{assessment_id}/plan",
    response={200: CoursePlanOut, **ERRORS},
    summary="The rules engine's course plan for an assessment (422 on `fitzpatrick` "
    "while the patient's skin type is not recorded)",
)
def course_plan(request: HttpRequest, assessment_id: int) -> Any:
    actor = request_actor(request)
    return to_json(services.course_plan(actor, selectors.access_assessment(actor, assessment_id)))


@router.post(
    "/patients/{patient_id}/courses",
    response={201: CourseOut, **ERRORS},
    summary="Create a course from an assessment and schedule its sessions",
)
def course_create(request: HttpRequest, patient_id: str, payload: CourseIn) -> Status[Course]:
    actor = request_actor(request)
    patient = patient_in_scope(actor, patient_id, Permission.COURSE_PLAN)
    assessment = selectors.assessment_in_scope(actor, payload.assessment_id, Permission.COURSE_PLAN)
    if assessment.patient_id != patient.pk:
        raise Http404("No such assessment for this patient.")
    plan = payload.dict(exclude={"assessment_id"})
    return Status(201, services.course_create(actor, assessment.pk, **plan))


@router.get("/courses/{course_id}", response={200: CourseOut, **ERRORS}, summary="Read a course")
def course_read(request: HttpRequest, course_id: int) -> Course:
    return selectors.access_course(request_actor(request), course_id)
