"""A patient booking, moving and cancelling their own session in the portal, on SQLite and
PostgreSQL: the interval window, the notice, the re-screening, what blocks it, the slot taken
meanwhile, and another patient's appointment."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from needlepoint.clinics.knowledge import OVERRIDES_KEY
from needlepoint.clinics.records import OutOfScope
from needlepoint.domain.scheduling import days_between
from needlepoint.intakes.answers import intake_from_json
from needlepoint.intakes.models import Intake
from needlepoint.records.self_booking import selectors as booking_selectors
from needlepoint.records.self_booking import services as booking_services
from needlepoint.safety import services as safety_services
from needlepoint.safety.models import AuditEvent
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment
from tests.clinical_data import planned_course, treated_session
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory, UserFactory
from tests.intake_answers import CLEAR
from tests.scheduling.conftest import MONDAY, WEEK, at


def _treated(practitioner, patient, days_ago=1):  # type: ignore[no-untyped-def]
    """The patient's first session, treated `days_ago`; the second is theirs to book."""
    first = treated_session(as_actor(practitioner), patient.pk, hours_ago=24 * days_ago - 4)
    return first, first.course.sessions.get(number=2)


def _answers(patient, **changes):  # type: ignore[no-untyped-def]
    return intake_from_json(as_actor(patient), {**CLEAR, **changes})


def test_a_patient_books_their_next_session_inside_the_interval_and_the_notice(
    portal_calendar, practitioner, portal_patient
):
    first, second = _treated(practitioner, portal_patient)
    actor = as_actor(portal_patient)
    listing = booking_selectors.access_portal_appointments(actor)
    assert listing.session_to_book == second
    assert listing.stop is None
    offer = booking_selectors.access_offer(actor, session_id=second.pk)
    assert offer.stop is None
    assert offer.slots
    gaps = {days_between(first.started_at, start, actor.zone) for start in offer.slots}
    assert min(gaps) == 28
    assert max(gaps) == 42  # the planned 4-6 weeks
    assert min(offer.slots) >= timezone.now() + timedelta(hours=24)

    start = min(offer.slots)
    booked = booking_services.self_book(actor, second.pk, start, _answers(portal_patient))
    appointment = booked.appointment
    assert appointment is not None
    assert booked.stop is None
    assert (appointment.starts_at, appointment.practitioner_id) == (start, practitioner.pk)
    assert appointment.numbing_room_id == portal_calendar["chair"].pk
    assert appointment.booked_by == portal_patient.user
    second.refresh_from_db()
    assert second.scheduled_at == start
    assert Intake.objects.filter(patient=portal_patient).latest("version").context == (
        Intake.Context.PRE_SESSION
    )
    actions = set(
        AuditEvent.objects.filter(object_id=str(portal_patient.pk)).values_list("action", flat=True)
    )
    assert {"appointment.portal_list", "appointment.portal_slots", "appointment.book"} <= actions
    assert start not in booking_selectors.access_offer(actor, appointment_id=appointment.pk).slots


def test_a_deferring_answer_books_nothing_and_keeps_the_answers(
    portal_calendar, practitioner, portal_patient
):
    _, second = _treated(practitioner, portal_patient)
    actor = as_actor(portal_patient)
    start = min(booking_selectors.access_offer(actor, session_id=second.pk).slots)
    answers = _answers(portal_patient, active_infection_in_area=True)
    result = booking_services.self_book(actor, second.pk, start, answers)
    assert result.appointment is None
    assert result.stop is not None
    assert result.stop.reasons == ("defer",)
    assert "call the clinic" in result.stop.message
    assert not Appointment.objects.exists()
    latest = Intake.objects.filter(patient=portal_patient).latest("version")
    assert latest.screening.verdict == "defer"
    stopped = AuditEvent.objects.get(action="appointment.portal_stopped")
    assert stopped.detail["screening"] == latest.screening.pk
    # The practitioner's day shows it until a practitioner decides or the patient is re-screened.
    dashboard = signed_in(practitioner).get("/dashboard/").content.decode()
    assert f"Blocked screening: {portal_patient.full_name}" in dashboard
    booking_services.self_book(actor, second.pk, start, _answers(portal_patient))
    dashboard = signed_in(practitioner).get("/dashboard/").content.decode()
    assert f"Blocked screening: {portal_patient.full_name}" not in dashboard


