"""The calendar's pages: the week view reads a constant number of queries however many
appointments it shows, booking from a free slot (a taken one is told), moving, statuses, the
course's booking page, and the staff calendar feed behind its revocable address."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from needlepoint.safety.models import AuditEvent
from needlepoint.scheduling import services
from needlepoint.scheduling.models import Appointment
from tests.conftest import as_actor, signed_in
from tests.factories import PatientFactory
from tests.scheduling.conftest import MONDAY, WEEK, at, calendar, course

__all__ = ["calendar", "course"]  # the fixtures, shared with the services' tests


def _consultations(front_desk, calendar, practitioner, clinic, count, day_offset=0):  # type: ignore[no-untyped-def]
    """`count` consultations of new patients, every 30 minutes from 9:00 on weekdays."""
    actor = as_actor(front_desk)
    slots = [(day, 9 * 60 + 30 * n) for day in range(5) for n in range(7)]
    for day, minute in slots[day_offset : day_offset + count]:
        services.appointment_book(
            actor,
            patient_id=PatientFactory(clinic=clinic).pk,
            type_id=calendar["consultation"].pk,
            practitioner_id=practitioner.pk,
            room_id=calendar["room"].pk,
            starts_at=at(MONDAY + timedelta(days=day), 9) + timedelta(minutes=minute - 9 * 60),
        )


def _week(client, practitioner):  # type: ignore[no-untyped-def]
    url = f"/calendar/?practitioner={practitioner.pk}&day={MONDAY.isoformat()}"
    events = AuditEvent.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert AuditEvent.objects.count() - events <= 1
    return response, len(captured.captured_queries)


def test_the_week_view_reads_a_constant_number_of_queries(
    calendar, front_desk, practitioner, clinic
):
    client = signed_in(front_desk)
    _consultations(front_desk, calendar, practitioner, clinic, 3)
    small, few = _week(client, practitioner)
    assert small.content.decode().count('class="cal-block') == 3
    _consultations(front_desk, calendar, practitioner, clinic, 12, day_offset=3)
    large, many = _week(client, practitioner)
    assert large.content.decode().count('class="cal-block') == 15
    assert 0 < many <= few, (few, many)
    day = client.get(f"/calendar/?view=day&room=all&day={MONDAY.isoformat()}")
    assert day.content.decode().count('class="cal-block') == 7  # Monday's, in Room 1


def test_a_slot_of_the_week_books_the_patient_and_a_taken_one_is_told(
    calendar, front_desk, practitioner, patient, clinic
):
    client = signed_in(front_desk)
    week = client.get(
        f"/calendar/?practitioner={practitioner.pk}&day={MONDAY.isoformat()}&patient={patient.pk}"
    ).content.decode()
    assert "Book Mon 1 Mar 09:00" in week
    form = {
        "patient": patient.pk,
        "type_id": calendar["consultation"].pk,
        "practitioner_id": practitioner.pk,
        "room_id": calendar["room"].pk,
        "numbing_room_id": "",
        "starts_at": "2027-03-01T09:00",
        "notes": "",
    }
    booked = client.post("/calendar/book/", form)
    assert booked.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == at(MONDAY, 9)
    taken = client.post("/calendar/book/", {**form, "room_id": calendar["room2"].pk})
    assert taken.status_code == 409
    assert "already booked" in taken.content.decode()
    outside = client.post("/calendar/book/", {**form, "starts_at": "2027-03-01T18:00"})
    assert "does not work then" in outside.content.decode()
    assert Appointment.objects.count() == 1
    after = client.get(
        f"/calendar/?practitioner={practitioner.pk}&day={MONDAY.isoformat()}&patient={patient.pk}"
    ).content.decode()
    assert "Book Mon 1 Mar 09:00" not in after
    assert f'href="/appointments/{appointment.pk}/"' in after


def test_the_course_page_books_its_sessions_and_one_is_moved_and_started(
    calendar, course, front_desk, practitioner
):
    client = signed_in(front_desk)
    page = client.get(f"/calendar/courses/{course.pk}/").content.decode()
    assert page.count('type="checkbox" name="session"') == 3
    sessions = list(course.sessions.order_by("number"))
    form = {
        "type_id": calendar["session_type"].pk,
        "practitioner_id": practitioner.pk,
        "room_id": calendar["room"].pk,
        "numbing_room_id": calendar["chair"].pk,
        "session": [s.pk for s in sessions],
        **{
            f"starts_at_{s.pk}": f"{(MONDAY + n * 4 * WEEK).isoformat()}T10:00"
            for n, s in enumerate(sessions)
        },
    }
    response = client.post(f"/calendar/courses/{course.pk}/", form)
    assert response.status_code == 302
    assert Appointment.objects.filter(session__course=course).count() == 3
    second = Appointment.objects.get(session=sessions[1])
    detail = client.get(
        f"/appointments/{second.pk}/?day={(MONDAY + 4 * WEEK + timedelta(days=1)).isoformat()}"
    )
    assert "Move to Tuesday 30 Mar 09:00" in detail.content.decode()
    client.post(
        f"/appointments/{second.pk}/move/", {"starts_at": "2027-03-30T09:00", "revision": 0}
    )
    sessions[1].refresh_from_db()
    assert sessions[1].scheduled_at == at(MONDAY + 4 * WEEK + timedelta(days=1), 9)
    stale = client.post(
        f"/appointments/{second.pk}/move/", {"starts_at": "2027-03-30T14:00", "revision": 0}
    )
    assert stale.status_code == 302
    sessions[1].refresh_from_db()
    assert sessions[1].scheduled_at.astimezone(at(MONDAY, 9).tzinfo).hour == 9
    for status in ("arrived", "in_progress"):
        client.post(f"/appointments/{second.pk}/status/", {"status": status, "revision": 9})
    second.refresh_from_db()
    assert second.status == "booked"  # a stale revision changes nothing
    chart = signed_in(practitioner)
    for revision, status in enumerate(("arrived", "in_progress"), start=1):
        response = chart.post(
            f"/appointments/{second.pk}/status/", {"status": status, "revision": revision}
        )
    assert response["Location"] == f"/sessions/{sessions[1].pk}/"


def test_the_staff_feed_lists_the_practitioners_appointments_until_revoked(
    calendar, course, front_desk, practitioner, patient
):
    services.appointment_book(
        as_actor(front_desk),
        patient_id=patient.pk,
        type_id=calendar["session_type"].pk,
        practitioner_id=practitioner.pk,
        room_id=calendar["room"].pk,
        numbing_room_id=calendar["chair"].pk,
        session_id=course.sessions.get(number=1).pk,
        starts_at=at(MONDAY, 9),
    )
    client = signed_in(practitioner)
    client.post("/calendar/feed/", {"action": "renew"})
    page = client.get("/calendar/feed/").content.decode()
    address = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    path = address.removeprefix("http://testserver")
    feed = Calendar.from_ical(client.get(path).content)
    (event,) = feed.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Microneedling: MT {patient.record_number}"
    assert "Thompson" not in feed.to_ical().decode()
    assert "Numbing chair" in str(event["LOCATION"])
    client.post("/calendar/feed/", {"action": "revoke"})
    assert client.get(path).status_code == 404


def test_a_clinic_admin_sets_up_the_calendar_and_the_front_desk_may_not(
    admin, front_desk, practitioner, clinic
):
    client = signed_in(admin)
    client.post(
        "/calendar/settings/", {"form": "room", "room-name": "Chair", "room-kind": "numbing"}
    )
    client.post(
        "/calendar/settings/",
        {"form": "type", "type-kind": "microneedling", "type-name": "Session", "type-minutes": 45},
    )
    client.post(
        "/calendar/settings/",
        {
            "form": "hours",
            "hours-staff_id": practitioner.pk,
            "hours-hours": "Mon 09:00-12:30\nmon 13:30-17:00",
        },
    )
    refused = client.post(
        "/calendar/settings/",
        {"form": "hours", "hours-staff_id": practitioner.pk, "hours-hours": "Someday 9-5"},
    )
    assert "Not a stretch of a day" in refused.content.decode()
    page = client.get("/calendar/settings/").content.decode()
    assert "Chair" in page
    assert "Session (Microneedling session): 45 min, after 30 min of numbing" in page
    assert "Mon 09:00-12:30<br>Mon 13:30-17:00" in page
    assert signed_in(front_desk).get("/calendar/settings/").status_code == 403
