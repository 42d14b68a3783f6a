"""Writes of the calendar: booking, moving, cancelling and the statuses of appointments, and
the clinic's rooms, appointment types, working hours and closures. One transaction each,
audited.

What is true of an appointment once written:
- it holds its practitioner for the procedure and its room (or numbing chair) for the numbing
  through live `Reservation`s, none overlapping another live one of the same practitioner or
  room: checked here inside the write transaction (on SQLite an IMMEDIATE one, so two bookings
  of one slot queue and the second sees the first) and, on PostgreSQL, refused again by the
  exclusion constraint should two transactions race; the loser gets `SlotTaken` and nothing
  of its booking is written;
- its procedure lies within the practitioner's working hours, and nothing it holds falls in a
  closure of the clinic, the practitioner or the room;
- an appointment of a course's session starts when the session is scheduled: booking and
  moving write both, and a time closer to the course's other sessions than the knowledge's
  minimum interval is refused (outside the planned interval it is booked with a warning).

`appointment_changed` is sent once the transaction commits, for reminders and confirmations
to queue their messages from.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import django.dispatch
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Session
from needlepoint.domain.scheduling import Notice, check_session_time
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record
from needlepoint.scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentType,
    Closure,
    Reservation,
    Room,
    WorkingHours,
)
from needlepoint.scheduling.selectors import (
    appointment_in_scope,
    course_interval_rule,
    course_neighbours,
    working_spans,
)

appointment_changed = django.dispatch.Signal()  # sent with appointment, change ("book", ...)


class SlotTaken(Exception):
    """The practitioner or a room is already held at that time, or the appointment changed
    meanwhile: answered 409, the booking left unwritten."""


@dataclass(frozen=True)
class Booking:
    appointment: Appointment
    warnings: tuple[Notice, ...] = ()


def _booking_right(actor: Actor) -> Permission:
    """Staff book with `APPOINTMENT_BOOK`; a patient reaches their own appointments with
    `APPOINTMENT_SELF_BOOK`, which only the portal's booking (records.self_booking, holding the
    clinic's notice and the re-screening) uses: the calendar's API refuses patients."""
    return (
        Permission.APPOINTMENT_SELF_BOOK
        if actor.role is Role.PATIENT
        else Permission.APPOINTMENT_BOOK
    )


def _in_clinic(actor: Actor, model: Any, key: object, what: str, field: str) -> Any:
    found = model.objects.filter(clinic=actor.clinic, pk=record_key(key, what)).first()
    if found is None:
        raise ValidationError({field: f"No such {what} in this clinic."})
    return found


def _practitioner(actor: Actor, staff_id: object) -> Staff:
    staff = (
        Staff.objects.filter(clinic=actor.clinic, role=Role.PRACTITIONER.value)
        .select_related("user")
        .filter(pk=record_key(staff_id, "practitioner"))
        .first()
    )
    if staff is None:
        raise ValidationError({"practitioner": "No such practitioner in this clinic."})
    return staff


def _room(actor: Actor, room_id: object, field: str) -> Room:
    room: Room = _in_clinic(actor, Room, room_id, "room", field)
    if not room.active:
        raise ValidationError({field: f"{room.name} is no longer in use."})
    return room


@dataclass(frozen=True)
class _Plan:
    """Where and when an appointment is to be, before it is written."""

    type: AppointmentType
    practitioner: Staff
    room: Room
    numbing_room: Room | None
    starts_at: datetime
    procedure_starts_at: datetime
    ends_at: datetime

    def holds(self) -> list[tuple[Staff | None, Room | None, datetime, datetime]]:
        """(practitioner, room, from, to) of each reservation."""
        held: list[tuple[Staff | None, Room | None, datetime, datetime]] = [
            (self.practitioner, None, self.procedure_starts_at, self.ends_at)
        ]
        if self.numbing_room is None or self.starts_at == self.procedure_starts_at:
            held.append((None, self.room, self.starts_at, self.ends_at))
        else:
            held.append((None, self.numbing_room, self.starts_at, self.procedure_starts_at))
            held.append((None, self.room, self.procedure_starts_at, self.ends_at))
        return held


def _plan(
    actor: Actor,
    appointment_type: AppointmentType,
    practitioner_id: object,
    room_id: object,
    numbing_room_id: object | None,
    starts_at: datetime,
) -> _Plan:
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if not appointment_type.active:
        raise ValidationError({"type": f"{appointment_type.name} is no longer offered."})
    numbing = timedelta(minutes=appointment_type.numbing_minutes)
    procedure_starts_at = starts_at + numbing
    return _Plan(
        type=appointment_type,
        practitioner=_practitioner(actor, practitioner_id),
        room=_room(actor, room_id, "room"),
        numbing_room=None
        if numbing_room_id in (None, "") or not numbing
        else _room(actor, numbing_room_id, "numbing_room"),
        starts_at=starts_at,
        procedure_starts_at=procedure_starts_at,
        ends_at=procedure_starts_at + timedelta(minutes=appointment_type.minutes),
    )


def _check_hours(actor: Actor, plan: _Plan) -> None:
    """Nothing held in a closure; the procedure within the practitioner's working hours."""
    rooms = [room for _, room, _, _ in plan.holds() if room is not None]
    closed = (
        Closure.objects.filter(
            Q(room__in=rooms)
            | Q(staff=plan.practitioner)
            | Q(room__isnull=True, staff__isnull=True),
            clinic=actor.clinic,
            starts_at__lt=plan.ends_at,
            ends_at__gt=plan.starts_at,
        )
        .select_related("room", "staff__user")
        .first()
    )
    if closed is not None:
        who = closed.room or (closed.staff and closed.staff.user) or "The clinic"
        reason = f" ({closed.reason})" if closed.reason else ""
        state = "away" if closed.staff_id and not closed.room_id else "closed"
        raise ValidationError({"starts_at": f"{who} is {state} then{reason}."})
    procedure = working_spans(actor, plan.practitioner, plan.procedure_starts_at, plan.ends_at)
    if not any(
        span.starts_at <= plan.procedure_starts_at and plan.ends_at <= span.ends_at
        for span in procedure
    ):
        raise ValidationError({"starts_at": f"{plan.practitioner.user} does not work then."})


