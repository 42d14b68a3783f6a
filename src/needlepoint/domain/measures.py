"""Outcome measures: scoring a response, and the timepoints of a course at which they are
asked. Pure: the sessions' times and `now` in, decisions out, each with its sources.

A response is the answers of one respondent to one measure at one timepoint of a course. Its
score is the sum of the items' values (an option's ordinal value, or the number given), read
through the instrument's own table when it has one. Answers that are missing or out of range
are refused with an error naming the item; nothing is guessed.

The schedule (`course_schedule`): a baseline before the first session, a pre-session
timepoint before each later session and follow-ups 3 and 6 months after the last session
done (once no session is left to do). Each has a window: it opens, it is due, and it is
missed when still unanswered after `overdue_after`. A window before a session also closes
once that session is done.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.measures import (
    Better,
    Item,
    Measure,
    Respondent,
    Timepoint,
    TimepointRule,
)
from needlepoint.domain.parsing import field_path

__all__ = [
    "AnswerInvalid",
    "AnswerMissing",
    "Better",
    "Due",
    "Measure",
    "Respondent",
    "Score",
    "SessionTimes",
    "State",
    "Timepoint",
    "course_schedule",
    "measure_score",
    "measures_at",
    "score_of",
]


@dataclass(frozen=True)
class Score:
    """One scored response, as every reader of outcomes (charts, timeline, analytics) takes it."""

    measure: str  # "scar_bother", "gais_patient", "gais_clinician", "satisfaction", or a
    # loaded questionnaire's code
    label: str  # "Bother from scars (0-10)"
    respondent: str  # "patient" | "clinician"
    timepoint: str  # "baseline" | "pre_session" | "follow_up_3m" | "follow_up_6m"
    session_number: int | None  # for pre_session: the session it precedes
    taken_at: datetime
    value: float
    minimum: float
    maximum: float
    better: str  # "higher" | "lower"
    sources: tuple[str, ...]


class AnswerMissing(InvalidInput):
    """A required item left unanswered; `field` names it."""


class AnswerInvalid(InvalidInput):
    """An answer that is not one of the item's options, or a number outside its range."""


def _item_value(item: Item, answer: object, path: str) -> float:
    if item.options:
        for option in item.options:
            if answer == option.code:
                return option.value
        choices = ", ".join(option.code for option in item.options)
        raise AnswerInvalid(path, f"must be one of: {choices}")
    if (
        isinstance(answer, bool)
        or not isinstance(answer, int)
        or not item.minimum <= answer <= item.maximum
    ):
        raise AnswerInvalid(path, f"must be a whole number from {item.minimum} to {item.maximum}")
    return float(answer)


def measure_score(measure: Measure, answers: Mapping[str, object]) -> float:
    """The score of `answers` ({item code: option code, or a whole number}) to `measure`."""
    unknown = sorted(set(answers) - {item.code for item in measure.items})
    if unknown:
        raise AnswerInvalid(field_path("answers", unknown[0]), "is not a question of this measure")
    total = 0.0
    for item in measure.items:
        path = field_path("answers", item.code)
        answer = answers.get(item.code)
        if answer is None or answer == "":
            if item.required:
                raise AnswerMissing(path, f"answer this question: {item.text}")
            continue
        total += _item_value(item, answer, path)
    if measure.table is None:
        return total
    raw = round(total)
    if raw not in measure.table:
        raise AnswerInvalid("answers", f"the raw score {raw} is not in the measure's table")
    return measure.table[raw]


def score_of(
    measure: Measure,
    timepoint: Timepoint,
    session_number: int | None,
    taken_at: datetime,
    value: float,
) -> Score:
    return Score(
        measure=measure.code,
        label=measure.label,
        respondent=measure.respondent.value,
        timepoint=timepoint.value,
        session_number=session_number,
        taken_at=taken_at,
        value=value,
        minimum=measure.minimum,
        maximum=measure.maximum,
        better=measure.better.value,
        sources=measure.sources,
    )


def measures_at(
    measures: Collection[Measure], timepoint: Timepoint, respondent: Respondent
) -> tuple[Measure, ...]:
    """The measures `respondent` answers at `timepoint`, in the order given."""
    return tuple(m for m in measures if m.respondent is respondent and timepoint in m.timepoints)


@dataclass(frozen=True)
class SessionTimes:
    """A session of the course that is not cancelled: when it is booked and, once signed,
    when it ended."""

    number: int
    booked_at: datetime
    done_at: datetime | None = None


class State(StrEnum):
    UPCOMING = "upcoming"  # not open yet
    OPEN = "open"  # may be answered (due from `due`)
    MISSED = "missed"  # closed unanswered
    ANSWERED = "answered"


@dataclass(frozen=True)
class Due:
    """One timepoint of a course with its window and where it stands at `now`."""

    timepoint: Timepoint
    session_number: int | None  # for pre_session: the session it precedes
    label: str
    opens: datetime
    due: datetime
    overdue_after: datetime
    state: State
    sources: tuple[str, ...]

    @property
    def key(self) -> tuple[Timepoint, int | None]:
        return self.timepoint, self.session_number

    def due_now(self, now: datetime) -> bool:
        return self.state is State.OPEN and now >= self.due


def _window(
    rule: TimepointRule,
    anchor: datetime,
    session_number: int | None,
    closes_at: datetime | None,
    now: datetime,
    answered: Collection[tuple[Timepoint, int | None]],
) -> Due:
    due = anchor + timedelta(days=rule.due_days)
    overdue_after = due + timedelta(days=rule.overdue_days_after)
    if closes_at is not None:
        overdue_after = min(overdue_after, closes_at)
    opens = min(due - timedelta(days=rule.opens_days_before), overdue_after)
    if (rule.timepoint, session_number) in answered:
        state = State.ANSWERED
    elif now < opens:
        state = State.UPCOMING
    elif now < overdue_after:
        state = State.OPEN
    else:
        state = State.MISSED
    return Due(
        rule.timepoint,
        session_number,
        rule.label,
        opens,
        due,
        overdue_after,
        state,
        rule.sources,
    )


def course_schedule(
    sessions: Sequence[SessionTimes],
    rules: Mapping[Timepoint, TimepointRule],
    now: datetime,
    answered: Collection[tuple[Timepoint, int | None]] = (),
) -> tuple[Due, ...]:
    """The course's timepoints in time order: the baseline before its first session, one
    before each later session, and, once every session is done, the follow-ups after the
    last. `answered` holds the (timepoint, session number) pairs already answered."""
    ordered = sorted(sessions, key=lambda s: s.number)
    found: list[Due] = []
    for index, session in enumerate(ordered):
        rule = rules[Timepoint.BASELINE if index == 0 else Timepoint.PRE_SESSION]
        number = None if index == 0 else session.number
        found.append(_window(rule, session.booked_at, number, session.done_at, now, answered))
    done = [s.done_at for s in ordered if s.done_at is not None]
    if done and len(done) == len(ordered):
        last = max(done)
        for rule in rules.values():
            if rule.timepoint.follow_up:
                found.append(_window(rule, last, None, None, now, answered))
    return tuple(sorted(found, key=lambda d: d.due))
