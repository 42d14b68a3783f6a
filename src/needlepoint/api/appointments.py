"""/api/v1: the clinic's calendar: appointments (booked, moved, their statuses), free slots,
the slots proposed for a course's sessions, and the rooms, appointment types and hours they
are booked with. A slot already taken, or an appointment changed meanwhile, is a 409."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from needlepoint.api.auth import staff_actor
from needlepoint.api.schemas import ERRORS, Problem, Strict
from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import Appointment, AppointmentType, Room

router = Router(tags=["appointments"])
CONFLICT = {**ERRORS, 409: Problem}
MAX_DAYS = 31


class NoticeOut(Schema):
    code: str
    text: str
    sources: list[str]


class AppointmentOut(Schema):
    id: int
    patient_id: uuid.UUID
    type_id: int
    type: str = Field(description="The appointment type's kind")
    practitioner_id: int
    room_id: int
    numbing_room_id: int | None
    session_id: int | None
    starts_at: datetime = Field(description="When the patient is booked in (numbing first)")
    procedure_starts_at: datetime
    ends_at: datetime
    status: str
    notes: str
    revision: int

    @staticmethod
    def resolve_type(obj: Appointment) -> str:
        return obj.type.kind


class BookingOut(Schema):
    appointment: AppointmentOut
    warnings: list[NoticeOut] = Field(
        description="A course's session booked outside its planned interval, with the sources"
    )


class AppointmentIn(Strict):
    patient_id: uuid.UUID
    type_id: int
    practitioner_id: int
    room_id: int
    numbing_room_id: int | None = Field(None, description="A numbing chair for the numbing")
    session_id: int | None = Field(None, description="The course's session this books")
    starts_at: datetime
    notes: str = Field("", max_length=500)


class MoveIn(Strict):
    starts_at: datetime
    practitioner_id: int | None = None
    room_id: int | None = None
    numbing_room_id: int | None = None
    revision: int | None = Field(None, description="The revision read; 409 if it changed")


class StatusIn(Strict):
    status: Literal["arrived", "in_progress", "completed", "cancelled", "no_show"]
    reason: str = Field("", max_length=500)
    revision: int | None = None


class CalendarQuery(Schema):
    first_day: date
    days: int = Field(7, ge=1, le=MAX_DAYS)
    practitioner_id: int | None = None
    room_id: int | None = None


class ResourcesQuery(Schema):
    type_id: int
    practitioner_id: int
    room_id: int
    numbing_room_id: int | None = None


class ProposalOut(Schema):
    session_id: int
    number: int
    starts_at: datetime | None = Field(description="None when no free slot was found")
    warnings: list[NoticeOut]


class RoomOut(Schema):
    id: int
    name: str
    kind: str


class RoomIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    kind: Literal["treatment", "numbing", "consultation"] = "treatment"


class AppointmentTypeOut(Schema):
    id: int
    kind: str
    name: str
    minutes: int
    numbing_minutes: int


class AppointmentTypeIn(Strict):
    kind: Literal["consultation", "microneedling", "review", "photo_follow_up"]
    name: str = Field(min_length=1, max_length=100)
    minutes: int
    numbing_minutes: int | None = Field(
        None, description="Default: the knowledge's numbing time for microneedling, else 0"
    )


class StretchIn(Strict):
    weekday: int = Field(ge=0, le=6, description="Monday 0")
    starts: time
    ends: time


class HoursIn(Strict):
    stretches: list[StretchIn] = Field(description="A break is the gap between two stretches")


class ClosureIn(Strict):
    starts_at: datetime
    ends_at: datetime
    reason: str = Field("", max_length=200)
    practitioner_id: int | None = None
    room_id: int | None = None


def _booking(booking: services.Booking) -> dict[str, Any]:
    return {"appointment": booking.appointment, "warnings": booking.warnings}


@router.get(
    "/appointments",
    response={200: list[AppointmentOut], **ERRORS},
    summary="The appointments of some days, of one practitioner or room or of all practitioners",
)
def calendar_read(request: HttpRequest, query: Query[CalendarQuery]) -> list[Appointment]:
    calendar = selectors.access_calendar(
        staff_actor(request),
        query.first_day,
        query.days,
        practitioner_id=query.practitioner_id,
        room_id=query.room_id,
    )
    return list({a.pk: a for a in calendar.appointments}.values())


@router.post(
    "/appointments",
    response={201: BookingOut, **CONFLICT},
    summary="Book an appointment (409 when the practitioner or a room is taken)",
)
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Status[dict[str, Any]]:
    booking = services.appointment_book(staff_actor(request), **payload.dict())
    return Status(201, _booking(booking))


@router.get(
    "/appointments/free",
    response={200: list[datetime], **ERRORS},
    summary="The free start times of a day for a type, practitioner and room(s)",
)
def appointment_free_slots(
    request: HttpRequest, day: date, query: Query[ResourcesQuery]
) -> list[datetime]:
    actor = staff_actor(request)
    resources = selectors.resources_in_scope(actor, **query.dict())
    return selectors.FreeSlots(actor, resources, day, day).on(day)


@router.get(
    "/appointments/{appointment_id}",
    response={200: AppointmentOut, **ERRORS},
    summary="Read an appointment",
)
def appointment_read(request: HttpRequest, appointment_id: int) -> Appointment:
    return selectors.access_appointment(staff_actor(request), appointment_id)


@router.post(
    "/appointments/{appointment_id}/move",
    response={200: BookingOut, **CONFLICT},
    summary="Move a booked appointment (and its session) to another time, practitioner or room",
)
def appointment_move(request: HttpRequest, appointment_id: int, payload: MoveIn) -> dict[str, Any]:
    booking = services.appointment_move(staff_actor(request), appointment_id, **payload.dict())
    return _booking(booking)


@router.post(
    "/appointments/{appointment_id}/status",
    response={200: AppointmentOut, **CONFLICT},
    summary="Arrived, in progress, completed, cancelled or did not attend",
)
def appointment_status(request: HttpRequest, appointment_id: int, payload: StatusIn) -> Appointment:
    return services.appointment_status(staff_actor(request), appointment_id, **payload.dict())


@router.get(
    "/courses/{course_id}/proposals",
    response={200: list[ProposalOut], **ERRORS},
    summary="Free slots for the course's sessions not booked yet, at the planned interval",
)
def course_proposals(
    request: HttpRequest, course_id: int, query: Query[ResourcesQuery]
) -> list[dict[str, Any]]:
    actor = staff_actor(request)
    resources = selectors.resources_in_scope(actor, **query.dict())
    return [
        {
            "session_id": p.session.pk,
            "number": p.session.number,
            "starts_at": p.proposal.starts_at,
            "warnings": p.proposal.warnings,
        }
        for p in selectors.access_course_proposals(actor, course_id, resources)
    ]


@router.get("/rooms", response={200: list[RoomOut], **ERRORS}, summary="The clinic's rooms")
def room_list(request: HttpRequest) -> list[Room]:
    return selectors.rooms(staff_actor(request))


@router.post("/rooms", response={201: RoomOut, **ERRORS}, summary="Add a room (clinic admins)")
def room_create(request: HttpRequest, payload: RoomIn) -> Status[Room]:
    return Status(201, services.room_create(staff_actor(request), **payload.dict()))


@router.get(
    "/appointment-types",
    response={200: list[AppointmentTypeOut], **ERRORS},
    summary="The clinic's appointment types",
)
def appointment_type_list(request: HttpRequest) -> list[AppointmentType]:
    return selectors.appointment_types(staff_actor(request))


@router.post(
    "/appointment-types",
    response={201: AppointmentTypeOut, **ERRORS},
    summary="Add an appointment type (clinic admins)",
)
def appointment_type_create(request: HttpRequest, payload: AppointmentTypeIn) -> Status[Any]:
    return Status(201, services.appointment_type_create(staff_actor(request), **payload.dict()))


@router.put(
    "/practitioners/{practitioner_id}/hours",
    response={204: None, **ERRORS},
    summary="Replace a practitioner's weekly working hours (clinic admins)",
)
def working_hours_set(request: HttpRequest, practitioner_id: int, payload: HoursIn) -> Status[None]:
    stretches = [(s.weekday, s.starts, s.ends) for s in payload.stretches]
    services.working_hours_set(staff_actor(request), practitioner_id, stretches)
    return Status(204, None)


@router.post(
    "/closures",
    response={201: None, **ERRORS},
    summary="Close the clinic, a practitioner or a room for a time (clinic admins)",
)
def closure_create(request: HttpRequest, payload: ClosureIn) -> Status[None]:
    data = payload.dict()
    services.closure_create(staff_actor(request), staff_id=data.pop("practitioner_id"), **data)
    return Status(201, None)
