"""Reads of booking in the patient portal: a patient's coming appointments, the session they
may book next and the free slots for it (or to move an appointment to), or what stops them.

What stops it and what the patient is told are `domain.booking`'s rules; what is open for the
patient is `records.open_items`, the practitioner's own list. The slots lie inside the
course's planned interval after the previous session, within the clinic's notice and horizon
(`Knowledge.self_booking`, a clinic's override merged in its settings). The practitioner is
the one of the course's latest appointment (else the one who planned the course) on the days
they work, any practitioner on the other days; the room any free treatment room, the numbing
in a free numbing chair when the type numbs and one is free. A patient reaches only their
own sessions and appointments (anything else is a 404); the `access_*` reads are audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course, Session
from needlepoint.domain import booking as rules
from needlepoint.domain.booking import BookingStop, Option
from needlepoint.domain.knowledge.model.booking import SelfBooking
from needlepoint.domain.scheduling import Need, Span, local_day, open_spans
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.records.open_items import open_items
from needlepoint.safety.audit import audit_read
from needlepoint.scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentType,
    Reservation,
    Room,
    WorkingHours,
)
from needlepoint.scheduling.selectors import (
    SLOT_STEP,
    appointment_in_scope,
    closed_for,
    closures_between,
    course_interval_rule,
    course_neighbours,
    hours_by_staff,
)

BOOKABLE_COURSES = (Course.Status.PLANNED, Course.Status.ACTIVE)


@dataclass(frozen=True)
class Holds:
    """Who and where a slot is booked with."""

    practitioner_id: int
    room_id: int
    numbing_room_id: int | None


@dataclass(frozen=True)
class Offer:
    """The slots a patient may choose for a session (or to move its appointment to), or why
    there are none to choose online."""

    session: Session
    appointment: Appointment | None = None
    stop: BookingStop | None = None
    appointment_type: AppointmentType | None = None
    slots: dict[datetime, Holds] = field(default_factory=dict)

    def days(self, actor: Actor) -> list[tuple[date, list[datetime]]]:
        """The slots by clinic-local day, in order."""
        by_day: dict[date, list[datetime]] = defaultdict(list)
        for start in sorted(self.slots):
            by_day[start.astimezone(actor.zone).date()].append(start)
        return sorted(by_day.items())


@dataclass(frozen=True)
class PortalAppointments:
    """The patient's coming appointments (each marked whether the portal may change it), the
    session they may book next, and what stops them booking online."""

    appointments: list[tuple[Appointment, bool]]
    session_to_book: Session | None
    stop: BookingStop | None
    policy: SelfBooking


def booking_policy(actor: Actor) -> SelfBooking:
    return clinic_knowledge(actor.clinic).self_booking


def patient_actor(actor: Actor) -> None:
    if actor.role is not Role.PATIENT:
        raise PermissionDenied("Online booking is for patients; staff book in the calendar.")
    actor.require(Permission.APPOINTMENT_SELF_BOOK)


def _open_items_stop(actor: Actor) -> BookingStop | None:
    patient = patient_in_scope(actor, actor.patient_id, Permission.APPOINTMENT_SELF_BOOK)
    return rules.open_items_stop(item.kind for item in open_items(actor, patient))


def _sessions(actor: Actor) -> Q:
    return Q(
        clinic=actor.clinic,
        patient_id=actor.patient_id,
        status=Session.Status.SCHEDULED,
        course__status__in=BOOKABLE_COURSES,
    )


def _session_to_book(actor: Actor) -> Session | None:
    """The first session of the patient's courses that has no live appointment."""
    return (
        Session.objects.filter(_sessions(actor))
        .exclude(appointments__status__in=LIVE_STATUSES)
        .select_related("course")
        .order_by("scheduled_at", "number")
        .first()
    )


def _session(actor: Actor, session_id: object) -> Session:
    session = (
        Session.objects.filter(_sessions(actor), pk=record_key(session_id, "session"))
        .select_related("course")
        .first()
    )
    if session is None:
        raise OutOfScope("session", session_id)
    return session


