"""The calendar's rules: when a practitioner or a room is free, whether a course's session may
be booked at a time, and the slots proposed for a course's sessions.

Times are aware; spans are kept in UTC. Working hours are wall-clock times in the clinic's
zone, so a day's hours read the same on the clock before and after a daylight-saving change;
intervals between sessions are counted in
calendar days in that zone (two weeks is fourteen days even across the change). Moving a
session closer to its neighbour than the knowledge's minimum interval is refused, outside the
planned interval warns: each with the sources of its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from needlepoint.domain.knowledge.model.common import Range

DAY = timedelta(days=1)
SEARCH_DAYS = 7  # how far either side of a session's planned day a proposal looks


@dataclass(frozen=True, order=True)
class Span:
    """From `starts_at` up to (not including) `ends_at`."""

    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: Span) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def covers(self, other: Span) -> bool:
        return self.starts_at <= other.starts_at and other.ends_at <= self.ends_at


@dataclass(frozen=True)
class Hours:
    """One stretch of a weekday's working hours (Monday is 0); a break is the gap between two
    stretches of the same day."""

    weekday: int
    starts: time
    ends: time


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time of a day in a zone, in UTC; a time the clocks skip (02:30 on the night
    they go forward) is read as the moment after the gap. Spans are kept in UTC: Python compares
    and adds times of one zone on the wall clock, which is wrong across a change."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_day(day: date, zone: ZoneInfo) -> Span:
    """A calendar day in a zone: 23 or 25 hours long on the days the clocks change."""
    return Span(local_moment(day, time.min, zone), local_moment(day + DAY, time.min, zone))


def merge(spans: Iterable[Span]) -> list[Span]:
    """The spans in order, overlapping or touching ones joined."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.starts_at <= merged[-1].ends_at:
            last = merged[-1]
            merged[-1] = Span(last.starts_at, max(last.ends_at, span.ends_at))
        else:
            merged.append(span)
    return merged


def subtract(spans: Iterable[Span], taken: Iterable[Span]) -> list[Span]:
    """What is left of `spans` once `taken` is cut out of them."""
    left = merge(spans)
    for cut in merge(taken):
        pieces: list[Span] = []
        for span in left:
            if not span.overlaps(cut):
                pieces.append(span)
                continue
            if span.starts_at < cut.starts_at:
                pieces.append(Span(span.starts_at, cut.starts_at))
            if cut.ends_at < span.ends_at:
                pieces.append(Span(cut.ends_at, span.ends_at))
        left = pieces
    return left


def open_spans(
    day: date, hours: Iterable[Hours], closures: Iterable[Span], zone: ZoneInfo
) -> list[Span]:
    """A day's working hours in the clinic's zone, less the closures (holidays, leave)."""
    worked = [
        Span(local_moment(day, stretch.starts, zone), local_moment(day, stretch.ends, zone))
        for stretch in hours
        if stretch.weekday == day.weekday() and stretch.starts < stretch.ends
    ]
    return subtract(worked, closures)


@dataclass(frozen=True)
class Need:
    """One resource an appointment holds: from `offset` after its start for `length`, within
    `open` (None: at any time the clinic books) and clear of `busy`."""

    offset: timedelta
    length: timedelta
    busy: tuple[Span, ...]
    open: tuple[Span, ...] | None = None

    def span(self, start: datetime) -> Span:
        begins = start + self.offset
        return Span(begins, begins + self.length)


def fits(start: datetime, needs: Iterable[Need]) -> bool:
    """Whether every need is met for an appointment starting at `start`."""
    for need in needs:
        held = need.span(start)
        if need.open is not None and not any(span.covers(held) for span in need.open):
            return False
        if any(held.overlaps(busy) for busy in need.busy):
            return False
    return True


def free_starts(window: Span, step: timedelta, needs: Sequence[Need]) -> list[datetime]:
    """The start times within `window`, `step` apart from its start, at which every need is
    met; the whole appointment lies inside the window."""
    length = max((need.offset + need.length for need in needs), default=timedelta())
    starts: list[datetime] = []
    start = window.starts_at
    while start + length <= window.ends_at:
        if fits(start, needs):
            starts.append(start)
        start += step
    return starts