def _check_free(actor: Actor, plan: _Plan, moving: Appointment | None = None) -> None:
    for staff, room, starts, ends in plan.holds():
        clash = Reservation.objects.meeting(starts, ends).filter(clinic=actor.clinic)
        clash = clash.filter(staff=staff) if staff is not None else clash.filter(room=room)
        if moving is not None:
            clash = clash.exclude(appointment=moving)
        if clash.exists():
            who = f"{staff.user}" if staff is not None else f"{room}"
            raise SlotTaken(f"{who} is already booked at that time; choose another slot.")


def _check_session(
    actor: Actor, session: Session, plan: _Plan, moving: Appointment | None = None
) -> tuple[Notice, ...]:
    if plan.type.kind != AppointmentType.Kind.MICRONEEDLING:
        raise ValidationError({"type": "A course's session is booked as a microneedling session."})
    if session.status != Session.Status.SCHEDULED:
        raise ValidationError({"session": "This session is no longer to be scheduled."})
    live = session.appointments.filter(clinic=actor.clinic, status__in=LIVE_STATUSES)
    if moving is not None:
        live = live.exclude(pk=moving.pk)
    if live.exists():
        raise ValidationError({"session": "This session already has an appointment; move it."})
    previous, following = course_neighbours(actor, session)
    check = check_session_time(
        plan.starts_at, previous, following, course_interval_rule(actor, session.course), actor.zone
    )
    if check.refusal is not None:
        raise ValidationError(
            {"starts_at": f"{check.refusal.text} (sources: {', '.join(check.refusal.sources)})"}
        )
    return check.warnings


def _reserve(actor: Actor, appointment: Appointment, plan: _Plan) -> None:
    """The appointment's reservations; a race lost on PostgreSQL's constraint is SlotTaken."""
    try:
        with transaction.atomic():
            Reservation.objects.bulk_create(
                Reservation(
                    clinic=actor.clinic,
                    appointment=appointment,
                    staff=staff,
                    room=room,
                    starts_at=starts,
                    ends_at=ends,
                )
                for staff, room, starts, ends in plan.holds()
            )
    except IntegrityError:
        raise SlotTaken("Someone else has just booked that time; choose another slot.") from None


