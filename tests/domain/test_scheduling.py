"""The calendar's rules: open hours across daylight saving, free starts, the interval check
and the proposals for a course's sessions."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.knowledge import load_knowledge
from needlepoint.domain.knowledge.model.common import Range
from needlepoint.domain.scheduling import (
    Hours,
    IntervalRule,
    Need,
    Span,
    Wanted,
    check_session_time,
    fits,
    free_starts,
    local_day,
    local_moment,
    merge,
    open_spans,
    propose_sessions,
    subtract,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = [Hours(day, time(9), time(12, 30)) for day in range(5)] + [
    Hours(day, time(13, 30), time(17)) for day in range(5)
]
RULE = IntervalRule(2, Range(4, 6), ("seed-003", "harris-2015"))
BASE = datetime(2026, 1, 5, tzinfo=UTC)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return local_moment(day, time(hour, minute), LONDON)


def test_the_appointment_knowledge_has_its_sources() -> None:
    times = load_knowledge().appointment_times
    assert times.numbing_minutes == 30
    assert times.procedure_minutes == Range(30, 60)
    assert "alster-aad-2015" in times.sources


def test_hours_keep_their_wall_clock_across_daylight_saving() -> None:
    # 29 March 2026: the clocks go forward in London; 25 October: back.
    for day in (date(2026, 3, 27), date(2026, 3, 30), date(2026, 10, 23), date(2026, 10, 26)):
        spans = open_spans(day, WEEKDAYS, [], LONDON)
        assert [s.starts_at.astimezone(LONDON).time() for s in spans] == [time(9), time(13, 30)]
    assert local_day(date(2026, 3, 29), LONDON).ends_at - local_day(
        date(2026, 3, 29), LONDON
    ).starts_at == timedelta(hours=23)
    # A skipped time is the moment after the gap.
    assert local_moment(date(2026, 3, 29), time(1, 30), LONDON).astimezone(LONDON).hour == 2


def test_a_closure_and_a_break_leave_no_free_start() -> None:
    day = date(2026, 3, 2)  # a Monday
    closure = Span(_at(day, 9), _at(day, 11))
    open_ = tuple(open_spans(day, WEEKDAYS, [closure], LONDON))
    need = Need(timedelta(), timedelta(minutes=60), busy=(), open=open_)
    starts = free_starts(local_day(day, LONDON), timedelta(minutes=30), [need])
    local = [s.astimezone(LONDON).time() for s in starts]
    assert local[0] == time(11)
    assert time(12) not in local
    assert time(13, 30) in local
    assert local[-1] == time(16)


def test_numbing_holds_the_room_before_the_practitioner() -> None:
    day = date(2026, 3, 2)
    open_ = tuple(open_spans(day, WEEKDAYS, [], LONDON))
    other = Span(_at(day, 9), _at(day, 10))  # the practitioner treats someone else
    numbing = Need(timedelta(), timedelta(minutes=30), busy=())
    procedure = Need(timedelta(minutes=30), timedelta(minutes=45), busy=(other,), open=open_)
    assert fits(_at(day, 9, 30), [numbing, procedure])
    assert not fits(_at(day, 9), [numbing, procedure])


spans = st.builds(
    lambda start, length: Span(
        BASE + timedelta(minutes=start), BASE + timedelta(minutes=start + length)
    ),
    st.integers(0, 600),
    st.integers(1, 180),
)


@given(st.lists(spans, max_size=6), st.lists(spans, max_size=6))
def test_what_is_left_never_meets_what_was_taken(
    given_spans: list[Span], taken: list[Span]
) -> None:
    left = subtract(given_spans, taken)
    assert not any(piece.overlaps(cut) for piece in left for cut in taken)
    assert all(any(whole.covers(piece) for whole in merge(given_spans)) for piece in left)


@given(st.lists(spans, max_size=6), st.integers(5, 120))
def test_a_free_start_is_clear_of_every_booking(busy: list[Span], minutes: int) -> None:
    need = Need(timedelta(), timedelta(minutes=minutes), busy=tuple(busy))
    window = Span(BASE, BASE + timedelta(hours=12))
    for start in free_starts(window, timedelta(minutes=15), [need]):
        held = need.span(start)
        assert window.covers(held)
        assert not any(held.overlaps(b) for b in busy)


def test_closer_than_the_minimum_interval_is_refused_with_its_sources() -> None:
    previous = _at(date(2026, 3, 2), 10)
    check = check_session_time(_at(date(2026, 3, 13), 10), previous, None, RULE, LONDON)
    assert check.refusal is not None
    assert check.refusal.code == "interval_too_short"
    assert check.refusal.sources == RULE.sources
    # Fourteen calendar days across the clock change are two weeks.
    across = check_session_time(
        _at(date(2026, 3, 30), 9), _at(date(2026, 3, 16), 10), None, RULE, LONDON
    )
    assert across.refusal is None
    assert [w.code for w in across.warnings] == ["outside_planned_interval"]


def test_within_the_planned_interval_neither_refuses_nor_warns() -> None:
    previous = _at(date(2026, 3, 2), 10)
    following = _at(date(2026, 4, 27), 10)
    check = check_session_time(_at(date(2026, 3, 30), 10), previous, following, RULE, LONDON)
    assert check == check.__class__(None, ())
    too_close = check_session_time(_at(date(2026, 4, 20), 10), previous, following, RULE, LONDON)
    assert too_close.refusal is not None
    assert "next session" in too_close.refusal.text


def test_proposals_keep_the_plan_and_step_around_a_full_day() -> None:
    first = date(2026, 3, 2)
    planned = [Wanted(str(n), _at(first + timedelta(weeks=4 * n), 10)) for n in range(3)]
    full_day = first + timedelta(weeks=4)

    def free_on(day: date) -> list[datetime]:
        if day == full_day or day.weekday() >= 5:
            return []
        return [_at(day, 9), _at(day, 11), _at(day, 15)]

    proposals = propose_sessions(planned, RULE, LONDON, free_on)
    assert proposals[0].starts_at == _at(first, 11) or proposals[0].starts_at == _at(first, 9)
    second = proposals[1].starts_at
    assert second is not None
    assert second.astimezone(LONDON).date() == full_day + timedelta(days=1)
    for earlier, later in itertools.pairwise(proposals):
        assert earlier.starts_at is not None
        assert later.starts_at is not None
        assert later.starts_at - earlier.starts_at >= timedelta(weeks=RULE.minimum_weeks)


def test_a_booked_session_is_kept_and_one_with_no_slot_is_told() -> None:
    first = date(2026, 3, 2)
    planned = [
        Wanted("1", _at(first, 10), booked=True),
        Wanted("2", _at(first + timedelta(weeks=4), 10)),
    ]
    proposals = propose_sessions(planned, RULE, LONDON, lambda day: [])
    assert [(p.key, p.starts_at) for p in proposals] == [("2", None)]