@dataclass(frozen=True)
class Notice:
    """Why a time is refused or warned about, with the sources of the rule."""

    code: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class IntervalRule:
    """The course's shortest interval (refused below it) and its planned interval (warned
    outside it), in weeks."""

    minimum_weeks: int
    planned_weeks: Range[int]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class IntervalCheck:
    refusal: Notice | None
    warnings: tuple[Notice, ...] = ()


def days_between(earlier: datetime, later: datetime, zone: ZoneInfo) -> int:
    """Calendar days from one time to another, in the clinic's zone."""
    return (later.astimezone(zone).date() - earlier.astimezone(zone).date()).days


def _weeks(days: int) -> str:
    weeks, rest = divmod(days, 7)
    if rest == 0:
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def check_session_time(
    proposed: datetime,
    previous: datetime | None,
    following: datetime | None,
    rule: IntervalRule,
    zone: ZoneInfo,
) -> IntervalCheck:
    """A session's proposed time against the course's sessions either side of it."""
    warnings: list[Notice] = []
    shortest = rule.minimum_weeks * 7
    planned = Range(rule.planned_weeks.min * 7, rule.planned_weeks.max * 7)
    gaps = {
        "previous": None if previous is None else days_between(previous, proposed, zone),
        "next": None if following is None else days_between(proposed, following, zone),
    }
    for side, gap in gaps.items():
        if gap is None:
            continue
        if gap < shortest:
            return IntervalCheck(
                Notice(
                    "interval_too_short",
                    f"Sessions of this course must be at least {_weeks(shortest)} apart: this "
                    f"time is {_weeks(gap)} from the {side} session.",
                    rule.sources,
                )
            )
        if not planned.min <= gap <= planned.max:
            warnings.append(
                Notice(
                    "outside_planned_interval",
                    f"{_weeks(gap)} from the {side} session, outside the planned "
                    f"{rule.planned_weeks.min}-{rule.planned_weeks.max} weeks.",
                    rule.sources,
                )
            )
    return IntervalCheck(None, tuple(warnings))


@dataclass(frozen=True)
class Wanted:
    """A course's session as the proposal sees it: its planned time and, when it already has
    an appointment, that time (`booked`)."""

    key: str
    planned_at: datetime
    booked: bool = False


@dataclass(frozen=True)
class Proposal:
    key: str
    starts_at: datetime | None
    warnings: tuple[Notice, ...] = ()


def propose_sessions(
    sessions: Sequence[Wanted],
    rule: IntervalRule,
    zone: ZoneInfo,
    free_on: Callable[[date], Sequence[datetime]],
) -> list[Proposal]:
    """A free slot for each session not booked yet, in order: on its planned day, else the
    nearest day within a week either side, closest to its planned time of day, never closer to
    the session before it than the minimum interval. `free_on(day)` gives a day's free starts.
    A session with no slot is proposed as None; the sessions after it keep their plan."""
    proposals: list[Proposal] = []
    previous: datetime | None = None
    ordered = sorted(sessions, key=lambda s: s.planned_at)
    for index, session in enumerate(ordered):
        if session.booked:
            previous = session.planned_at
            continue
        following = next((s.planned_at for s in ordered[index + 1 :] if s.booked), None)
        chosen = _nearest_slot(session.planned_at, previous, following, rule, zone, free_on)
        if chosen is None:
            proposals.append(Proposal(session.key, None))
            continue
        check = check_session_time(chosen, previous, following, rule, zone)
        proposals.append(Proposal(session.key, chosen, check.warnings))
        previous = chosen
    return proposals


def _nearest_slot(
    planned_at: datetime,
    previous: datetime | None,
    following: datetime | None,
    rule: IntervalRule,
    zone: ZoneInfo,
    free_on: Callable[[date], Sequence[datetime]],
) -> datetime | None:
    planned_day = planned_at.astimezone(zone).date()
    offsets = [0, *(sign * n for n in range(1, SEARCH_DAYS + 1) for sign in (1, -1))]
    for offset in offsets:
        day = planned_day + timedelta(days=offset)
        candidates = [
            start
            for start in free_on(day)
            if check_session_time(start, previous, following, rule, zone).refusal is None
        ]
        if candidates:
            wanted = planned_at.astimezone(zone).time()
            return min(candidates, key=lambda start: _clock_distance(start, wanted, zone))
    return None


def _clock_distance(start: datetime, wanted: time, zone: ZoneInfo) -> timedelta:
    local = start.astimezone(zone)
    return abs(local.replace(tzinfo=None) - datetime.combine(local.date(), wanted))