def _announce(appointment: Appointment, change: str) -> None:
    # Robust: a receiver that fails (a message that cannot be worded, say) is logged, and the
    # booking already committed is answered as done.
    transaction.on_commit(
        lambda: appointment_changed.send(Appointment, appointment=appointment, change=change),
        robust=True,
    )


def _detail(appointment: Appointment, **extra: Any) -> dict[str, Any]:
    return {
        "appointment": appointment.pk,
        "session": appointment.session_id,
        "starts_at": appointment.starts_at.isoformat(),
        "practitioner": appointment.practitioner_id,
        **extra,
    }


@transaction.atomic
def appointment_book(
    actor: Actor,
    *,
    patient_id: object,
    type_id: object,
    practitioner_id: object,
    room_id: object,
    starts_at: datetime,
    numbing_room_id: object | None = None,
    session_id: object | None = None,
    notes: str = "",
) -> Booking:
    """Book a patient. `actor` is staff, or (once the portal books) the patient themselves:
    the scoping keeps a patient to their own record. A course's session (`session_id`) is
    booked as a microneedling appointment and scheduled at its start."""
    patient = patient_in_scope(actor, patient_id, _booking_right(actor))
    appointment_type = _in_clinic(actor, AppointmentType, type_id, "appointment type", "type")
    plan = _plan(actor, appointment_type, practitioner_id, room_id, numbing_room_id, starts_at)
    session = None
    warnings: tuple[Notice, ...] = ()
    if session_id not in (None, ""):
        session = (
            Session.objects.select_for_update()
            .filter(clinic=actor.clinic, patient=patient, pk=record_key(session_id, "session"))
            .select_related("course")
            .first()
        )
        if session is None:
            raise ValidationError({"session": "No such session of this patient."})
        warnings = _check_session(actor, session, plan)
    _check_hours(actor, plan)
    _check_free(actor, plan)
    try:
        with transaction.atomic():
            appointment = _create(actor, patient, plan, session, notes)
    except IntegrityError:  # the session's one live appointment, written meanwhile
        raise SlotTaken("This session has just been booked by someone else.") from None
    _reserve(actor, appointment, plan)
    if session is not None:
        Session.objects.filter(clinic=actor.clinic, pk=session.pk).update(scheduled_at=starts_at)
    audit_record(
        actor,
        "appointment.book",
        "patient",
        patient.pk,
        detail=_detail(appointment, warnings=[w.code for w in warnings]),
    )
    _announce(appointment, "book")
    return Booking(appointment, warnings)


def _create(
    actor: Actor, patient: Any, plan: _Plan, session: Session | None, notes: str
) -> Appointment:
    return Appointment.objects.create(
        clinic=actor.clinic,
        patient=patient,
        type=plan.type,
        practitioner=plan.practitioner,
        room=plan.room,
        numbing_room=plan.numbing_room,
        session=session,
        starts_at=plan.starts_at,
        procedure_starts_at=plan.procedure_starts_at,
        ends_at=plan.ends_at,
        notes=notes,
        booked_by=actor.user,
    )


def _locked(actor: Actor, appointment_id: object, revision: int | None) -> Appointment:
    appointment = appointment_in_scope(actor, appointment_id, _booking_right(actor))
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("type", "session__course", "practitioner__user", "room")
        .get(clinic=actor.clinic, pk=appointment.pk)
    )
    if revision is not None and revision != appointment.revision:
        raise SlotTaken(
            "This appointment was changed meanwhile; look at it again before changing it."
        )
    return appointment


