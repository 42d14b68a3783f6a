"""Aftercare: the timed instructions that follow from a session's time, in the clinic's zone.

Windows count whole days on the clinic's calendar and any hours beyond them as elapsed hours:
a session that ended at 10:30 has its 24-hour and 14-day windows end at 10:30, also when the
clocks change in between (that day has 23 or 25 hours). A window that runs with the course
ends months after the course's last session, at that session's clock time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.aftercare import CLINIC_CONTACT, Window


@dataclass(frozen=True)
class AftercareItem:
    """`announce_end`: False when its end is never announced nor shown to the patient."""

    code: str
    title: str
    text: str
    starts_at: datetime
    ends_at: datetime
    sources: tuple[str, ...]
    announce_end: bool = True


@dataclass(frozen=True)
class Aftercare:
    items: tuple[AftercareItem, ...]


def aftercare_items(
    performed_at: datetime,
    tz: tzinfo | None,
    knowledge: Knowledge,
    *,
    last_session_at: datetime | None = None,
    sunset: datetime | None = None,
    clinic_phone: str = "",
) -> Aftercare:
    """Each instruction's window after `performed_at` (when the session ended), shown in the
    clinic's time zone `tz` (None: in the UTC offset `performed_at` carries).

    - `last_session_at`: the course's last session, performed or booked. A window that runs
      with the course ends months after it (after this session when None or earlier).
    - `sunset`: sunset on the session's day. When the session ended after it, or before the
      morning hour, sun items start no earlier than the next morning. None: the sun did not
      set that day, and nothing moves.
    - `clinic_phone`: how texts tell the patient to reach the clinic.
    """
    for name, moment in (
        ("performed_at", performed_at),
        ("last_session_at", last_session_at),
        ("sunset", sunset),
    ):
        if moment is not None and moment.utcoffset() is None:
            raise InvalidInput(name, "must include a UTC offset")
    end = performed_at.astimezone(tz or performed_at.tzinfo)
    course_end = max(end, last_session_at.astimezone(end.tzinfo)) if last_session_at else end
    morning = _next_morning(end, sunset, knowledge.after_sunset.morning_hour)
    contact = f"the clinic on {clinic_phone.strip()}" if clinic_phone.strip() else "the clinic"
    items = []
    for instruction in knowledge.aftercare:
        starts = _after(end, instruction.window.starts_after_hours)
        ends = _window_end(instruction.window, end, course_end)
        if instruction.sun and morning is not None and starts < morning < ends:
            starts = morning
        items.append(
            AftercareItem(
                code=instruction.code,
                title=instruction.title,
                text=instruction.text.replace(CLINIC_CONTACT, contact),
                starts_at=starts,
                ends_at=ends,
                sources=instruction.sources,
                announce_end=instruction.announce_end,
            )
        )
    return Aftercare(tuple(items))


def _local(moment: datetime) -> datetime:
    """A wall-clock time made real in its zone (a time skipped by a clock change moves on)."""
    return moment.astimezone(UTC).astimezone(moment.tzinfo)


def _after(start: datetime, hours: float) -> datetime:
    """`hours` after `start`: whole days on the calendar of its zone, then elapsed hours."""
    days, rest = divmod(hours, 24)
    day = _local(start + timedelta(days=days))  # aware + timedelta: wall-clock arithmetic
    return (day.astimezone(UTC) + timedelta(hours=rest)).astimezone(start.tzinfo)


def _window_end(window: Window, end: datetime, course_end: datetime) -> datetime:
    if window.ends_months_after_course is not None:
        return _months_after(course_end, window.ends_months_after_course)
    assert window.ends_after_hours is not None  # the loader gives every window one end
    return _after(end, window.ends_after_hours)


def _months_after(moment: datetime, months: int) -> datetime:
    """The same clock time `months` later, on the same day or the month's last one."""
    year, month = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return _local(moment.replace(year=year, month=month, day=day))


def _next_morning(end: datetime, sunset: datetime | None, hour: int) -> datetime | None:
    """The morning sun items wait for when the session ended in the dark, else None."""
    if sunset is None:
        return None
    morning = _local(end.replace(hour=hour, minute=0, second=0, microsecond=0))
    if end < morning:  # after midnight: still the night after the day's sunset
        return morning
    return _after(morning, 24) if end >= sunset else None
