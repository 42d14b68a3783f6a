"""Reads of the calendar, scoped to the actor's clinic: an appointment, a day or week of a
practitioner's or a room's bookings (in a fixed number of queries, however many there are),
free slots, and the slots proposed for a course's sessions. Reads naming patients are
audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course, Session
from needlepoint.domain.knowledge.model.common import Range
from needlepoint.domain.scheduling import (
    Hours,
    IntervalRule,
    Need,
    Proposal,
    Span,
    Wanted,
    free_starts,
    local_day,
    open_spans,
    propose_sessions,
    subtract,
)
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read
from needlepoint.scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentType,
    Closure,
    Reservation,
    Room,
    StaffCalendarFeed,
    WorkingHours,
)

SLOT_STEP = timedelta(minutes=15)
BLOCK_RELATED = (
    "appointment__patient",
    "appointment__type",
    "appointment__practitioner__user",
    "appointment__room",
    "appointment__numbing_room",
    "appointment__session",
)


def appointment_in_scope(
    actor: Actor, appointment_id: object, permission: Permission
) -> Appointment:
    """The appointment if the actor may act on it (a patient: their own), else 404; not
    audited (callers do)."""
    actor.require(permission)
    rows = Appointment.objects.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        rows = rows.filter(patient_id=actor.patient_id)
    found = (
        rows.select_related(
            "patient", "type", "practitioner__user", "room", "numbing_room", "session"
        )
        .filter(pk=record_key(appointment_id, "appointment"))
        .first()
    )
    if found is None:
        raise OutOfScope("appointment", appointment_id)
    return found


def access_appointment(actor: Actor, appointment_id: object) -> Appointment:
    appointment = appointment_in_scope(actor, appointment_id, Permission.CALENDAR_READ)
    audit_read(
        actor,
        "appointment.read",
        "patient",
        appointment.patient_id,
        detail={"appointment": appointment.pk},
    )
    return appointment


def practitioners(actor: Actor) -> list[Staff]:
    actor.require(Permission.CALENDAR_READ)
    return list(
        Staff.objects.filter(clinic=actor.clinic, role=Role.PRACTITIONER.value)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def rooms(actor: Actor, *, retired: bool = False) -> list[Room]:
    """The clinic's rooms in use (and those taken out of use, with `retired`)."""
    actor.require(Permission.CALENDAR_READ)
    found = Room.objects.filter(clinic=actor.clinic)
    return list((found if retired else found.filter(active=True)).order_by("name", "pk"))


def appointment_types(actor: Actor, *, retired: bool = False) -> list[AppointmentType]:
    """The clinic's appointment types in use (and those taken out of use, with `retired`)."""
    actor.require(Permission.CALENDAR_READ)
    found = AppointmentType.objects.filter(clinic=actor.clinic)
    return list((found if retired else found.filter(active=True)).order_by("name", "pk"))


def hours_by_staff(rows: Iterable[WorkingHours]) -> dict[int, list[Hours]]:
    by_staff: dict[int, list[Hours]] = defaultdict(list)
    for row in rows:
        by_staff[row.staff_id].append(Hours(row.weekday, row.starts, row.ends))
    return by_staff


def closures_between(actor: Actor, starts_at: datetime, ends_at: datetime) -> list[Closure]:
    return list(
        Closure.objects.filter(clinic=actor.clinic, starts_at__lt=ends_at, ends_at__gt=starts_at)
    )


def closed_for(
    closures: Iterable[Closure], *, staff_id: int | None = None, room_id: int | None = None
) -> list[Span]:
    """The closures that close a practitioner or a room: their own and the clinic's."""
    return [
        Span(c.starts_at, c.ends_at)
        for c in closures
        if (c.staff_id is None and c.room_id is None)
        or (staff_id is not None and c.staff_id == staff_id)
        or (room_id is not None and c.room_id == room_id)
    ]