@transaction.atomic
def appointment_move(
    actor: Actor,
    appointment_id: object,
    *,
    starts_at: datetime,
    practitioner_id: object | None = None,
    room_id: object | None = None,
    numbing_room_id: object | None = None,
    revision: int | None = None,
) -> Booking:
    """Move a booked appointment (and its session) to another time, practitioner or room;
    what is not given stays. `revision`: the one the mover saw, refused if it changed."""
    appointment = _locked(actor, appointment_id, revision)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(
            f"A {appointment.get_status_display().lower()} appointment cannot be moved."
        )
    plan = _plan(
        actor,
        appointment.type,
        practitioner_id or appointment.practitioner_id,
        room_id or appointment.room_id,
        numbing_room_id if numbing_room_id is not None else appointment.numbing_room_id,
        starts_at,
    )
    warnings: tuple[Notice, ...] = ()
    if appointment.session is not None:
        warnings = _check_session(actor, appointment.session, plan, moving=appointment)
    _check_hours(actor, plan)
    _check_free(actor, plan, moving=appointment)
    before = appointment.starts_at
    appointment.reservations.filter(clinic=actor.clinic).delete()
    appointment.practitioner, appointment.room = plan.practitioner, plan.room
    appointment.numbing_room = plan.numbing_room
    appointment.starts_at, appointment.procedure_starts_at = (
        plan.starts_at,
        plan.procedure_starts_at,
    )
    appointment.ends_at = plan.ends_at
    appointment.revision += 1
    appointment.save()
    _reserve(actor, appointment, plan)
    if appointment.session_id is not None:
        Session.objects.filter(clinic=actor.clinic, pk=appointment.session_id).update(
            scheduled_at=plan.starts_at
        )
    audit_record(
        actor,
        "appointment.move",
        "patient",
        appointment.patient_id,
        detail=_detail(
            appointment, moved_from=before.isoformat(), warnings=[w.code for w in warnings]
        ),
    )
    _announce(appointment, "move")
    return Booking(appointment, warnings)


# Which status an appointment may go to from which.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Appointment.Status.BOOKED: (
        Appointment.Status.ARRIVED,
        Appointment.Status.NO_SHOW,
        Appointment.Status.CANCELLED,
    ),
    Appointment.Status.ARRIVED: (
        Appointment.Status.IN_PROGRESS,
        Appointment.Status.NO_SHOW,
        Appointment.Status.CANCELLED,
    ),
    Appointment.Status.IN_PROGRESS: (Appointment.Status.COMPLETED,),
}
RELEASING = (Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW)


@transaction.atomic
def appointment_status(
    actor: Actor,
    appointment_id: object,
    status: str,
    *,
    reason: str = "",
    revision: int | None = None,
) -> Appointment:
    """Arrived, in progress, completed, cancelled or did not attend; a cancelled or missed
    appointment frees its time (its session stays scheduled, to be booked again)."""
    appointment = _locked(actor, appointment_id, revision)
    if status not in NEXT_STATUSES.get(appointment.status, ()):
        allowed = ", ".join(NEXT_STATUSES.get(appointment.status, ())) or "none"
        raise ValidationError(
            {
                "status": f"A {appointment.get_status_display().lower()} appointment cannot "
                f"become {status} (allowed: {allowed})."
            }
        )
    appointment.status = status
    appointment.revision += 1
    appointment.save(update_fields=["status", "revision"])
    if status in RELEASING:
        appointment.reservations.filter(clinic=actor.clinic).update(live=False)
    audit_record(
        actor,
        f"appointment.{status}",
        "patient",
        appointment.patient_id,
        detail=_detail(appointment, reason=reason) if reason else _detail(appointment),
    )
    _announce(appointment, status)
    return appointment


def appointment_cancel(
    actor: Actor, appointment_id: object, *, reason: str = "", revision: int | None = None
) -> Appointment:
    return appointment_status(
        actor, appointment_id, Appointment.Status.CANCELLED, reason=reason, revision=revision
    )


# The clinic's calendar set-up: clinic admins only.


@transaction.atomic
def room_create(actor: Actor, *, name: str, kind: str = Room.Kind.TREATMENT) -> Room:
    actor.require(Permission.SCHEDULE_MANAGE)
    if kind not in Room.Kind.values:
        raise ValidationError({"kind": f"Choose from: {', '.join(Room.Kind.values)}."})
    if Room.objects.filter(clinic=actor.clinic, name=name).exists():
        raise ValidationError({"name": f"The clinic already has a room called {name}."})
    room = Room.objects.create(clinic=actor.clinic, name=name, kind=kind)
    audit_record(actor, "room.create", "room", room.pk, detail={"name": name})
    return room


# What the clinic's set-up can take out of use: (model, its name in the audit trail).
SET_UP: dict[str, tuple[type[Room] | type[AppointmentType], str]] = {
    "room": (Room, "room"),
    "type": (AppointmentType, "appointment_type"),
}


