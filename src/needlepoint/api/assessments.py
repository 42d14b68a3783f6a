"""/api/v1: scar assessments in the shape `needlepoint score` reads (counts for the whole face
or per zone, the grade), with the record's scar types and notes; the scores are computed."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.clinics.knowledge import clinic_knowledge, read_input
from needlepoint.courses import services
from needlepoint.courses.models import Assessment
from needlepoint.domain.scars import parse_assessment

router = Router(tags=["assessments"])
RECORD_FIELDS = {"scar_types", "notes"}  # the record's own; the rest is the `score` input


class ScaleCounts(Strict):
    counts: dict[str, StrictInt] = Field(
        default_factory=dict, description="Lesions per row or item of the scale"
    )


class GoodmanBaronCounts(ScaleCounts):
    hypertrophic_area_cm2: float = Field(0, strict=True, description="Total area scored (cm²)")


class ScarCounts(Strict):
    goodman_baron: GoodmanBaronCounts | None = None
    ecca: ScaleCounts | None = None


class GoodmanBaronScore(Schema):
    score: int
    max_score: int
    rows: dict[str, int] = Field(description="Points per row")
    sources: list[str]


class EccaScore(Schema):
    score: int
    max_score: int
    items: dict[str, int] = Field(description="Points per item")
    sources: list[str]


class ScoreWarning(Schema):
    code: str
    text: str
    sources: list[str]


class ScoresOut(Schema):
    """As `needlepoint score` prints them: a scale that was not counted is null."""

    goodman_baron: GoodmanBaronScore | None
    ecca: EccaScore | None
    qualitative_grade: int
    warnings: list[ScoreWarning] = Field(description="Where the grade contradicts the counts")


class AssessmentIn(ScarCounts):
    """Counts for the whole face (`goodman_baron`, `ecca`) or per zone (`zones`), not both;
    the names and bounds are the clinic's knowledge (as `needlepoint score` reads them)."""

    qualitative_grade: StrictInt
    zones: dict[str, ScarCounts] | None = None
    scar_types: list[str] = Field(min_length=1)
    notes: str = Field("", max_length=5000)


class AssessmentOut(Schema):
    id: int
    patient_id: uuid.UUID
    qualitative_grade: int
    goodman_baron: GoodmanBaronCounts | None = None
    ecca: ScaleCounts | None = None
    zones: dict[str, ScarCounts]
    scar_types: list[str]
    scores: ScoresOut
    assessed_at: datetime

    @staticmethod
    def resolve_goodman_baron(obj: Assessment) -> object:
        return (obj.overall or {}).get("goodman_baron")

    @staticmethod
    def resolve_ecca(obj: Assessment) -> object:
        return (obj.overall or {}).get("ecca")


@router.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentOut, **ERRORS},
    summary="Record a scar assessment (scores computed)",
    exclude_unset=True,  # the counts come back as given
)
def assessment_record(
    request: HttpRequest, patient_id: str, payload: AssessmentIn
) -> Status[Assessment]:
    actor = request_actor(request)
    given = payload.dict(exclude_unset=True, exclude=RECORD_FIELDS)
    counts = read_input(parse_assessment, given, clinic_knowledge(actor.clinic))
    assessment = services.assessment_record(
        actor, patient_id, counts, scar_types=payload.scar_types, notes=payload.notes
    )
    return Status(201, assessment)
