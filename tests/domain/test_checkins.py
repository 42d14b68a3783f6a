"""The check-in schedule after a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.checkins import checkin_due_times
from needlepoint.domain.knowledge import Knowledge

SESSION = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_days_one_two_three_seven_fourteen_then_monthly(knowledge: Knowledge) -> None:
    due = checkin_due_times(SESSION, SESSION + timedelta(weeks=12), knowledge)
    assert [(moment - SESSION).days for moment in due] == [1, 2, 3, 7, 14, 44, 74]


def test_the_next_session_cuts_the_schedule(knowledge: Knowledge) -> None:
    due = checkin_due_times(SESSION, SESSION + timedelta(days=5), knowledge)
    assert [(moment - SESSION).days for moment in due] == [1, 2, 3]


def test_without_an_end_only_the_scheduled_days(knowledge: Knowledge) -> None:
    assert len(checkin_due_times(SESSION, None, knowledge)) == len(knowledge.checkins.days)


@given(st.integers(min_value=0, max_value=400))
def test_due_times_are_increasing_and_before_the_end(knowledge: Knowledge, days: int) -> None:
    until = SESSION + timedelta(days=days)
    due = checkin_due_times(SESSION, until, knowledge)
    assert due == sorted(set(due))
    assert all(SESSION < moment < until for moment in due)
