"""/api/v1: scar assessments (counts per zone, grade; the scores are computed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.courses import services
from needlepoint.courses.models import Assessment

router = Router(tags=["assessments"])


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


@router.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Record a scar assessment (scores computed)",
)
def assessment_record(
    request: HttpRequest, patient_id: str, payload: AssessmentIn
) -> Status[Assessment]:
    return Status(
        201, services.assessment_record(request_actor(request), patient_id, **payload.dict())
    )
