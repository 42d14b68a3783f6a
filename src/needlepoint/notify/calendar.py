"""Aftercare as an iCalendar file: one event per instruction, each with a reminder.

Deterministic: DTSTAMP and UIDs come from the session's time, never the clock. Times are
written in UTC, which every calendar shows in its owner's own zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from needlepoint.domain.aftercare import Aftercare


def aftercare_calendar(aftercare: Aftercare, performed_at: datetime, session: str = "") -> bytes:
    """`session` (e.g. the session's id) keeps UIDs unique across sessions at the same time."""
    stamp = performed_at.astimezone(UTC)
    prefix = f"{session}-" if session else ""
    calendar = Calendar()
    calendar.add("prodid", "-//Needlepoint//Aftercare//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Aftercare")
    for item in aftercare.items:
        event = Event()
        event.add("uid", f"{prefix}{stamp:%Y%m%dT%H%M%SZ}-{item.code}@needlepoint")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at.astimezone(UTC))
        event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("summary", item.title)
        event.add("description", item.text)
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("trigger", timedelta(0))
        reminder.add("description", f"{item.title}: {item.text}")
        event.add_component(reminder)
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
