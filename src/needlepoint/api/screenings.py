"""/api/v1: intakes and their screenings, acknowledgements of precautions, overrides."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Body, Router, Schema, Status
from pydantic import Field, StrictBool, StrictFloat, StrictInt

from needlepoint.api.auth import request_actor
from needlepoint.api.knowledge_schemas import IntakeAnswers
from needlepoint.api.schemas import ERRORS, Strict
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.domain.screening import missing_answers
from needlepoint.intakes import selectors, services
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Screening

router = Router(tags=["screenings"])
StoredAnswer = StrictBool | StrictInt | StrictFloat | str


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    sources: list[str]
    question: str
    answer: StoredAnswer | None = Field(
        description="The answer the rule fired on; months_ago: the months since, to 0.01"
    )
    requires_acknowledgement: bool


class ScreeningOut(Schema):
    id: int
    patient_id: uuid.UUID
    intake_version: int
    context: str
    verdict: str
    findings: list[FindingOut]
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
            findings=[FindingOut(**finding) for finding in s.findings],
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
    answers: dict[str, StoredAnswer] = Field(
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


@router.post(
    "/patients/{patient_id}/screenings",
    response={201: ScreeningOut, **ERRORS},
    summary="Record an intake and screen it",
)
def intake_record(
    request: HttpRequest, patient_id: str, payload: Body[IntakeAnswers]
) -> Status[ScreeningOut]:
    actor = request_actor(request)
    answers = intake_from_json(actor, payload.dict(exclude_unset=True))
    screening = services.intake_record(actor, patient_id, answers)
    return Status(201, ScreeningOut.from_model(screening))


@router.get(
    "/patients/{patient_id}/intake",
    response={200: IntakeOut, **ERRORS},
    summary="The latest intake, to start the next one from (the pre-session re-screen)",
)
def intake_latest(request: HttpRequest, patient_id: str) -> IntakeOut:
    actor = request_actor(request)
    intake = selectors.access_latest_intake(actor, patient_id)
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
def screening_read(request: HttpRequest, screening_id: int) -> ScreeningOut:
    screening = selectors.access_screening(request_actor(request), screening_id)
    return ScreeningOut.from_model(screening)


@router.post(
    "/screenings/{screening_id}/acknowledgements",
    response={201: ScreeningOut, **ERRORS},
    summary="Acknowledge a precaution",
)
def screening_acknowledge(
    request: HttpRequest, screening_id: int, payload: AcknowledgementIn
) -> Status[ScreeningOut]:
    ack = services.screening_acknowledge(
        request_actor(request), screening_id, payload.finding_code, payload.note
    )
    return Status(201, ScreeningOut.from_model(ack.screening))


@router.post(
    "/screenings/{screening_id}/override",
    response={201: ScreeningOut, **ERRORS},
    summary="Override a blocking verdict, with a reason",
)
def screening_override(
    request: HttpRequest, screening_id: int, payload: OverrideIn
) -> Status[ScreeningOut]:
    record = services.screening_override(request_actor(request), screening_id, payload.reason)
    return Status(201, ScreeningOut.from_model(record.screening))
