"""/api/v1: a course's outcome scores and timepoints, and the clinician's answers at one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.domain.knowledge.model.measures import Timepoint
from needlepoint.outcomes import selectors, services
from needlepoint.outcomes.models import MeasureResponse

router = Router(tags=["outcomes"])


class ScoreOut(Schema):
    measure: str = Field(
        description="scar_bother, gais_patient, gais_clinician, satisfaction, "
        "or the code of a questionnaire the clinic loaded"
    )
    label: str
    respondent: str = Field(description="patient or clinician")
    timepoint: str = Field(description="baseline, pre_session, follow_up_3m or follow_up_6m")
    session_number: int | None = Field(description="For pre_session: the session it precedes")
    taken_at: datetime
    value: float
    minimum: float
    maximum: float
    better: str = Field(description="higher or lower")
    sources: list[str]


class DueOut(Schema):
    timepoint: str
    session_number: int | None
    label: str
    opens: datetime
    due: datetime
    overdue_after: datetime = Field(description="Missed when still unanswered after this")
    state: str = Field(description="The patient's: upcoming, open, missed or answered")
    sources: list[str]


class CourseOutcomesOut(Schema):
    scores: list[ScoreOut]
    timepoints: list[DueOut]


class ResponseIn(Strict):
    timepoint: Timepoint
    session_number: int | None = Field(None, ge=1, le=100, description="For pre_session")
    answers: dict[str, dict[str, StrictInt | str]] = Field(
        description="{measure: {item: option code, or a whole number}}; every measure the "
        "caller is asked at the timepoint"
    )


class ResponseOut(Schema):
    id: int
    measure: str
    respondent: str
    timepoint: str
    session_number: int | None
    answers: dict[str, StrictInt | str] = Field(
        description="{item: option code, or a whole number}"
    )
    score: float
    taken_at: datetime


@router.get(
    "/courses/{course_id}/outcomes",
    response={200: CourseOutcomesOut, **ERRORS},
    summary="A course's outcome scores and its timepoints",
)
def course_outcomes(request: HttpRequest, course_id: int) -> dict[str, Any]:
    outcomes = selectors.access_course_outcomes(request_actor(request), course_id)
    return {"scores": outcomes.scores, "timepoints": list(outcomes.schedule)}


@router.post(
    "/courses/{course_id}/outcomes",
    response={201: list[ResponseOut], **ERRORS},
    summary="Record the caller's answers at an open timepoint of a course, once: a patient "
    "their own measures, a practitioner the clinician-rated ones",
)
def course_outcomes_record(
    request: HttpRequest, course_id: int, payload: ResponseIn
) -> Status[list[MeasureResponse]]:
    rows = services.measure_response_record(
        request_actor(request),
        course_id,
        payload.timepoint.value,
        payload.session_number,
        payload.answers,
    )
    return Status(201, rows)
