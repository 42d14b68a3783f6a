"""The calendar report: appointments per day and practitioner, utilisation of open hours
(closures taken off) and the no-show rate, in constant queries; its page and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from needlepoint.reports.appointments import access_appointment_report
from needlepoint.scheduling import services
from tests.conftest import as_actor, signed_in
from tests.scheduling.conftest import MONDAY, at

SUNDAY = MONDAY + timedelta(days=6)


def consult(actor, calendar, practitioner, patient, starts_at):  # type: ignore[no-untyped-def]
    return services.appointment_book(
        actor,
        patient_id=patient.pk,
        type_id=calendar["consultation"].pk,
        practitioner_id=practitioner.pk,
        room_id=calendar["room"].pk,
        starts_at=starts_at,
    ).appointment


@pytest.fixture
def week(calendar, admin, practitioner, patient):  # type: ignore[no-untyped-def]
    """Monday: one consultation attended, one missed, one cancelled; Tuesday closed."""
    actor = as_actor(admin)
    attended, missed, cancelled = (
        consult(actor, calendar, practitioner, patient, at(MONDAY, hour)) for hour in (9, 10, 11)
    )
    for status in ("arrived", "in_progress", "completed"):
        services.appointment_status(actor, attended.pk, status)
    services.appointment_status(actor, missed.pk, "no_show")
    services.appointment_cancel(actor, cancelled.pk)
    tuesday = MONDAY + timedelta(days=1)
    services.closure_create(
        actor, starts_at=at(tuesday, 0), ends_at=at(tuesday + timedelta(days=1), 0), reason="Leave"
    )
    return actor


def test_counts_utilisation_and_no_show_rate(week, practitioner):
    report = access_appointment_report(week, MONDAY, SUNDAY)
    monday = report.tallies[(MONDAY, practitioner.pk)]
    assert (monday.appointments, monday.attended, monday.no_shows, monday.cancelled) == (2, 1, 1, 1)
    assert monday.held_minutes == 60  # the cancelled one freed its half hour
    assert monday.open_minutes == 7 * 60
    total = report.practitioner(practitioner)
    assert total.open_minutes == 4 * 7 * 60  # Tuesday closed, the weekend not worked
    assert total.utilisation == pytest.approx(60 / (4 * 7 * 60))
    assert total.no_show_rate == 0.5
    assert report.day(MONDAY + timedelta(days=2)).appointments == 0


def test_the_report_reads_in_constant_queries(week, calendar, practitioner, patient):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            access_appointment_report(week, MONDAY, SUNDAY)
        return len(captured)

    before = queries()
    for day in (3, 4):
        consult(week, calendar, practitioner, patient, at(MONDAY + timedelta(days=day), 14))
    assert queries() == before


def test_page_and_csv_for_clinic_admins_only(week, admin, practitioner, front_desk):
    query = f"?first={MONDAY.isoformat()}&last={SUNDAY.isoformat()}"
    page = signed_in(admin).get(f"/clinic/appointments/{query}")
    assert page.status_code == 200
    assert b'aria-label="Appointments per day"' in page.content
    assert b"50%" in page.content  # the no-show rate
    download = signed_in(admin).get(f"/clinic/appointments.csv{query}")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )
    monday = next(row for row in rows if row["date"] == MONDAY.isoformat())
    assert (monday["appointments"], monday["no_shows"], monday["held_minutes"]) == ("2", "1", "60")
    assert signed_in(front_desk).get("/clinic/appointments/").status_code == 403


def test_a_stretch_too_long_or_backwards_is_refused_with_a_message(admin, calendar):
    client = signed_in(admin)
    backwards = client.get(f"/clinic/appointments/?first={SUNDAY}&last={MONDAY}")
    assert backwards.status_code == 400
    assert b"The last day comes before the first." in backwards.content
    long = client.get(f"/clinic/appointments/?first={MONDAY}&last={MONDAY + timedelta(days=200)}")
    assert b"Choose at most 92 days." in long.content