def _days(starts_at: datetime, ends_at: datetime, actor: Actor) -> list[date]:
    first = starts_at.astimezone(actor.zone).date() - timedelta(days=1)
    last = ends_at.astimezone(actor.zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def working_spans(actor: Actor, staff: Staff, starts_at: datetime, ends_at: datetime) -> list[Span]:
    """The practitioner's open hours on the days around a time, less closures."""
    hours = hours_by_staff(WorkingHours.objects.filter(clinic=actor.clinic, staff=staff))[staff.pk]
    closed = closed_for(
        closures_between(actor, starts_at - timedelta(days=1), ends_at + timedelta(days=1)),
        staff_id=staff.pk,
    )
    return [
        span
        for day in _days(starts_at, ends_at, actor)
        for span in open_spans(day, hours, closed, actor.zone)
    ]


def course_neighbours(actor: Actor, session: Session) -> tuple[datetime | None, datetime | None]:
    """When the course's sessions before and after this one are (done: when they started)."""
    others = (
        Session.objects.filter(clinic=actor.clinic, course_id=session.course_id)
        .exclude(pk=session.pk)
        .exclude(status=Session.Status.CANCELLED)
        .values_list("number", "started_at", "scheduled_at")
    )
    before = [started or scheduled for n, started, scheduled in others if n < session.number]
    after = [started or scheduled for n, started, scheduled in others if n > session.number]
    return (max(before) if before else None, min(after) if after else None)


def course_interval_rule(actor: Actor, course: Course) -> IntervalRule:
    """The course's shortest interval (its plan's, e.g. the conservative one for darker skin)
    and the interval planned, with their sources (planning.toml)."""
    rules = clinic_knowledge(actor.clinic).course
    minimum = int(course.plan.get("minimum_interval_weeks") or rules.minimum_interval_weeks)
    sources = list(rules.sources)
    if minimum > rules.minimum_interval_weeks:
        sources += [s for s in rules.conservative.sources if s not in sources]
    planned = course.plan.get("interval_weeks") or {}
    low = min(int(planned.get("min", course.interval_weeks)), course.interval_weeks)
    high = max(int(planned.get("max", course.interval_weeks)), course.interval_weeks)
    return IntervalRule(minimum, Range(max(low, minimum), max(high, minimum)), tuple(sources))


@dataclass(frozen=True)
class Column:
    """One day of one practitioner or room: its open hours and the bookings it holds."""

    day: date
    key: int  # the practitioner's (staff) or the room's id
    title: str
    open: list[Span]
    blocks: list[Reservation] = field(default_factory=list)


@dataclass(frozen=True)
class Calendar:
    first_day: date
    columns: list[Column]
    resource: str  # "practitioner" or "room"

    @property
    def appointments(self) -> list[Appointment]:
        return [block.appointment for column in self.columns for block in column.blocks]


def _reservations(actor: Actor, span: Span) -> QuerySet[Reservation]:
    return (
        Reservation.objects.meeting(span.starts_at, span.ends_at)
        .filter(clinic=actor.clinic)
        .select_related(*BLOCK_RELATED)
        .order_by("starts_at", "pk")
    )


def access_calendar(
    actor: Actor,
    first_day: date,
    days: int,
    *,
    practitioner_id: object | None = None,
    room_id: object | None = None,
) -> Calendar:
    """`days` days from `first_day`, a column per day and per practitioner (all of them, or
    the one given), or per room when `room_id` is given ("all" for every room). Five queries,
    however many appointments; audited with the appointments it shows."""
    actor.require(Permission.CALENDAR_READ)
    zone = actor.zone
    span = Span(
        local_day(first_day, zone).starts_at,
        local_day(first_day + timedelta(days=days - 1), zone).ends_at,
    )
    closures = closures_between(actor, span.starts_at, span.ends_at)
    reservations = _reservations(actor, span)
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    columns: dict[tuple[int, date], Column]
    if room_id is not None:
        resource, key_of = "room", "room_id"
        chosen = rooms(actor)
        if room_id != "all":
            chosen = [r for r in chosen if r.pk == record_key(room_id, "room")]
            if not chosen:
                raise OutOfScope("room", room_id)
        reservations = reservations.filter(room__in=chosen)
        columns = {
            (room.pk, day): Column(
                day,
                room.pk,
                room.name,
                subtract([local_day(day, zone)], closed_for(closures, room_id=room.pk)),
            )
            for room in chosen
            for day in day_list
        }
    else:
        resource, key_of = "practitioner", "staff_id"
        staff = practitioners(actor)
        if practitioner_id is not None:
            staff = [s for s in staff if s.pk == record_key(practitioner_id, "practitioner")]
            if not staff:
                raise OutOfScope("practitioner", practitioner_id)
        reservations = reservations.filter(staff__in=staff)
        hours = hours_by_staff(WorkingHours.objects.filter(clinic=actor.clinic, staff__in=staff))
        columns = {
            (member.pk, day): Column(
                day,
                member.pk,
                str(member.user),
                open_spans(day, hours[member.pk], closed_for(closures, staff_id=member.pk), zone),
            )
            for member in staff
            for day in day_list
        }
    for reservation in reservations:
        day = reservation.starts_at.astimezone(zone).date()
        column = columns.get((getattr(reservation, key_of), day))
        if column is not None:
            column.blocks.append(reservation)
    calendar = Calendar(first_day, list(columns.values()), resource)
    audit_read(
        actor,
        "calendar.read",
        "clinic",
        actor.clinic.pk,
        detail={"appointments": sorted({a.pk for a in calendar.appointments})},
    )
    return calendar


@dataclass(frozen=True)
class Resources:
    """What a booking holds: its type, practitioner, room and (optional) numbing chair."""

    type: AppointmentType
    practitioner: Staff
    room: Room
    numbing_room: Room | None = None


def resources_in_scope(
    actor: Actor,
    type_id: object,
    practitioner_id: object,
    room_id: object,
    numbing_room_id: object | None = None,
) -> Resources:
    actor.require(Permission.CALENDAR_READ)

    def one(rows: QuerySet, key: object, what: str):  # type: ignore[no-untyped-def,type-arg]
        found = rows.filter(clinic=actor.clinic, pk=record_key(key, what)).first()
        if found is None:
            raise OutOfScope(what, key)
        return found

    return Resources(
        type=one(AppointmentType.objects.all(), type_id, "appointment type"),
        practitioner=one(
            Staff.objects.filter(role=Role.PRACTITIONER.value).select_related("user"),
            practitioner_id,
            "practitioner",
        ),
        room=one(Room.objects.all(), room_id, "room"),
        numbing_room=None
        if numbing_room_id in (None, "")
        else one(Room.objects.all(), numbing_room_id, "room"),
    )


class FreeSlots:
    """Free starts of one booking's resources over a stretch of days, read in four queries:
    the practitioner's hours, the closures and the live reservations of the resources."""

    def __init__(self, actor: Actor, resources: Resources, first_day: date, last_day: date) -> None:
        self.actor, self.resources = actor, resources
        zone = actor.zone
        span = Span(local_day(first_day, zone).starts_at, local_day(last_day, zone).ends_at)
        staff, room, numbing = resources.practitioner, resources.room, resources.numbing_room
        self.hours = hours_by_staff(WorkingHours.objects.filter(clinic=actor.clinic, staff=staff))[
            staff.pk
        ]
        self.closures = closures_between(actor, span.starts_at, span.ends_at)
        self.held = list(
            Reservation.objects.meeting(span.starts_at, span.ends_at)
            .filter(
                Q(staff=staff) | Q(room__in=[r for r in (room, numbing) if r is not None]),
                clinic=actor.clinic,
            )
            .values_list("staff_id", "room_id", "starts_at", "ends_at", "appointment_id")
        )

    def on(self, day: date, ignoring: int | None = None) -> list[datetime]:
        """The day's free starts (`ignoring` an appointment being moved)."""
        zone, r = self.actor.zone, self.resources
        numbing = timedelta(minutes=r.type.numbing_minutes)
        procedure = timedelta(minutes=r.type.minutes)
        held = [h for h in self.held if h[4] != ignoring]

        def busy(*, staff_id: int | None = None, room_id: int | None = None) -> tuple[Span, ...]:
            mine = [
                Span(s, e)
                for st, rm, s, e, _ in held
                if (staff_id is not None and st == staff_id)
                or (room_id is not None and rm == room_id)
            ]
            return tuple(mine + closed_for(self.closures, staff_id=staff_id, room_id=room_id))

        worked = tuple(
            open_spans(day, self.hours, closed_for(self.closures, staff_id=r.practitioner.pk), zone)
        )
        needs = [Need(numbing, procedure, busy(staff_id=r.practitioner.pk), worked)]
        if r.numbing_room is not None and numbing:
            needs.append(Need(timedelta(), numbing, busy(room_id=r.numbing_room.pk)))
            needs.append(Need(numbing, procedure, busy(room_id=r.room.pk)))
        else:
            needs.append(Need(timedelta(), numbing + procedure, busy(room_id=r.room.pk)))
        return free_starts(local_day(day, zone), SLOT_STEP, needs)


def course_for_booking(actor: Actor, course_id: object) -> Course:
    """A course of the clinic, with its patient, for booking its sessions (the front desk
    books without reading the clinical record); not audited (callers do)."""
    actor.require(Permission.APPOINTMENT_BOOK)
    course = (
        Course.objects.filter(clinic=actor.clinic, pk=record_key(course_id, "course"))
        .select_related("patient")
        .first()
    )
    if course is None:
        raise OutOfScope("course", course_id)
    return course


def _unbooked_sessions(actor: Actor) -> QuerySet[Session]:
    return Session.objects.filter(clinic=actor.clinic, status=Session.Status.SCHEDULED).exclude(
        appointments__status__in=LIVE_STATUSES
    )


def courses_with_sessions_to_book(actor: Actor) -> list[int]:
    """The ids of the clinic's courses with a session still to be booked."""
    actor.require(Permission.APPOINTMENT_BOOK)
    return sorted(set(_unbooked_sessions(actor).values_list("course_id", flat=True)))


@dataclass(frozen=True)
class SessionProposal:
    session: Session
    proposal: Proposal


def access_course_proposals(
    actor: Actor, course_id: object, resources: Resources
) -> list[SessionProposal]:
    """A free slot for each of the course's sessions still to be booked, at the planned
    interval (see `domain.scheduling.propose_sessions`); audited."""
    course = course_for_booking(actor, course_id)
    sessions = list(
        Session.objects.filter(clinic=actor.clinic, course=course)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("number")
    )
    booked = set(
        Appointment.objects.filter(
            clinic=actor.clinic, session__in=sessions, status__in=LIVE_STATUSES
        ).values_list("session_id", flat=True)
    )
    wanted = [
        Wanted(
            str(s.pk),
            s.started_at or s.scheduled_at,
            booked=s.pk in booked or s.status != Session.Status.SCHEDULED,
        )
        for s in sessions
    ]
    zone = actor.zone
    if not sessions:
        return []
    first = min(w.planned_at for w in wanted).astimezone(zone).date() - timedelta(days=7)
    last = max(w.planned_at for w in wanted).astimezone(zone).date() + timedelta(days=7)
    slots = FreeSlots(actor, resources, first, last)
    proposals = propose_sessions(wanted, course_interval_rule(actor, course), zone, slots.on)
    by_key = {str(s.pk): s for s in sessions}
    audit_read(
        actor, "course.proposals", "patient", course.patient_id, detail={"course": course.pk}
    )
    return [SessionProposal(by_key[p.key], p) for p in proposals]


def staff_feed(token_digest: str) -> StaffCalendarFeed | None:
    """The live feed with this token's digest (the feed's address is its only credential)."""
    return (
        StaffCalendarFeed.objects.filter(token_digest=token_digest, revoked_at__isnull=True)
        .select_related("staff__user", "clinic")
        .first()
    )


def feed_appointments(feed: StaffCalendarFeed, since: datetime) -> list[Appointment]:
    return list(
        Appointment.objects.filter(
            clinic=feed.clinic,
            practitioner=feed.staff,
            status__in=LIVE_STATUSES,
            ends_at__gte=since,
        )
        .select_related("patient", "type", "room", "numbing_room")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class PatientAppointments:
    appointments: list[Appointment]
    courses_to_book: list[tuple[Course, int]]  # (course, its sessions without an appointment)


PATIENT_APPOINTMENTS = 20  # the latest shown on a patient's page
COURSES_TO_BOOK = 3  # the latest open courses whose sessions the page offers to book


def access_patient_appointments(actor: Actor, patient_id: object) -> PatientAppointments:
    """A patient's appointments (the latest first) and their courses' sessions still to be
    booked; audited."""
    patient = patient_in_scope(actor, patient_id, Permission.CALENDAR_READ)
    appointments = list(
        Appointment.objects.filter(clinic=actor.clinic, patient=patient)
        .select_related("type", "practitioner__user", "room", "session")
        .order_by("-starts_at", "-pk")[:PATIENT_APPOINTMENTS]
    )
    unbooked = _unbooked_sessions(actor).filter(patient=patient).values_list("course_id", flat=True)
    counts: dict[int, int] = defaultdict(int)
    for course_id in unbooked:
        counts[course_id] += 1
    courses = (
        Course.objects.filter(clinic=actor.clinic, pk__in=list(counts))
        .exclude(status__in=(Course.Status.COMPLETED, Course.Status.STOPPED))
        .order_by("-created_at", "-pk")[:COURSES_TO_BOOK]
    )
    audit_read(actor, "appointment.list", "patient", patient.pk)
    return PatientAppointments(appointments, [(c, counts[c.pk]) for c in courses])


@dataclass(frozen=True)
class Setup:
    """The clinic's calendar set-up, for its admins: each practitioner's weekly stretches
    (weekday, starts, ends) and the closures still to come."""

    hours: dict[int, list[tuple[int, time, time]]]
    closures: list[Closure]


def schedule_setup(actor: Actor, now: datetime) -> Setup:
    actor.require(Permission.SCHEDULE_MANAGE)
    hours: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for row in WorkingHours.objects.filter(clinic=actor.clinic).order_by("weekday", "starts"):
        hours[row.staff_id].append((row.weekday, row.starts, row.ends))
    closures = list(
        Closure.objects.filter(clinic=actor.clinic, ends_at__gt=now)
        .select_related("staff__user", "room")
        .order_by("starts_at", "pk")
    )
    return Setup(dict(hours), closures)
