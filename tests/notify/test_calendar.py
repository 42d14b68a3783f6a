"""The iCalendar files parse back (icalendar) with their events and reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from needlepoint.domain.aftercare import aftercare_items
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.notify.calendar import (
    CalendarAftercare,
    CalendarSession,
    aftercare_calendar,
    patient_calendar,
)

NY = ZoneInfo("America/New_York")
PERFORMED = datetime(2025, 3, 7, 15, 0, tzinfo=NY)
NOW = datetime(2025, 3, 8, 9, 0, tzinfo=UTC)


def _triggers(event) -> list[tuple[timedelta, str]]:  # type: ignore[no-untyped-def]
    return [
        (alarm.decoded("TRIGGER"), alarm["TRIGGER"].params.get("RELATED", "START"))
        for alarm in event.walk("VALARM")
    ]


def test_patient_calendar_has_sessions_and_aftercare_with_reminders():
    knowledge = load_knowledge()
    care = aftercare_items(PERFORMED, NY, knowledge)
    booked = CalendarSession(
        "42", PERFORMED + timedelta(days=28), PERFORMED + timedelta(days=28, hours=1), "Session"
    )
    ics = patient_calendar(
        "Demo Clinic: my treatment", [booked], [CalendarAftercare("41", PERFORMED, care)], NOW
    )
    calendar = Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Demo Clinic: my treatment"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 + len(knowledge.aftercare)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(e.decoded("DTSTAMP") == NOW for e in events)
    session = next(e for e in events if str(e["UID"]) == "session-42@needlepoint")
    assert session.decoded("DTSTART") == PERFORMED + timedelta(days=28)
    assert session.decoded("DTSTART").utcoffset() == timedelta(0)  # UTC: no VTIMEZONE needed
    assert b"DTSTART:20250404T190000Z" in ics
    assert _triggers(session) == [(-timedelta(days=1), "START"), (-timedelta(hours=2), "START")]
    makeup = next(e for e in events if str(e["SUMMARY"]) == "No makeup")
    assert makeup.decoded("DTEND") == PERFORMED + timedelta(hours=24)
    assert _triggers(makeup) == [(timedelta(0), "START"), (timedelta(0), "END")]
    # The same calendar again: same UIDs, so calendar apps update rather than duplicate.
    again = Calendar.from_ical(
        patient_calendar("x", [booked], [CalendarAftercare("41", PERFORMED, care)], NOW)
    )
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}


def test_no_end_reminders_while_a_warning_sign_is_looked_at():
    care = aftercare_items(PERFORMED, NY, load_knowledge())
    held = CalendarAftercare("41", PERFORMED, care, end_reminders=False)
    calendar = Calendar.from_ical(patient_calendar("x", [], [held], NOW))
    assert all(_triggers(e) == [(timedelta(0), "START")] for e in calendar.walk("VEVENT"))


def test_session_aftercare_file_is_published_with_one_reminder_per_instruction():
    care = aftercare_items(PERFORMED, NY, load_knowledge())
    calendar = Calendar.from_ical(aftercare_calendar(care, PERFORMED, "41"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert all(len(e.walk("VALARM")) == 1 for e in calendar.walk("VEVENT"))
    assert all(str(e["UID"]).startswith("41-20250307T200000Z-") for e in calendar.walk("VEVENT"))
