"""Booking, moving, cancelling and the statuses of appointments, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from needlepoint.clinics.records import OutOfScope
from needlepoint.safety.models import AuditEvent
from needlepoint.scheduling import selectors, services
from needlepoint.scheduling.models import Appointment, Reservation
from needlepoint.scheduling.selectors import Resources
from tests.conftest import as_actor
from tests.scheduling.conftest import LONDON, MONDAY, WEEK, at, book_session


def _session(course, number):  # type: ignore[no-untyped-def]
    return course.sessions.get(number=number)


def test_a_session_booked_holds_chair_room_and_practitioner_and_is_scheduled_at_its_start(
    calendar, course, front_desk, practitioner
):
    session = _session(course, 1)
    booking = book_session(as_actor(front_desk), calendar, practitioner, session, at(MONDAY, 9))
    appointment = booking.appointment
    assert appointment.procedure_starts_at == at(MONDAY, 9, 30)  # the knowledge's 30 minutes
    assert appointment.ends_at == at(MONDAY, 10, 15)
    held = {
        (r.staff_id, r.room_id): (r.starts_at, r.ends_at)
        for r in Reservation.objects.filter(appointment=appointment)
    }
    assert held == {
        (practitioner.pk, None): (at(MONDAY, 9, 30), at(MONDAY, 10, 15)),
        (None, calendar["chair"].pk): (at(MONDAY, 9), at(MONDAY, 9, 30)),
        (None, calendar["room"].pk): (at(MONDAY, 9, 30), at(MONDAY, 10, 15)),
    }
    session.refresh_from_db()
    assert session.scheduled_at == appointment.starts_at
    event = AuditEvent.objects.filter(action="appointment.book").get()
    assert event.object_id == str(session.patient_id)
    assert event.detail["session"] == session.pk


def test_a_double_booked_practitioner_or_room_is_refused_and_nothing_is_written(
    calendar, course, front_desk, practitioner, patient
):
    actor = as_actor(front_desk)
    book_session(actor, calendar, practitioner, _session(course, 1), at(MONDAY, 9))
    # The practitioner is free while the first patient numbs, busy once the procedure starts.
    consult = {
        "patient_id": patient.pk,
        "type_id": calendar["consultation"].pk,
        "practitioner_id": practitioner.pk,
    }
    with pytest.raises(services.SlotTaken, match="Numbing chair"):
        services.appointment_book(
            actor, **consult, room_id=calendar["chair"].pk, starts_at=at(MONDAY, 9)
        )
    services.appointment_book(
        actor, **consult, room_id=calendar["room2"].pk, starts_at=at(MONDAY, 9)
    )
    with pytest.raises(services.SlotTaken, match="already booked"):
        services.appointment_book(
            actor, **consult, room_id=calendar["room2"].pk, starts_at=at(MONDAY, 10)
        )
    assert Appointment.objects.count() == 2
    assert Reservation.objects.count() == 3 + 2


def test_outside_working_hours_or_in_a_closure_is_refused(
    calendar, front_desk, admin, practitioner, patient
):
    actor = as_actor(front_desk)
    consult = {
        "patient_id": patient.pk,
        "type_id": calendar["consultation"].pk,
        "practitioner_id": practitioner.pk,
        "room_id": calendar["room"].pk,
    }
    for starts_at in (at(MONDAY, 12, 15), at(MONDAY, 17), at(MONDAY + timedelta(days=5), 10)):
        with pytest.raises(ValidationError, match="does not work then"):
            services.appointment_book(actor, **consult, starts_at=starts_at)
    services.closure_create(
        as_actor(admin), starts_at=at(MONDAY, 0), ends_at=at(MONDAY, 23), reason="Bank holiday"
    )
    with pytest.raises(ValidationError, match="Bank holiday"):
        services.appointment_book(actor, **consult, starts_at=at(MONDAY, 10))
    assert not Appointment.objects.exists()


def test_moving_a_session_keeps_its_schedule_refuses_below_the_minimum_and_warns_outside_the_plan(
    calendar, course, front_desk, practitioner
):
    actor = as_actor(front_desk)
    first = book_session(actor, calendar, practitioner, _session(course, 1), at(MONDAY, 9))
    second = book_session(
        actor, calendar, practitioner, _session(course, 2), at(MONDAY + 4 * WEEK, 9)
    ).appointment
    assert not first.warnings
    with pytest.raises(ValidationError, match=r"at least 2 weeks apart.*seed-003"):
        services.appointment_move(actor, second.pk, starts_at=at(MONDAY + timedelta(days=10), 9))
    moved = services.appointment_move(actor, second.pk, starts_at=at(MONDAY + 3 * WEEK, 11))
    assert [w.code for w in moved.warnings] == ["outside_planned_interval"]
    session = _session(course, 2)
    assert session.scheduled_at == moved.appointment.starts_at == at(MONDAY + 3 * WEEK, 11)
    assert moved.appointment.revision == 1
    with pytest.raises(services.SlotTaken, match="changed meanwhile"):
        services.appointment_move(actor, second.pk, starts_at=at(MONDAY + 4 * WEEK, 9), revision=0)


def test_cancelling_frees_the_slot_and_the_session_can_be_booked_again(
    calendar, course, front_desk, practitioner
):
    actor = as_actor(front_desk)
    session = _session(course, 1)
    booking = book_session(actor, calendar, practitioner, session, at(MONDAY, 9))
    with pytest.raises(ValidationError, match="already has an appointment"):
        book_session(actor, calendar, practitioner, session, at(MONDAY, 14))
    services.appointment_cancel(actor, booking.appointment.pk, reason="Patient unwell")
    again = book_session(actor, calendar, practitioner, session, at(MONDAY, 9))
    assert again.appointment.status == Appointment.Status.BOOKED
    assert (
        AuditEvent.objects.get(action="appointment.cancelled").detail["reason"] == "Patient unwell"
    )


def test_statuses_follow_the_visit_and_refuse_going_back(
    calendar, course, front_desk, practitioner
):
    actor = as_actor(front_desk)
    appointment = book_session(
        actor, calendar, practitioner, _session(course, 1), at(MONDAY, 9)
    ).appointment
    for status in ("arrived", "in_progress", "completed"):
        appointment = services.appointment_status(actor, appointment.pk, status)
    assert appointment.status == "completed"
    with pytest.raises(ValidationError, match="cannot become booked"):
        services.appointment_status(actor, appointment.pk, "booked")
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.appointment_move(actor, appointment.pk, starts_at=at(MONDAY, 14))


def test_another_clinic_neither_sees_nor_books_into_this_one(
    calendar, course, front_desk, practitioner, other_practitioner, patient
):
    appointment = book_session(
        as_actor(front_desk), calendar, practitioner, _session(course, 1), at(MONDAY, 9)
    ).appointment
    other = as_actor(other_practitioner)
    with pytest.raises(OutOfScope):
        selectors.access_appointment(other, appointment.pk)
    with pytest.raises(OutOfScope):
        services.appointment_move(other, appointment.pk, starts_at=at(MONDAY, 14))
    with pytest.raises(OutOfScope):
        services.appointment_book(
            other,
            patient_id=patient.pk,
            type_id=calendar["consultation"].pk,
            practitioner_id=practitioner.pk,
            room_id=calendar["room"].pk,
            starts_at=at(MONDAY, 14),
        )
    assert selectors.access_calendar(other, MONDAY, 7).appointments == []


def test_the_course_proposals_are_free_slots_at_the_planned_interval(
    calendar, course, front_desk, practitioner, patient
):
    actor = as_actor(front_desk)
    # Someone else holds the practitioner at the first session's planned time.
    services.appointment_book(
        actor,
        patient_id=patient.pk,
        type_id=calendar["consultation"].pk,
        practitioner_id=practitioner.pk,
        room_id=calendar["room2"].pk,
        starts_at=at(MONDAY, 10, 30),
    )
    resources = Resources(
        calendar["session_type"], practitioner, calendar["room"], calendar["chair"]
    )
    proposals = selectors.access_course_proposals(actor, course.pk, resources)
    times = [p.proposal.starts_at for p in proposals]
    assert [p.session.number for p in proposals] == [1, 2, 3]
    assert times[0] is not None
    assert times[0].astimezone(LONDON).date() == MONDAY
    assert times[0] != at(MONDAY, 10)  # its procedure would meet the consultation
    # After the clocks go forward the planned wall-clock time is kept.
    assert times[1] == at(MONDAY + 4 * WEEK, 10)
    assert times[2] == at(MONDAY + 8 * WEEK, 10)
    for proposal in proposals:
        assert proposal.proposal.starts_at is not None
        book_session(actor, calendar, practitioner, proposal.session, proposal.proposal.starts_at)
    assert selectors.access_course_proposals(actor, course.pk, resources) == []


def _overlapping_reservation(appointment, practitioner):  # type: ignore[no-untyped-def]
    return Reservation(
        clinic_id=appointment.clinic_id,
        appointment=appointment,
        staff=practitioner,
        starts_at=appointment.procedure_starts_at + timedelta(minutes=5),
        ends_at=appointment.ends_at + timedelta(minutes=5),
    )


def test_on_postgresql_the_database_refuses_overlapping_reservations(
    calendar, course, front_desk, practitioner
):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint is PostgreSQL's")
    appointment = book_session(
        as_actor(front_desk), calendar, practitioner, _session(course, 1), at(MONDAY, 9)
    ).appointment
    with pytest.raises(IntegrityError, match="reservation_staff_free"), transaction.atomic():
        _overlapping_reservation(appointment, practitioner).save()
    # A cancelled appointment's time is free again, for the database too.
    services.appointment_cancel(as_actor(front_desk), appointment.pk)
    _overlapping_reservation(appointment, practitioner).save()


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_slot_at_once_one_wins_the_other_is_told(
    calendar, course, front_desk, practitioner, patient
):
    """Two threads, each with its own connection, book the same practitioner at once."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is one in-memory connection")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(room_key: str) -> None:
        try:
            barrier.wait()
            services.appointment_book(
                as_actor(front_desk),
                patient_id=patient.pk,
                type_id=calendar["consultation"].pk,
                practitioner_id=practitioner.pk,
                room_id=calendar[room_key].pk,
                starts_at=at(MONDAY, 11),
            )
            outcomes.append("booked")
        except services.SlotTaken as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(key,)) for key in ("room", "room2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 1
    assert any("booked" in outcome and outcome != "booked" for outcome in outcomes)
    assert Appointment.objects.count() == 1
    assert Reservation.objects.count() == 2
