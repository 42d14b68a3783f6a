"""The clinic's calendar: a week of one practitioner or room, a day of every practitioner or
room; booking a patient into a free slot, an appointment's page (its statuses, moving it to
a free slot of another day, the chart of its session), booking a course's sessions at the
proposed slots, and the staff member's calendar feed. Every control is a link or a form
button, so the calendar works by keyboard and by touch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from needlepoint.clinics.records import record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course
from needlepoint.domain.scheduling import Span
from needlepoint.notify import staff_feeds
from needlepoint.patients.selectors import access_patient
from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import Appointment, AppointmentType, Room
from needlepoint.scheduling.selectors import Calendar, Column, Resources
from needlepoint.web.forms.appointments import (
    AppointmentTypeForm,
    BookingForm,
    ClosureForm,
    HoursForm,
    MoveForm,
    ResourcesForm,
    RoomForm,
    StatusForm,
    hours_text,
)
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor

GRID_START, GRID_END = time(7), time(20)  # the hours a day's column shows, clinic time
PX_PER_MINUTE = 1.2
SLOT_MINUTES = 30  # the booking links of an open column, every half hour
STATUS_ACTIONS = {
    "booked": (("arrived", "Arrived"), ("no_show", "Did not attend"), ("cancelled", "Cancel")),
    "arrived": (("in_progress", "Start"), ("no_show", "Did not attend"), ("cancelled", "Cancel")),
    "in_progress": (("completed", "Completed"),),
}


def _day(value: str | None, actor: Actor) -> date:
    parsed = parse_date(value) if value else None
    return parsed or actor.today


def _px(minutes: float) -> str:
    return f"{minutes * PX_PER_MINUTE:.0f}px"


@dataclass(frozen=True)
class Placed:
    """Something drawn in a day's column: from `top`, `height` high."""

    top: str
    height: str
    item: Any = None
    label: str = ""


def _place(day: date, span: Span, actor: Actor) -> tuple[float, float] | None:
    """Minutes from the grid's start and length, clipped to the grid; None outside it."""
    grid = Span(
        datetime.combine(day, GRID_START, tzinfo=actor.zone),
        datetime.combine(day, GRID_END, tzinfo=actor.zone),
    )
    starts, ends = max(span.starts_at, grid.starts_at), min(span.ends_at, grid.ends_at)
    if starts >= ends:
        return None
    return (starts - grid.starts_at).total_seconds() / 60, (ends - starts).total_seconds() / 60


def _slots(day: date, column: Column, actor: Actor, busy: list[Span]) -> list[datetime]:
    """Half-hour starts within the column's open hours that no booking of it meets."""
    step = timedelta(minutes=SLOT_MINUTES)
    starts = []
    for span in column.open:
        start = span.starts_at
        while start + step <= span.ends_at:
            local = start.astimezone(actor.zone)
            slot = Span(start, start + step)
            if GRID_START <= local.time() < GRID_END and not any(slot.overlaps(b) for b in busy):
                starts.append(local)
            start += step
    return starts


def _column(column: Column, actor: Actor, *, bookable: bool) -> dict[str, Any]:
    blocks = []
    for reservation in column.blocks:
        placed = _place(column.day, Span(reservation.starts_at, reservation.ends_at), actor)
        if placed is not None:
            numbing = (
                reservation.room_id is not None
                and reservation.ends_at == reservation.appointment.procedure_starts_at
            )
            blocks.append(
                Placed(_px(placed[0]), _px(placed[1]), reservation, "numbing" if numbing else "")
            )
    opened = [
        Placed(_px(p[0]), _px(p[1]))
        for p in (_place(column.day, span, actor) for span in column.open)
        if p is not None
    ]
    busy = [Span(r.starts_at, r.ends_at) for r in column.blocks]
    slots = [
        Placed(_px(p[0]), _px(SLOT_MINUTES), start)
        for start in (_slots(column.day, column, actor, busy) if bookable else [])
        if (p := _place(column.day, Span(start, start + timedelta(minutes=SLOT_MINUTES)), actor))
    ]
    return {"column": column, "blocks": blocks, "open": opened, "slots": slots}


def _hours() -> list[Placed]:
    rows = []
    hour = GRID_START.hour
    while hour < GRID_END.hour:
        rows.append(Placed(_px((hour - GRID_START.hour) * 60), _px(60), label=f"{hour:02d}:00"))
        hour += 1
    return rows


def _with_day(request: HttpRequest, day: date) -> str:
    query = request.GET.copy()
    query["day"] = day.isoformat()
    return query.urlencode()


