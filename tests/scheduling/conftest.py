"""A clinic in London with rooms, appointment types, a practitioner's week and a planned
course, all made through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlepoint.scheduling import services
from tests.clinical_data import planned_course
from tests.conftest import as_actor

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2027, 3, 1)  # four weeks before the clocks go forward (28 March 2027)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def calendar(clinic, admin, practitioner):  # type: ignore[no-untyped-def]
    clinic.time_zone = "Europe/London"
    clinic.save(update_fields=["time_zone"])
    actor = as_actor(admin)
    services.working_hours_set(
        actor,
        practitioner.pk,
        [(d, time(9), time(12, 30)) for d in range(5)]
        + [(d, time(13, 30), time(17)) for d in range(5)],
    )
    return {
        "room": services.room_create(actor, name="Room 1"),
        "room2": services.room_create(actor, name="Room 2"),
        "chair": services.room_create(actor, name="Numbing chair", kind="numbing"),
        "session_type": services.appointment_type_create(
            actor, kind="microneedling", name="Microneedling", minutes=45
        ),
        "consultation": services.appointment_type_create(
            actor, kind="consultation", name="Consultation", minutes=30
        ),
    }


@pytest.fixture
def course(calendar, practitioner, patient):  # type: ignore[no-untyped-def]
    """Three sessions four weeks apart from Monday 1 March 2027, 10:00 in London."""
    return planned_course(as_actor(practitioner), patient.pk, first_session_at=at(MONDAY, 10))


def book_session(actor, calendar, practitioner, session, starts_at, **extra):  # type: ignore[no-untyped-def]
    return services.appointment_book(
        actor,
        patient_id=session.patient_id,
        type_id=calendar["session_type"].pk,
        practitioner_id=practitioner.pk,
        room_id=calendar["room"].pk,
        numbing_room_id=calendar["chair"].pk,
        session_id=session.pk,
        starts_at=starts_at,
        **extra,
    )


WEEK = timedelta(weeks=1)
