"""Aftercare and treatment calendars as iCalendar files, with reminders (VALARMs).

- `aftercare_calendar`: one session's aftercare, one event per instruction, each reminded
  when it starts.
- `patient_calendar`: a patient's feed: their booked sessions (reminded a day and two hours
  before) and the aftercare of their recent sessions (reminded when each instruction starts
  and, unless its end is never announced, when it ends).
- `staff_calendar`: a staff member's feed of their appointments, without reminders.

DTSTAMP is when the file is made (`stamp`: the caller passes now in). An instruction's
reminders fire at its own start or end (absolute times); one already past when the file is
made is left out, so nothing fires all at once on import. UIDs follow from the session and
the instruction, so a calendar app updates events instead of duplicating them. Times are
written in UTC, which every calendar shows in its owner's own zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from needlepoint.domain.aftercare import Aftercare, AftercareItem

SESSION_REMINDERS = (timedelta(days=1), timedelta(hours=2))
REFRESH = timedelta(hours=1)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Needlepoint//Aftercare//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _alarm(description: str, trigger: timedelta | datetime) -> Alarm:
    """A reminder `trigger` before the event's start, or at a moment of its own."""
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    if isinstance(trigger, datetime):
        alarm.add("trigger", trigger.astimezone(UTC), parameters={"VALUE": "DATE-TIME"})
    else:
        alarm.add("trigger", trigger)
    alarm.add("description", description)
    return alarm


def _event(
    uid: str, stamp: datetime, starts_at: datetime, ends_at: datetime, summary: str
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("summary", summary)
    return event


def _aftercare_event(
    item: AftercareItem, uid: str, stamp: datetime, *, end_reminder: bool = False
) -> Event:
    event = _event(uid, stamp, item.starts_at, item.ends_at, item.title)
    event.add("description", item.text)
    event.add("transp", "TRANSPARENT")  # aftercare does not make the patient busy
    reminders = [(item.starts_at, f"{item.title}: {item.text}")]
    if end_reminder and item.announce_end:
        reminders.append((item.ends_at, f"This aftercare instruction ends now: {item.title}"))
    for moment, description in reminders:
        if moment > stamp:
            event.add_component(_alarm(description, moment))
    return event


def _aftercare_uid(session: str, performed_at: datetime, code: str) -> str:
    prefix = f"{session}-" if session else ""
    return f"{prefix}{performed_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{code}@needlepoint"


def aftercare_calendar(
    aftercare: Aftercare, performed_at: datetime, stamp: datetime, session: str = ""
) -> bytes:
    """`session` (e.g. the session's id) keeps UIDs unique across sessions at the same time."""
    calendar = _calendar("Aftercare")
    for item in aftercare.items:
        uid = _aftercare_uid(session, performed_at, item.code)
        calendar.add_component(_aftercare_event(item, uid, stamp))
    ical: bytes = calendar.to_ical()
    return ical


@dataclass(frozen=True)
class CalendarSession:
    """A booked session as the patient sees it."""

    key: str  # stable and unique, e.g. the session's id
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class CalendarAftercare:
    """A performed session's aftercare; `end_reminders` adds a reminder when each instruction
    ends (except those whose end is never announced; left out while a warning sign is being
    looked at)."""

    key: str
    performed_at: datetime
    aftercare: Aftercare
    end_reminders: bool = True


def _refreshed(calendar: Calendar) -> None:
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)


def _booked(session: CalendarSession, uid: str, stamp: datetime) -> Event:
    event = _event(uid, stamp, session.starts_at, session.ends_at, session.title)
    if session.description:
        event.add("description", session.description)
    if session.location:
        event.add("location", session.location)
    return event


def staff_calendar(name: str, appointments: Sequence[CalendarSession], stamp: datetime) -> bytes:
    calendar = _calendar(name)
    _refreshed(calendar)
    for appointment in appointments:
        calendar.add_component(_booked(appointment, f"{appointment.key}@needlepoint", stamp))
    ical: bytes = calendar.to_ical()
    return ical


def patient_calendar(
    name: str,
    sessions: Sequence[CalendarSession],
    aftercare: Sequence[CalendarAftercare],
    stamp: datetime,
) -> bytes:
    calendar = _calendar(name)
    _refreshed(calendar)
    for session in sessions:
        event = _booked(session, f"session-{session.key}@needlepoint", stamp)
        for before in SESSION_REMINDERS:
            event.add_component(_alarm(session.title, -before))
        calendar.add_component(event)
    for performed in aftercare:
        for item in performed.aftercare.items:
            uid = _aftercare_uid(performed.key, performed.performed_at, item.code)
            calendar.add_component(
                _aftercare_event(item, uid, stamp, end_reminder=performed.end_reminders)
            )
    ical: bytes = calendar.to_ical()
    return ical