@with_actor(Permission.CALENDAR_READ)
def calendar_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """`?view=week` (default) of one practitioner (`practitioner`) or room (`room`), or
    `?view=day` of every practitioner (or every room, `room=all`). With `patient`, the open
    half hours are links to book that patient."""
    view = "day" if request.GET.get("view") == "day" else "week"
    day = _day(request.GET.get("day"), actor)
    room = request.GET.get("room") or None
    practitioner = request.GET.get("practitioner") or None
    staff = selectors.practitioners(actor)
    if view == "week" and room is None and practitioner is None:
        mine = actor.role is Role.PRACTITIONER and any(s.user_id == actor.user.pk for s in staff)
        practitioner = str(actor.user.staff.pk) if mine else (str(staff[0].pk) if staff else None)
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    if view == "day" and room is None:
        practitioner = None
    if view == "week" and room == "all":
        room = None
    calendar: Calendar = selectors.access_calendar(
        actor,
        first,
        7 if view == "week" else 1,
        practitioner_id=practitioner if room is None else None,
        room_id=room,
    )
    patient = None
    if request.GET.get("patient"):
        patient = access_patient(actor, request.GET["patient"])
    bookable = patient is not None and calendar.resource == "practitioner"
    step = timedelta(days=7 if view == "week" else 1)
    context = {
        "view": view,
        "day": day,
        "first": first,
        "calendar": calendar,
        "columns": [_column(c, actor, bookable=bookable) for c in calendar.columns],
        "hours": _hours(),
        "grid_height": _px((GRID_END.hour - GRID_START.hour) * 60),
        "practitioners": staff,
        "rooms": selectors.rooms(actor),
        "chosen_practitioner": practitioner,
        "chosen_room": room,
        "patient": patient,
        "earlier": _with_day(request, first - step),
        "later": _with_day(request, first + step),
        "week_of": {
            str(c.pk): urlencode({"practitioner": str(c.pk), "day": day.isoformat()}) for c in staff
        },
    }
    return render(request, "calendar/calendar.html", context)


def _resources(actor: Actor) -> tuple[list[AppointmentType], list[Any], list[Room]]:
    return (
        selectors.appointment_types(actor),
        selectors.practitioners(actor),
        selectors.rooms(actor),
    )


def _week_url(practitioner_id: object, day: date) -> str:
    query = {"practitioner": str(practitioner_id), "day": day.isoformat()}
    return reverse("calendar") + "?" + urlencode(query)


def _warn(request: HttpRequest, booking: services.Booking) -> None:
    for warning in booking.warnings:
        messages.warning(request, f"{warning.text} (sources: {', '.join(warning.sources)})")