def test_a_recalled_lot_used_on_the_patient_stops_online_booking(
    portal_calendar, practitioner, portal_patient
):
    first, second = _treated(practitioner, portal_patient)
    safety_services.lot_recall(as_actor(practitioner), first.cartridge_lot_id, "Sterility breach")
    actor = as_actor(portal_patient)
    offer = booking_selectors.access_offer(actor, session_id=second.pk)
    assert offer.stop is not None
    assert offer.stop.reasons == ("recalled_lot",)
    assert not offer.slots
    assert booking_selectors.access_portal_appointments(actor).stop == offer.stop
    result = booking_services.self_book(
        actor, second.pk, second.scheduled_at, _answers(portal_patient)
    )
    assert result.stop == offer.stop
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_is_refused_and_fresh_slots_leave_it_out(
    portal_calendar, clinic, practitioner, portal_patient
):
    _, second = _treated(practitioner, portal_patient)
    other = PatientFactory(clinic=clinic, user=UserFactory(email="other@example.test"))
    _, others_second = _treated(practitioner, other)
    actor, other_actor = as_actor(portal_patient), as_actor(other)
    start = min(booking_selectors.access_offer(actor, session_id=second.pk).slots)
    booking_services.self_book(other_actor, others_second.pk, start, _answers(other))

    with pytest.raises(services.SlotTaken, match="just booked"):
        booking_services.self_book(actor, second.pk, start, _answers(portal_patient))
    assert start not in booking_selectors.access_offer(actor, session_id=second.pk).slots
    assert Appointment.objects.get().patient == other


def test_moving_and_cancelling_keep_to_the_notice_and_to_the_patients_own(
    portal_calendar, clinic, practitioner, portal_patient
):
    _, second = _treated(practitioner, portal_patient, days_ago=20)  # to book in 8-22 days
    actor = as_actor(portal_patient)
    slots = sorted(booking_selectors.access_offer(actor, session_id=second.pk).slots)
    appointment = booking_services.self_book(actor, second.pk, slots[0], _answers(portal_patient))
    assert appointment.appointment is not None
    mine = appointment.appointment

    other = PatientFactory(clinic=clinic, user=UserFactory(email="other@example.test"))
    with pytest.raises(OutOfScope):
        booking_selectors.access_offer(as_actor(other), appointment_id=mine.pk)
    with pytest.raises(OutOfScope):
        booking_services.self_cancel(as_actor(other), mine.pk, mine.revision)
    pages = signed_in(other)
    assert pages.get(f"/portal/appointments/{mine.pk}/move/").status_code == 404
    cancel = f"/portal/appointments/{mine.pk}/cancel/"
    assert pages.post(cancel, {"revision": mine.revision}).status_code == 404
    tampered = signed_in(portal_patient).post(cancel, {"revision": "not-a-number"})
    assert tampered.status_code == 302  # told the appointment changed, not a server error
    mine.refresh_from_db()
    assert mine.status == "booked"

    moved = booking_services.self_move(actor, mine.pk, slots[4], _answers(portal_patient), 0)
    assert moved.appointment is not None
    assert moved.appointment.starts_at == slots[4]

    clinic.settings = {**clinic.settings, OVERRIDES_KEY: {"self_booking": {"notice_hours": 336}}}
    clinic.save(update_fields=["settings"])
    actor = as_actor(portal_patient)
    stop = booking_services.self_cancel(actor, mine.pk, moved.appointment.revision)
    assert stop is not None
    assert "336 hours" in stop.message
    clinic.settings = {}
    clinic.save(update_fields=["settings"])
    assert booking_services.self_cancel(as_actor(portal_patient), mine.pk, 1) is None
    mine.refresh_from_db()
    assert mine.status == Appointment.Status.CANCELLED


def test_the_calendars_api_refuses_a_patient_who_books_only_in_the_portal(
    portal_calendar, practitioner, portal_patient
):
    _, second = _treated(practitioner, portal_patient)
    body = {
        "patient_id": str(portal_patient.pk),
        "type_id": portal_calendar["type"].pk,
        "practitioner_id": practitioner.pk,
        "room_id": portal_calendar["room"].pk,
        "session_id": second.pk,
        "starts_at": second.scheduled_at.isoformat(),
    }
    response = signed_in(portal_patient).post(
        "/api/v1/appointments", body, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Appointment.objects.exists()


def test_times_are_offered_on_the_clinics_clock_across_the_change_to_summer_time(
    portal_calendar, clinic, practitioner, portal_patient
):
    clinic.time_zone = "Europe/London"
    clinic.save(update_fields=["time_zone"])
    course = planned_course(as_actor(practitioner), portal_patient.pk, at(MONDAY, 10))
    second = course.sessions.get(number=2)
    actor = as_actor(portal_patient)
    offer = booking_selectors.access_offer(actor, session_id=second.pk, now=at(MONDAY, 11))
    days = dict(offer.days(actor))
    # Four weeks after 1 March is the Monday after the clocks went forward (28 March 2027).
    first_day, last_day = min(days), max(days)
    assert (first_day, last_day) == (MONDAY + 4 * WEEK, MONDAY + 6 * WEEK)
    # Numbing in the chair from 8:30 BST (7:30 UTC), the procedure when the practitioner starts.
    assert days[first_day][0] == at(first_day, 8, 30)
    assert days[first_day][0].astimezone(UTC).hour == 7