def booked_in_scope(actor: Actor, appointment_id: object) -> Appointment:
    """The patient's own booked appointment of a course's session, else 404."""
    appointment = appointment_in_scope(actor, appointment_id, Permission.APPOINTMENT_SELF_BOOK)
    if appointment.status != Appointment.Status.BOOKED or appointment.session is None:
        raise OutOfScope("appointment", appointment_id)
    return appointment


def access_portal_appointments(actor: Actor, now: datetime | None = None) -> PortalAppointments:
    """The patient's coming appointments and the session to book next; audited."""
    patient_actor(actor)
    now = now or timezone.now()
    policy = booking_policy(actor)
    coming = list(
        Appointment.objects.filter(
            clinic=actor.clinic,
            patient_id=actor.patient_id,
            status=Appointment.Status.BOOKED,
            ends_at__gt=now,
        )
        .select_related("type", "practitioner__user", "session")
        .order_by("starts_at", "pk")
    )
    listed = [
        (a, a.session is not None and rules.notice_stop(a.starts_at, now, policy) is None)
        for a in coming
    ]
    session = _session_to_book(actor)
    stop = _open_items_stop(actor)
    audit_read(
        actor,
        "appointment.portal_list",
        "patient",
        actor.patient_id,
        detail={
            "appointments": [a.pk for a in coming],
            "session_to_book": session.pk if session else None,
            "stop": stop.reasons if stop else None,
        },
    )
    return PortalAppointments(listed, session, stop, policy)


def access_offer(
    actor: Actor,
    *,
    session_id: object | None = None,
    appointment_id: object | None = None,
    now: datetime | None = None,
) -> Offer:
    """The slots for booking a session (`session_id`) or moving its appointment
    (`appointment_id`), unless something stops it; audited."""
    patient_actor(actor)
    offer = booking_offer(actor, session_id, appointment_id, now or timezone.now())
    audit_read(
        actor,
        "appointment.portal_slots",
        "patient",
        actor.patient_id,
        detail={
            "session": offer.session.pk,
            "appointment": offer.appointment.pk if offer.appointment else None,
            "slots": len(offer.slots),
            "stop": offer.stop.reasons if offer.stop else None,
        },
    )
    return offer


def booking_offer(
    actor: Actor, session_id: object | None, appointment_id: object | None, now: datetime
) -> Offer:
    """The offer, not audited (`access_offer` is the door)."""
    moving = None if appointment_id is None else booked_in_scope(actor, appointment_id)
    session = moving.session if moving is not None else _session(actor, session_id)
    assert session is not None
    if moving is None and session.appointments.filter(status__in=LIVE_STATUSES).exists():
        raise OutOfScope("session", session_id)  # booked already: it is moved, not booked
    policy = booking_policy(actor)
    stop = _open_items_stop(actor)
    if stop is None and moving is not None:
        stop = rules.notice_stop(moving.starts_at, now, policy)
    if stop is not None:
        return Offer(session, moving, stop)
    appointment_type = moving.type if moving is not None else _session_type(actor)
    if appointment_type is None:
        return Offer(session, moving, rules.unavailable_stop())
    slots = _free_slots(actor, session, appointment_type, moving, rules.offer_span(now, policy))
    if moving is not None:
        slots.pop(moving.starts_at, None)  # where it is already
    stop = None if slots else rules.unavailable_stop()
    return Offer(session, moving, stop, appointment_type, slots)


def _session_type(actor: Actor) -> AppointmentType | None:
    return (
        AppointmentType.objects.filter(
            clinic=actor.clinic, kind=AppointmentType.Kind.MICRONEEDLING, active=True
        )
        .order_by("name", "pk")
        .first()
    )


def _preferred_practitioner(actor: Actor, session: Session) -> int:
    """The practitioner of the course's latest appointment, else the one who planned it."""
    latest = (
        Appointment.objects.filter(clinic=actor.clinic, session__course_id=session.course_id)
        .exclude(status=Appointment.Status.CANCELLED)
        .order_by("-starts_at")
        .values_list("practitioner_id", flat=True)
        .first()
    )
    return latest if latest is not None else session.course.planned_by_id