@with_actor(Permission.APPOINTMENT_BOOK)
def appointment_book(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Book the patient named in `patient` (from their page or the calendar's links)."""
    patient = access_patient(actor, request.GET.get("patient") or request.POST.get("patient"))
    types, staff, rooms = _resources(actor)
    initial = {
        "starts_at": request.GET.get("starts_at"),
        "practitioner_id": request.GET.get("practitioner"),
        "type_id": next((t.pk for t in types if t.kind != "microneedling"), None),
    }
    form = BookingForm(types, staff, rooms, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        try:
            booking = submit(
                form, lambda **data: services.appointment_book(actor, patient_id=patient.pk, **data)
            )
        except services.SlotTaken as taken:
            form.add_error("starts_at", str(taken))
            booking, status = None, 409
        if booking is not None:
            appointment = booking.appointment
            _warn(request, booking)
            messages.success(request, f"Booked {patient.full_name}: {_when(actor, appointment)}.")
            return redirect(_week_url(appointment.practitioner_id, _local_day(actor, appointment)))
    context = {"form": form, "patient": patient, "title": f"Book {patient.full_name}"}
    return render(request, "calendar/book.html", context, status=status)


def _refusal(error: services.SlotTaken | ValidationError) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _local_day(actor: Actor, appointment: Appointment) -> date:
    return appointment.starts_at.astimezone(actor.zone).date()


def _when(actor: Actor, appointment: Appointment) -> str:
    return f"{appointment.starts_at.astimezone(actor.zone):%a %d %b %Y %H:%M}"


def _free_slots(actor: Actor, appointment: Appointment, day: date) -> list[datetime]:
    resources = Resources(
        appointment.type, appointment.practitioner, appointment.room, appointment.numbing_room
    )
    slots = selectors.FreeSlots(actor, resources, day, day)
    return [s.astimezone(actor.zone) for s in slots.on(day, ignoring=appointment.pk)]


@with_actor(Permission.CALENDAR_READ)
def appointment_detail(request: HttpRequest, actor: Actor, appointment_id: int) -> HttpResponse:
    """The appointment, its status buttons, and (while booked) the free slots of a day to move
    it to (`?day=`, its own day by default)."""
    appointment = selectors.access_appointment(actor, appointment_id)
    day = (
        _day(request.GET.get("day"), actor)
        if request.GET.get("day")
        else _local_day(actor, appointment)
    )
    movable = appointment.status == Appointment.Status.BOOKED and actor.role is not Role.PATIENT
    context = {
        "appointment": appointment,
        "actions": STATUS_ACTIONS.get(appointment.status, ()),
        "move_day": day,
        "free": _free_slots(actor, appointment, day) if movable else [],
        "movable": movable,
        "move_form": MoveForm(initial={"revision": appointment.revision}),
        "can_chart": actor.role is Role.PRACTITIONER and appointment.session_id is not None,
    }
    return render(request, "calendar/appointment.html", context)


@require_POST
@with_actor(Permission.APPOINTMENT_BOOK)
def appointment_move(request: HttpRequest, actor: Actor, appointment_id: int) -> HttpResponse:
    form = MoveForm(request.POST)
    url = reverse("appointment-detail", args=[appointment_id])
    if not form.is_valid():
        messages.error(request, "Choose a time to move the appointment to.")
        return redirect(url)
    try:
        booking = services.appointment_move(
            actor,
            appointment_id,
            starts_at=form.cleaned_data["starts_at"],
            revision=form.cleaned_data["revision"],
        )
    except (services.SlotTaken, ValidationError) as refused:
        messages.error(request, f"Not moved: {_refusal(refused)}")
        day = form.cleaned_data["starts_at"].date().isoformat()
        return redirect(url + "?" + urlencode({"day": day}))
    _warn(request, booking)
    appointment = booking.appointment
    messages.success(request, f"Moved to {_when(actor, appointment)}.")
    return redirect(_week_url(appointment.practitioner_id, _local_day(actor, appointment)))


@require_POST
@with_actor(Permission.APPOINTMENT_BOOK)
def appointment_status(request: HttpRequest, actor: Actor, appointment_id: int) -> HttpResponse:
    form = StatusForm(request.POST)
    url = reverse("appointment-detail", args=[appointment_id])
    if not form.is_valid():
        messages.error(request, "Choose a status.")
        return redirect(url)
    try:
        appointment = services.appointment_status(actor, appointment_id, **form.cleaned_data)
    except (services.SlotTaken, ValidationError) as refused:
        messages.error(request, _refusal(refused))
        return redirect(url)
    messages.success(request, f"{appointment.get_status_display()}.")
    started = appointment.status == Appointment.Status.IN_PROGRESS and appointment.session_id
    if started and actor.role is Role.PRACTITIONER:
        return redirect("session-detail", session_id=appointment.session_id)
    return redirect(url)


def _course_resources(actor: Actor, data: dict[str, Any]) -> Resources:
    return selectors.resources_in_scope(
        actor,
        data["type_id"],
        data["practitioner_id"],
        data["room_id"],
        data.get("numbing_room_id") or None,
    )


@with_actor(Permission.APPOINTMENT_BOOK)
def course_book(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    """The course's sessions still to be booked, each at its proposed free slot (editable);
    booking writes each checked one, and tells which could not be."""
    types, staff, rooms = _resources(actor)
    sessions_type = next((t for t in types if t.kind == "microneedling"), None)
    if sessions_type is None:
        raise Http404("The clinic has no microneedling appointment type yet.")
    defaults = {
        "type_id": sessions_type.pk,
        "practitioner_id": staff[0].pk if staff else None,
        "room_id": next((r.pk for r in rooms if r.kind == Room.Kind.TREATMENT), None),
        "numbing_room_id": next((r.pk for r in rooms if r.kind == Room.Kind.NUMBING), ""),
    }
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ResourcesForm(types, staff, rooms, data, initial=defaults)
    if data is None:
        form = ResourcesForm(types, staff, rooms, {k: v or "" for k, v in defaults.items()})
    course = selectors.course_for_booking(actor, course_id)
    proposals: list[selectors.SessionProposal] = []
    if form.is_valid():
        resources = _course_resources(actor, form.cleaned_data)
        if request.method == "POST":
            return _book_sessions(request, actor, course, resources)
        proposals = selectors.access_course_proposals(actor, course.pk, resources)
    context = {"form": form, "proposals": proposals, "course": course}
    return render(request, "calendar/course_book.html", context)


def _book_sessions(
    request: HttpRequest, actor: Actor, course: Course, resources: Resources
) -> HttpResponse:
    booked: list[Appointment] = []
    for key in request.POST.getlist("session"):
        session_id = record_key(key, "session")
        starts = request.POST.get(f"starts_at_{session_id}", "")
        try:
            starts_at = datetime.fromisoformat(starts).replace(tzinfo=actor.zone)
        except ValueError:
            messages.error(request, f"Session {session_id}: give a date and time.")
            continue
        try:
            booking = services.appointment_book(
                actor,
                patient_id=course.patient_id,
                type_id=resources.type.pk,
                practitioner_id=resources.practitioner.pk,
                room_id=resources.room.pk,
                numbing_room_id=resources.numbing_room.pk if resources.numbing_room else None,
                session_id=session_id,
                starts_at=starts_at,
            )
        except (services.SlotTaken, ValidationError) as refused:
            messages.error(request, f"Not booked ({starts.replace('T', ' ')}): {_refusal(refused)}")
            continue
        _warn(request, booking)
        booked.append(booking.appointment)
    if not booked:
        return redirect(reverse("course-book", args=[course.pk]) + "?" + request.POST.urlencode())
    messages.success(request, f"Booked {len(booked)} session{'s' if len(booked) != 1 else ''}.")
    return redirect(_week_url(resources.practitioner.pk, _local_day(actor, booked[0])))


@with_actor(Permission.CALENDAR_READ)
def staff_feed(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The signed-in staff member's calendar address: make a new one, or stop it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            staff_feeds.staff_feed_revoke(actor)
            messages.success(request, "Your calendar address no longer works.")
        else:
            staff_feeds.staff_feed_renew(actor)
            messages.success(request, "Your new calendar address is ready; any old one stops.")
        return redirect("staff-feed")
    url = staff_feeds.staff_feed_url(actor, request.build_absolute_uri("/"))
    context = {"feed_url": url, "webcal_url": "webcal" + url[url.index(":") :] if url else None}
    return render(request, "calendar/feed.html", context)


@require_GET
def staff_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's appointments, for calendar apps: the secret token is the only key."""
    response = HttpResponse(
        staff_feeds.access_staff_calendar_by_token(token),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@with_actor(Permission.SCHEDULE_MANAGE)
def calendar_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Rooms, appointment types, practitioners' hours and closures (clinic admins)."""
    staff, rooms = selectors.practitioners(actor), selectors.rooms(actor, retired=True)
    posted = request.POST.get("form") if request.method == "POST" else None
    data = request.POST if posted else None
    forms_ = {
        "room": RoomForm(data if posted == "room" else None, prefix="room"),
        "type": AppointmentTypeForm(data if posted == "type" else None, prefix="type"),
        "hours": HoursForm(staff, data if posted == "hours" else None, prefix="hours"),
        "closure": ClosureForm(
            staff, rooms, data if posted == "closure" else None, prefix="closure"
        ),
    }
    services_: dict[str, Callable[..., object]] = {
        "room": lambda **d: services.room_create(actor, **d),
        "type": lambda **d: services.appointment_type_create(actor, **d),
        "hours": lambda staff_id, hours: services.working_hours_set(actor, staff_id, hours),
        "closure": lambda **d: services.closure_create(actor, **d),
    }
    if posted in forms_ and submit(forms_[posted], services_[posted]) is not None:
        messages.success(request, "Saved.")
        return redirect("calendar-settings")
    setup = selectors.schedule_setup(actor, timezone.now())
    context = {
        "forms": forms_,
        "rooms": rooms,
        "types": selectors.appointment_types(actor, retired=True),
        "practitioners": [(s, hours_text(setup.hours.get(s.pk, []))) for s in staff],
        "closures": setup.closures,
    }
    return render(request, "calendar/settings.html", context)


@require_POST
@with_actor(Permission.SCHEDULE_MANAGE)
def in_use_set(request: HttpRequest, actor: Actor, what: str, **key: int) -> HttpResponse:
    """Take a room or an appointment type out of use, or back into it."""
    active = request.POST.get("active") == "1"
    try:
        found = services.in_use_set(actor, what, *key.values(), active=active)
        messages.success(request, f"{found.name} is {'back in use' if active else 'out of use'}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("calendar-settings")
