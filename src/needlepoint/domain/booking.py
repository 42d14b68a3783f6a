"""Booking in the patient portal: what stops a patient booking, moving or cancelling a session
themselves (and what they are told instead), and the slots they are offered.

A patient does not book themselves while something about their safety is unresolved: an
alert from a check-in still open, an adverse event not recovered from, or a lot used on them
that has since been recalled (the practitioner's open items before a session). Nor when the
re-screening before the booking ("anything changed?") finds a reason to defer treatment or not
to treat. They are told to call the clinic, never that all is well: the practitioner sees the
answers and what is open. Closer to an appointment than the clinic's notice, or further ahead
than its horizon, the portal changes nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from needlepoint.domain.knowledge.model.booking import SelfBooking
from needlepoint.domain.scheduling import IntervalRule, Need, Span, check_session_time, fits
from needlepoint.domain.screening import Verdict

K = TypeVar("K")

BLOCKING_ITEMS = frozenset({"alert", "adverse_event", "recalled_lot"})
STOPPING_VERDICTS = frozenset({Verdict.DEFER, Verdict.NOT_ELIGIBLE})
UNAVAILABLE = "unavailable"
SLOT_GONE = "Someone has just booked that time. Please choose another one."


@dataclass(frozen=True)
class BookingStop:
    """Why the portal books nothing: `message` is what the patient reads, `reasons` (the kinds
    of open item, the verdict) are for the audit trail and the clinic."""

    code: str
    message: str
    reasons: tuple[str, ...] = ()


def open_items_stop(kinds: Iterable[str]) -> BookingStop | None:
    """An open alert or adverse event, or a recalled lot used on the patient, stops it."""
    blocking = tuple(sorted({kind for kind in kinds if kind in BLOCKING_ITEMS}))
    if not blocking:
        return None
    return BookingStop(
        "open_items",
        "Your clinic needs to speak with you before your next session is booked. "
        "Please call the clinic to book it.",
        blocking,
    )


def rescreen_stop(verdict: Verdict) -> BookingStop | None:
    """A re-screening that defers treatment or finds a reason not to treat stops it."""
    if verdict not in STOPPING_VERDICTS:
        return None
    return BookingStop(
        "rescreen",
        "Nothing has been booked. From your answers, your clinic needs to speak with you "
        "before this session. Please call the clinic; they can see your answers.",
        (verdict.value,),
    )


def notice_stop(starts_at: datetime, now: datetime, policy: SelfBooking) -> BookingStop | None:
    """An appointment starting within the clinic's notice is changed by phone only."""
    if starts_at - now >= timedelta(hours=policy.notice_hours):
        return None
    return BookingStop(
        "notice",
        f"Appointments starting within {policy.notice_hours} hours cannot be booked, moved "
        "or cancelled online. Please call the clinic.",
        (f"{policy.notice_hours}h",),
    )


def unavailable_stop() -> BookingStop:
    """No free time within the course's interval, the notice and the horizon."""
    return BookingStop(
        UNAVAILABLE,
        "There is no time free online for this session. Please call the clinic to book it.",
    )


def offer_span(now: datetime, policy: SelfBooking) -> Span:
    """The stretch of time the portal offers starts in: from the notice to the horizon."""
    return Span(
        now + timedelta(hours=policy.notice_hours), now + timedelta(days=policy.horizon_days)
    )


def in_interval_window(
    start: datetime,
    previous: datetime | None,
    following: datetime | None,
    rule: IntervalRule,
    zone: ZoneInfo,
) -> bool:
    """Whether a session at `start` is within its course's planned interval after the session
    before it, and no closer to either neighbour than the minimum: the portal offers no time
    the calendar would refuse or warn about after the previous session. (The next session's
    planned time moves when it is booked.)"""
    if check_session_time(start, previous, following, rule, zone).refusal is not None:
        return False
    return not check_session_time(start, previous, None, rule, zone).warnings


@dataclass(frozen=True)
class Option(Generic[K]):
    """One way of holding a slot (a practitioner, a room, perhaps a numbing chair): `holds`
    names them, `needs` says when each must be free."""

    holds: K
    needs: tuple[Need, ...]


def offered_slots(
    window: Span,
    step: timedelta,
    options: Sequence[Option[K]],
    wanted: Callable[[datetime], bool],
) -> list[tuple[datetime, K]]:
    """Each start in `window`, `step` apart from its start, that `wanted` accepts and that one
    of the options can hold: the first such option, in the order given (the preferred ones
    first)."""
    length = max(
        (need.offset + need.length for option in options for need in option.needs),
        default=timedelta(),
    )
    offered: list[tuple[datetime, K]] = []
    start = window.starts_at
    while options and start + length <= window.ends_at:
        if wanted(start):
            chosen = next((o for o in options if fits(start, o.needs)), None)
            if chosen is not None:
                offered.append((start, chosen.holds))
        start += step
    return offered
