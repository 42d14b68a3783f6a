"""/api/v1: check-ins (the signed-in patient) and alerts (the clinic)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from needlepoint.api.auth import request_actor
from needlepoint.api.knowledge_schemas import ReportedSymptoms
from needlepoint.api.schemas import ERRORS
from needlepoint.checkins import selectors, services
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.knowledge import clinic_knowledge, read_input
from needlepoint.domain import triage
from needlepoint.domain.knowledge import Knowledge

router = Router(tags=["check-ins and alerts"])


class CheckInIn(Schema):
    model_config = ConfigDict(extra="forbid")

    symptoms: ReportedSymptoms
    note: str = Field("", max_length=services.MAX_NOTE)


class TriageReasonOut(Schema):
    code: str
    symptom: str
    level: str
    text: str
    sources: list[str]


class CourseNoteOut(Schema):
    symptom: str
    text: str
    sources: list[str]


class ExpectedCourseOut(Schema):
    hours_since_session: float
    days_since_session: int
    symptoms: list[CourseNoteOut] = Field(description="None at contact_clinic or above")


class AdviceOut(Schema):
    level: str
    text: str
    sources: list[str]


class AnomalyOut(Schema):
    code: str
    text: str


class TriageOut(Schema):
    """As `needlepoint triage` prints it."""

    level: str
    reasons: list[TriageReasonOut]
    expected_course: ExpectedCourseOut
    advice: AdviceOut
    emergency: list[str] = Field(description="When to call emergency services")
    anomalies: list[AnomalyOut] = Field(
        description="What did not add up in the check-in's times, for the clinic"
    )


class CheckInOut(Schema):
    id: int
    session_id: int
    reported_at: datetime
    symptoms: dict[str, StrictBool | StrictInt] = Field(description="As the patient reported them")
    note: str
    level: str
    triage: TriageOut
    alert_id: int | None

    @staticmethod
    def resolve_triage(obj: CheckIn) -> dict[str, object]:
        return {"level": obj.level, **obj.triage}  # the rules' shape; the level is stored once

    @staticmethod
    def resolve_alert_id(obj: CheckIn) -> int | None:
        alert = getattr(obj, "alert", None)
        return alert.pk if alert else None


class AlertOut(Schema):
    id: int
    patient_id: uuid.UUID
    checkin_id: int
    session_id: int
    level: str
    status: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    reasons: list[TriageReasonOut]
    anomalies: list[AnomalyOut] = Field(
        description="What did not add up in the check-in's times, for the clinic"
    )

    @staticmethod
    def resolve_level(obj: Alert) -> str:
        return obj.checkin.level

    @staticmethod
    def resolve_session_id(obj: Alert) -> int:
        return obj.checkin.session_id

    @staticmethod
    def resolve_reasons(obj: Alert) -> list[object]:
        return list(obj.checkin.triage.get("reasons", []))

    @staticmethod
    def resolve_anomalies(obj: Alert) -> list[object]:
        return list(obj.checkin.triage.get("anomalies", []))


class AlertActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)


class AlertFilter(Schema):
    status: Literal["open", "all"] = "open"


@router.post("/checkins", response={201: CheckInOut, **ERRORS}, summary="Check in (patients)")
def checkin_submit(request: HttpRequest, payload: CheckInIn) -> Status[CheckIn]:
    actor = request_actor(request)
    reported = payload.symptoms.dict(exclude_unset=True)
    symptoms = read_input(_symptoms, reported, clinic_knowledge(actor.clinic))
    return Status(201, services.checkin_submit(actor, symptoms, payload.note))


def _symptoms(value: object, knowledge: Knowledge) -> triage.Symptoms:
    return triage.parse_symptoms(value, "symptoms", knowledge)


@router.get("/checkins", response={200: list[CheckInOut], **ERRORS}, summary="My check-ins")
def checkin_list(request: HttpRequest) -> list[CheckIn]:
    return selectors.access_my_checkins(request_actor(request))


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, summary="The clinic's alerts")
def alert_list(request: HttpRequest, filters: Query[AlertFilter]) -> list[Alert]:
    actor = request_actor(request)
    return selectors.access_alerts(actor, open_only=filters.status == "open", limit=500)


@router.get("/alerts/{alert_id}", response={200: AlertOut, **ERRORS}, summary="Read an alert")
def alert_read(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.access_alert(request_actor(request), alert_id)


def _act(request: HttpRequest, alert_id: int, action: str, note: str) -> Alert:
    return services.alert_update(request_actor(request), alert_id, action, note)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response={200: AlertOut, **ERRORS},
    summary="Acknowledge an alert",
)
def alert_acknowledge(request: HttpRequest, alert_id: int, payload: AlertActionIn) -> Alert:
    return _act(request, alert_id, "acknowledge", payload.note)


@router.post(
    "/alerts/{alert_id}/contacted",
    response={200: AlertOut, **ERRORS},
    summary="Record that the patient was contacted",
)
def alert_contacted(request: HttpRequest, alert_id: int, payload: AlertActionIn) -> Alert:
    return _act(request, alert_id, "contacted", payload.note)


@router.post(
    "/alerts/{alert_id}/resolve", response={200: AlertOut, **ERRORS}, summary="Resolve an alert"
)
def alert_resolve(request: HttpRequest, alert_id: int, payload: AlertActionIn) -> Alert:
    return _act(request, alert_id, "resolve", payload.note)
