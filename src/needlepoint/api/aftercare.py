"""/api/v1: a signed session's aftercare (JSON or iCalendar) and its printable handout."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from needlepoint.api.auth import request_actor
from needlepoint.api.schemas import ERRORS, Problem
from needlepoint.domain.warning_signs import WarningSign
from needlepoint.notify.aftercare import AftercareNotReady
from needlepoint.notify.calendar import aftercare_calendar
from needlepoint.notify.selectors import SessionAftercare, access_session_aftercare
from needlepoint.reports.handouts import access_aftercare_handout

router = Router(tags=["aftercare"])
NOT_READY = {**ERRORS, 409: Problem}


class AftercareItemOut(Schema):
    code: str
    title: str
    text: str
    starts_at: datetime
    ends_at: datetime
    announce_end: bool  # false: its end is never announced nor shown to the patient
    sources: list[str]


class WarningSignOut(Schema):
    symptom: str
    label: str
    text: str
    level: str


class WarningSignsOut(Schema):
    urgent: list[WarningSignOut]
    urgent_advice: str
    contact_clinic: list[WarningSignOut]
    contact_advice: str


class AftercareOut(Schema):
    session_id: int
    patient_id: uuid.UUID
    performed_at: datetime
    time_zone: str
    items: list[AftercareItemOut]
    warning_signs: WarningSignsOut


def _signs(signs: list[WarningSign] | tuple[WarningSign, ...]) -> list[WarningSignOut]:
    return [
        WarningSignOut(symptom=s.symptom, label=s.label, text=s.text, level=s.level) for s in signs
    ]


def _care(request: HttpRequest, session_id: int, use: str) -> SessionAftercare:
    try:
        return access_session_aftercare(request_actor(request), session_id, use=use)
    except AftercareNotReady as error:
        raise HttpError(409, str(error)) from None


@router.get(
    "/sessions/{session_id}/aftercare",
    response={200: AftercareOut, **NOT_READY},
    summary="A signed session's aftercare, in the clinic's time zone (`?format=ics`: iCalendar)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The aftercare (JSON), or with `format=ics` an iCalendar file",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def aftercare_read(
    request: HttpRequest,
    session_id: int,
    output: Literal["json", "ics"] = Query("json", alias="format"),  # type: ignore[type-arg]
) -> Any:
    care = _care(request, session_id, "ics" if output == "ics" else "read")
    if output == "ics":
        ics = aftercare_calendar(
            care.aftercare, care.performed_at, timezone.now(), str(care.session.pk)
        )
        response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="aftercare-session-{session_id}.ics"'
        )
        return response
    signs = care.warning_signs
    return AftercareOut(
        session_id=care.session.pk,
        patient_id=care.patient.pk,
        performed_at=care.performed_at,
        time_zone=care.clinic.time_zone,
        items=[
            AftercareItemOut(
                code=i.code,
                title=i.title,
                text=i.text,
                starts_at=i.starts_at,
                ends_at=i.ends_at,
                announce_end=i.announce_end,
                sources=list(i.sources),
            )
            for i in care.aftercare.items
        ],
        warning_signs=WarningSignsOut(
            urgent=_signs(signs.urgent),
            urgent_advice=signs.urgent_advice.text,
            contact_clinic=_signs(signs.contact_clinic),
            contact_advice=signs.contact_advice.text,
        ),
    )


@router.get(
    "/sessions/{session_id}/handout.pdf",
    response=NOT_READY,
    summary="The printable aftercare handout of a signed session (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The handout",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def handout_read(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        pdf = access_aftercare_handout(request_actor(request), session_id)
    except AftercareNotReady as error:
        raise HttpError(409, str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aftercare-session-{session_id}.pdf"'
    return response
