"""The iCalendar files parse back (icalendar) with their events and reminders: DTSTAMP is when
the file is made, each reminder fires at its own instruction's start (or end), and none that
is already past, nor any "ends now" for sunscreen and the warning signs."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from needlepoint.domain.aftercare import Aftercare, aftercare_items
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.notify.calendar import (
    CalendarAftercare,
    CalendarSession,
    aftercare_calendar,
    patient_calendar,
)

NY = ZoneInfo("America/New_York")
PERFORMED = datetime(2025, 3, 7, 15, 0, tzinfo=NY)
MADE = PERFORMED + timedelta(minutes=20)  # the patient downloads it after the session
PHONE = "+1 212 555 0100"


def _care() -> Aftercare:
    return aftercare_items(PERFORMED, NY, load_knowledge(), clinic_phone=PHONE)


def _alarms(event) -> list[tuple[datetime, str]]:  # type: ignore[no-untyped-def]
    """Each reminder's moment (absolute) and text."""
    result = []
    for alarm in event.walk("VALARM"):
        assert alarm["TRIGGER"].params["VALUE"] == "DATE-TIME"
        result.append((alarm.decoded("TRIGGER"), str(alarm["DESCRIPTION"])))
    return result


def test_patient_calendar_has_sessions_and_aftercare_with_reminders():
    care = _care()
    booked = CalendarSession(
        "42", PERFORMED + timedelta(days=28), PERFORMED + timedelta(days=28, hours=1), "Session"
    )
    ics = patient_calendar(
        "Demo Clinic: my treatment", [booked], [CalendarAftercare("41", PERFORMED, care)], MADE
    )
    calendar = Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Demo Clinic: my treatment"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    events = calendar.walk("VEVENT")
    assert len(events) == 1 + len(care.items)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(e.decoded("DTSTAMP") == MADE for e in events)
    session = next(e for e in events if str(e["UID"]) == "session-42@needlepoint")
    assert session.decoded("DTSTART") == PERFORMED + timedelta(days=28)
    assert session.decoded("DTSTART").utcoffset() == timedelta(0)  # UTC: no VTIMEZONE needed
    assert b"DTSTART:20250404T190000Z" in ics
    triggers = [a.decoded("TRIGGER") for a in session.walk("VALARM")]
    assert triggers == [-timedelta(days=1), -timedelta(hours=2)]
    by_title = {str(e["SUMMARY"]): e for e in events}
    # Started before the file was made: only the reminder that it ends.
    makeup = by_title["No makeup"]
    assert makeup.decoded("DTEND") == PERFORMED + timedelta(hours=24)
    assert _alarms(makeup) == [
        (PERFORMED + timedelta(hours=24), "This aftercare instruction ends now: No makeup")
    ]
    # Starting later: reminded at its own start, then at its own end.
    skincare = by_title["Gentle skincare"]
    assert [moment for moment, _ in _alarms(skincare)] == [
        PERFORMED + timedelta(days=1),
        PERFORMED + timedelta(days=7),
    ]
    # Sunscreen and the warning signs: reminded when they start, their end never announced.
    sunscreen = by_title["Sunscreen every day"]
    assert [moment for moment, _ in _alarms(sunscreen)] == [PERFORMED + timedelta(days=1)]
    signs = by_title["When to call the clinic"]
    assert _alarms(signs) == []  # it started with the session, and never "ends now"
    assert PHONE in str(signs["DESCRIPTION"])
    # The same calendar again: same UIDs, so calendar apps update rather than duplicate.
    again = Calendar.from_ical(
        patient_calendar("x", [booked], [CalendarAftercare("41", PERFORMED, care)], MADE)
    )
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}


def test_each_reminder_fires_at_its_own_time_never_all_at_once():
    made_before = PERFORMED - timedelta(minutes=1)  # e.g. printed at the end of the session
    events = Calendar.from_ical(aftercare_calendar(_care(), PERFORMED, made_before, "41"))
    starts = {}
    for event in events.walk("VEVENT"):
        [(moment, text)] = _alarms(event)
        assert moment == event.decoded("DTSTART")
        assert text.startswith(str(event["SUMMARY"]))
        starts[str(event["SUMMARY"])] = moment
    assert starts["Gentle skincare"] == PERFORMED + timedelta(days=1)
    assert starts["No makeup"] == PERFORMED
    assert len(set(starts.values())) > 1


def test_no_end_reminders_while_a_warning_sign_is_looked_at():
    held = CalendarAftercare("41", PERFORMED, _care(), end_reminders=False)
    calendar = Calendar.from_ical(patient_calendar("x", [], [held], MADE))
    for event in calendar.walk("VEVENT"):
        assert all(moment == event.decoded("DTSTART") for moment, _ in _alarms(event))


def test_session_aftercare_file_is_stamped_when_made_with_stable_uids():
    calendar = Calendar.from_ical(aftercare_calendar(_care(), PERFORMED, MADE, "41"))
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert all(e.decoded("DTSTAMP") == MADE for e in events)
    assert all(str(e["UID"]).startswith("41-20250307T200000Z-") for e in events)
    later = Calendar.from_ical(aftercare_calendar(_care(), PERFORMED, MADE + timedelta(days=2)))
    assert all(e.decoded("DTSTAMP") == MADE + timedelta(days=2) for e in later.walk("VEVENT"))
    makeup = next(e for e in later.walk("VEVENT") if str(e["SUMMARY"]) == "No makeup")
    assert makeup.walk("VALARM") == []  # long past when this file was made
