"""The demo clinic's calendar: rooms and a numbing chair, the four appointment types, its
practitioners' working hours with a lunch break, the next sessions of the demo courses booked
at their proposed slots, and a week of consultations and reviews. Seeding twice changes
nothing (the calendar is set up once per clinic)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.patients.models import Patient
from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import AppointmentType, Room
from needlepoint.scheduling.selectors import Resources

ROOMS = (
    ("Treatment room 1", "treatment"),
    ("Treatment room 2", "treatment"),
    ("Numbing chair", "numbing"),
    ("Consultation room", "consultation"),
)
TYPES = (
    ("consultation", "Consultation", 30),
    ("microneedling", "Microneedling session", 45),
    ("review", "Review", 20),
    ("photo_follow_up", "Photo follow-up", 15),
)
WEEKDAYS = range(5)
HOURS = ((time(9), time(12, 30)), (time(13, 30), time(17, 30)))
VISITS_PER_DAY = 4  # consultations, reviews and photo follow-ups each weekday


def seed_calendar(clinic: Clinic, admin: Actor) -> None:
    if Room.objects.filter(clinic=clinic).exists():
        return
    rooms = {name: services.room_create(admin, name=name, kind=kind) for name, kind in ROOMS}
    types = {
        kind: services.appointment_type_create(admin, kind=kind, name=name, minutes=minutes)
        for kind, name, minutes in TYPES
    }
    practitioners = selectors.practitioners(admin)
    for staff in practitioners:
        services.working_hours_set(admin, staff.pk, [(d, s, e) for d in WEEKDAYS for s, e in HOURS])
    if not practitioners:
        return
    practitioner = practitioners[0]
    sessions = Resources(
        types["microneedling"], practitioner, rooms["Treatment room 1"], rooms["Numbing chair"]
    )
    _book_courses(admin, sessions)
    _book_visits(admin, types, practitioner, rooms["Consultation room"])


def _book_courses(admin: Actor, resources: Resources) -> None:
    """Each demo course's sessions still to come, at their proposed slots."""
    for course_id in selectors.courses_with_sessions_to_book(admin):
        for proposed in selectors.access_course_proposals(admin, course_id, resources):
            starts_at = proposed.proposal.starts_at
            if starts_at is None or starts_at < timezone.now():
                continue
            services.appointment_book(
                admin,
                patient_id=proposed.session.patient_id,
                type_id=resources.type.pk,
                practitioner_id=resources.practitioner.pk,
                room_id=resources.room.pk,
                numbing_room_id=resources.numbing_room.pk if resources.numbing_room else None,
                session_id=proposed.session.pk,
                starts_at=starts_at,
            )


def _book_visits(
    admin: Actor, types: dict[str, AppointmentType], practitioner: Staff, room: Room
) -> None:
    """A week of short visits from Monday, in free slots, rotating the demo patients."""
    patients = list(Patient.objects.filter(clinic=admin.clinic).order_by("record_number"))
    kinds = ("consultation", "review", "photo_follow_up")
    today = admin.today
    monday = today - timedelta(days=today.weekday())
    number = 0
    for offset in range(5):
        day = monday + timedelta(days=offset)
        for visit in range(VISITS_PER_DAY):
            kind = types[kinds[(offset + visit) % len(kinds)]]
            resources = Resources(kind, practitioner, room)
            free = selectors.FreeSlots(admin, resources, day, day).on(day)
            if not free or not patients:
                continue
            services.appointment_book(
                admin,
                patient_id=patients[number % len(patients)].pk,
                type_id=kind.pk,
                practitioner_id=practitioner.pk,
                room_id=room.pk,
                starts_at=free[len(free) * visit // VISITS_PER_DAY],
            )
            number += 1
