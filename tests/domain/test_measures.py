"""Outcome measures: scoring answers (refusing missing and out-of-range ones by name) and the
timepoints of a course with their windows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.measures import Timepoint
from needlepoint.domain.measures import (
    AnswerInvalid,
    AnswerMissing,
    SessionTimes,
    State,
    course_schedule,
    measure_score,
)

START = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _sessions(done: int, total: int = 3) -> list[SessionTimes]:
    """`total` sessions four weeks apart, the first `done` of them signed an hour after
    their time."""
    return [
        SessionTimes(
            n,
            START + (n - 1) * 28 * DAY,
            START + (n - 1) * 28 * DAY + timedelta(hours=1) if n <= done else None,
        )
        for n in range(1, total + 1)
    ]


@pytest.mark.parametrize(
    ("code", "answers", "score"),
    [
        ("scar_bother", {"scar_bother": 0}, 0),
        ("scar_bother", {"scar_bother": 10}, 10),
        ("gais_patient", {"gais_patient": "very_much_improved"}, 1),
        ("gais_clinician", {"gais_clinician": "worse"}, 5),
        ("satisfaction", {"satisfaction": "satisfied"}, 4),
    ],
)
def test_built_in_measures_score_their_answer(
    knowledge: Knowledge, code: str, answers: dict[str, object], score: float
) -> None:
    assert measure_score(knowledge.measures.measures[code], answers) == score


@pytest.mark.parametrize(
    ("code", "answers", "error", "message"),
    [
        ("scar_bother", {}, AnswerMissing, "answers.scar_bother: answer this question"),
        ("scar_bother", {"scar_bother": ""}, AnswerMissing, "answer this question"),
        ("scar_bother", {"scar_bother": 11}, AnswerInvalid, "whole number from 0 to 10"),
        ("scar_bother", {"scar_bother": -1}, AnswerInvalid, "whole number from 0 to 10"),
        ("scar_bother", {"scar_bother": 2.5}, AnswerInvalid, "whole number"),
        ("scar_bother", {"scar_bother": True}, AnswerInvalid, "whole number"),
        ("gais_patient", {"gais_patient": "great"}, AnswerInvalid, "must be one of: very_much"),
        ("satisfaction", {"other": 1}, AnswerInvalid, "answers.other: is not a question"),
    ],
)
def test_missing_or_out_of_range_answers_are_named_errors(
    knowledge: Knowledge,
    code: str,
    answers: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        measure_score(knowledge.measures.measures[code], answers)


def test_the_gais_is_not_asked_at_baseline(knowledge: Knowledge) -> None:
    measures = knowledge.measures.measures
    assert Timepoint.BASELINE in measures["scar_bother"].timepoints
    for code in ("gais_patient", "gais_clinician"):
        assert Timepoint.BASELINE not in measures[code].timepoints


def _states(
    knowledge: Knowledge,
    done: int,
    now: datetime,
    answered: Collection[tuple[Timepoint, int | None]] = (),
) -> list[tuple[str, int | None, State]]:
    rules = knowledge.measures.timepoints
    return [
        (d.timepoint.value, d.session_number, d.state)
        for d in course_schedule(_sessions(done), rules, now, answered)
    ]


def test_a_course_not_started_has_its_baseline_open_before_the_first_session(
    knowledge: Knowledge,
) -> None:
    assert _states(knowledge, 0, START - 2 * DAY) == [
        ("baseline", None, State.OPEN),
        ("pre_session", 2, State.UPCOMING),
        ("pre_session", 3, State.UPCOMING),
    ]
    assert _states(knowledge, 0, START - 40 * DAY)[0][2] is State.UPCOMING


def test_a_baseline_unanswered_is_missed_once_the_first_session_is_done(
    knowledge: Knowledge,
) -> None:
    states = _states(knowledge, 1, START + 2 * DAY)
    assert states[0] == ("baseline", None, State.MISSED)
    assert _states(knowledge, 1, START + 2 * DAY, {(Timepoint.BASELINE, None)})[0][2] is (
        State.ANSWERED
    )


def test_follow_ups_come_once_every_session_is_done(knowledge: Knowledge) -> None:
    last_end = START + 56 * DAY + timedelta(hours=1)
    assert len(_states(knowledge, 2, START + 60 * DAY)) == 3  # session 3 still to do
    schedule = course_schedule(_sessions(3), knowledge.measures.timepoints, last_end + 91 * DAY)
    three, six = schedule[-2:]
    assert (three.timepoint, three.due, three.state) == (
        Timepoint.FOLLOW_UP_3M,
        last_end + 91 * DAY,
        State.OPEN,
    )
    assert three.opens == three.due - 14 * DAY
    assert three.overdue_after == three.due + 30 * DAY
    assert (six.timepoint, six.due, six.state) == (
        Timepoint.FOLLOW_UP_6M,
        last_end + 182 * DAY,
        State.UPCOMING,
    )
    missed = course_schedule(_sessions(3), knowledge.measures.timepoints, last_end + 125 * DAY)
    assert missed[-2].state is State.MISSED


@given(
    done=st.integers(min_value=0, max_value=3),
    offset_days=st.integers(min_value=-60, max_value=400),
)
def test_windows_are_ordered_and_in_time_order(done: int, offset_days: int) -> None:
    from needlepoint.domain.knowledge import load_knowledge

    rules = load_knowledge().measures.timepoints
    now = START + offset_days * DAY
    schedule = course_schedule(_sessions(done), rules, now)
    assert [d.due for d in schedule] == sorted(d.due for d in schedule)
    for due in schedule:
        assert due.opens <= due.overdue_after
        assert (due.state is State.OPEN) == (due.opens <= now < due.overdue_after)
    assert any(d.timepoint.follow_up for d in schedule) == (done == 3)
