"""/api/v1: the suggested course for an assessment, and courses made from it."""

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
from needlepoint.domain.knowledge.model import Money
from needlepoint.domain.planning import course_total
from needlepoint.domain.serialization import to_json
from needlepoint.patients.selectors import patient_in_scope

router = Router(tags=["courses"])


class CourseZone(Strict):
    depth_mm: float = Field(allow_inf_nan=False, description="The planned depth, in mm")


class CourseIn(Strict):
    assessment_id: int
    sessions_planned: int = Field(ge=1, le=services.MAX_SESSIONS)
    interval_weeks: int = Field(ge=1, le=52)
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
    suggestion: dict[str, Any]
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
    response={200: dict[str, Any], **ERRORS},
    summary="The rules engine's suggested course for an assessment (422 on `fitzpatrick` "
    "while the patient's skin type is not recorded)",
)
def course_suggestion(request: HttpRequest, assessment_id: int) -> Any:
    actor = request_actor(request)
    return to_json(
        services.course_suggestion(actor, selectors.access_assessment(actor, assessment_id))
    )


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