@transaction.atomic
def in_use_set(actor: Actor, what: str, key: object, *, active: bool) -> Room | AppointmentType:
    """Take a room or an appointment type (`what`: "room" or "type") out of use, or back into
    it. Out of use, it is offered for no new booking; appointments already booked keep it."""
    actor.require(Permission.SCHEDULE_MANAGE)
    if what not in SET_UP:
        raise ValidationError({"what": "A room or an appointment type."})
    model, name = SET_UP[what]
    found = _in_clinic(actor, model, key, what, what)
    found.active = active
    found.save(update_fields=["active"])
    audit_record(actor, f"{name}.{'restore' if active else 'retire'}", name, found.pk)
    return found  # type: ignore[no-any-return]


@transaction.atomic
def appointment_type_create(
    actor: Actor, *, kind: str, name: str, minutes: int, numbing_minutes: int | None = None
) -> AppointmentType:
    """A microneedling type reserves the knowledge's numbing time unless given another."""
    actor.require(Permission.SCHEDULE_MANAGE)
    if kind not in AppointmentType.Kind.values:
        raise ValidationError({"kind": f"Choose from: {', '.join(AppointmentType.Kind.values)}."})
    if not 5 <= minutes <= 480:
        raise ValidationError({"minutes": "Between 5 and 480 minutes."})
    times = clinic_knowledge(actor.clinic).appointment_times
    if numbing_minutes is None:
        numbing_minutes = times.numbing_minutes if kind == AppointmentType.Kind.MICRONEEDLING else 0
    if not 0 <= numbing_minutes <= 120:
        raise ValidationError({"numbing_minutes": "Between 0 and 120 minutes."})
    if AppointmentType.objects.filter(clinic=actor.clinic, name=name).exists():
        raise ValidationError({"name": f"The clinic already has a type called {name}."})
    appointment_type = AppointmentType.objects.create(
        clinic=actor.clinic, kind=kind, name=name, minutes=minutes, numbing_minutes=numbing_minutes
    )
    audit_record(actor, "appointment_type.create", "appointment_type", appointment_type.pk)
    return appointment_type


@transaction.atomic
def working_hours_set(
    actor: Actor, staff_id: object, hours: list[tuple[int, time, time]]
) -> list[WorkingHours]:
    """Replace a practitioner's weekly hours: (weekday, starts, ends) stretches, Monday 0."""
    actor.require(Permission.SCHEDULE_MANAGE)
    staff = _practitioner(actor, staff_id)
    for weekday, starts, ends in hours:
        if not 0 <= weekday <= 6 or not starts < ends:
            raise ValidationError({"hours": f"{weekday} {starts}-{ends}: not a stretch of a day."})
    by_day = sorted(hours)
    for (day_a, _, ends_a), (day_b, starts_b, _) in itertools.pairwise(by_day):
        if day_a == day_b and starts_b < ends_a:
            raise ValidationError({"hours": "Two stretches of one day overlap."})
    WorkingHours.objects.filter(clinic=actor.clinic, staff=staff).delete()
    rows = WorkingHours.objects.bulk_create(
        WorkingHours(clinic=actor.clinic, staff=staff, weekday=d, starts=s, ends=e)
        for d, s, e in by_day
    )
    audit_record(actor, "working_hours.set", "staff", staff.pk, detail={"stretches": len(rows)})
    return rows


@transaction.atomic
def closure_create(
    actor: Actor,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    staff_id: object | None = None,
    room_id: object | None = None,
) -> Closure:
    """The clinic (neither staff nor room), a practitioner or a room closed for a time;
    appointments already booked then are left for the front desk to move."""
    actor.require(Permission.SCHEDULE_MANAGE)
    if starts_at.tzinfo is None or ends_at.tzinfo is None or not starts_at < ends_at:
        raise ValidationError({"ends_at": "Give a start and a later end, with their time zone."})
    closure = Closure.objects.create(
        clinic=actor.clinic,
        staff=None if staff_id is None else _practitioner(actor, staff_id),
        room=None if room_id is None else _room(actor, room_id, "room"),
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    audit_record(actor, "closure.create", "closure", closure.pk)
    return closure