def _free_slots(
    actor: Actor,
    session: Session,
    appointment_type: AppointmentType,
    moving: Appointment | None,
    offered: Span,
) -> dict[datetime, Holds]:
    """The starts within `offered` and the course's planned interval, each with the first
    practitioner, room and chair that can hold it. Seven queries, however many days."""
    zone = actor.zone
    previous, following = course_neighbours(actor, session)
    interval = course_interval_rule(actor, session.course)
    staff = list(
        Staff.objects.filter(
            clinic=actor.clinic, role=Role.PRACTITIONER.value, user__is_active=True
        ).order_by("pk")
    )
    preferred = _preferred_practitioner(actor, session)
    staff.sort(key=lambda member: member.pk != preferred)
    hours = hours_by_staff(WorkingHours.objects.filter(clinic=actor.clinic, staff__in=staff))
    rooms = list(Room.objects.filter(clinic=actor.clinic, active=True).order_by("name", "pk"))
    treatment = [r for r in rooms if r.kind == Room.Kind.TREATMENT]
    chairs = [r for r in rooms if r.kind == Room.Kind.NUMBING]
    first_day = offered.starts_at.astimezone(zone).date()
    last_day = offered.ends_at.astimezone(zone).date()
    whole = Span(local_day(first_day, zone).starts_at, local_day(last_day, zone).ends_at)
    closures = closures_between(actor, whole.starts_at, whole.ends_at)
    held = Reservation.objects.filter(
        clinic=actor.clinic, live=True, starts_at__lt=whole.ends_at, ends_at__gt=whole.starts_at
    )
    if moving is not None:
        held = held.exclude(appointment=moving)
    busy: dict[tuple[str, int], list[Span]] = defaultdict(list)
    for staff_id, room_id, starts_at, ends_at in held.values_list(
        "staff_id", "room_id", "starts_at", "ends_at"
    ):
        key = ("staff", staff_id) if staff_id is not None else ("room", room_id)
        busy[key].append(Span(starts_at, ends_at))
    closed = {member.pk: closed_for(closures, staff_id=member.pk) for member in staff}
    for member in staff:
        busy["staff", member.pk] += closed[member.pk]
    for room in rooms:
        busy["room", room.pk] += closed_for(closures, room_id=room.pk)
    numbing = timedelta(minutes=appointment_type.numbing_minutes)
    procedure = timedelta(minutes=appointment_type.minutes)

    def options(day: date) -> list[Option[Holds]]:
        worked = {
            member.pk: tuple(open_spans(day, hours[member.pk], closed[member.pk], zone))
            for member in staff
        }
        working = [m for m in staff if worked[m.pk]]
        if working and working[0].pk == preferred:
            working = working[:1]
        found: list[Option[Holds]] = []
        for member in working:
            treats = Need(numbing, procedure, tuple(busy["staff", member.pk]), worked[member.pk])
            for room in treatment:
                for chair in (*chairs, None) if numbing else (None,):
                    needs: tuple[Need, ...]
                    if chair is None:
                        needs = (treats, Need(timedelta(), numbing + procedure, _of(busy, room)))
                    else:
                        needs = (
                            treats,
                            Need(timedelta(), numbing, _of(busy, chair)),
                            Need(numbing, procedure, _of(busy, room)),
                        )
                    holds = Holds(member.pk, room.pk, chair.pk if chair else None)
                    found.append(Option(holds, needs))
        return found

    def wanted(start: datetime) -> bool:
        return offered.starts_at <= start <= offered.ends_at and rules.in_interval_window(
            start, previous, following, interval, zone
        )

    slots: dict[datetime, Holds] = {}
    day = first_day
    while day <= last_day:
        slots.update(rules.offered_slots(local_day(day, zone), SLOT_STEP, options(day), wanted))
        day += timedelta(days=1)
    return slots


def _of(busy: dict[tuple[str, int], list[Span]], room: Room) -> tuple[Span, ...]:
    return tuple(busy["room", room.pk])
