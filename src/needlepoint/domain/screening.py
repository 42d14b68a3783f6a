"""Screening: intake answers in, a verdict with its findings out.

The verdict is the most severe of: not_eligible > defer > incomplete >
eligible_with_precautions > eligible. An unanswered safety question is never `eligible`.

A months_ago answer (e.g. `isotretinoin_months_ago`) is kept as the approximate date of the
event, so that each screening counts the months to its own day: a "3 months ago" given in
January is more than 6 months ago by August. Months and days convert at the mean month.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.contraindications import (
    Answer,
    Question,
    QuestionKind,
    Severity,
)
from needlepoint.domain.parsing import as_bool, as_choice, as_int, as_number, as_object
from needlepoint.domain.ranking import Ranked, most_severe

DAYS_PER_MONTH = 365.25 / 12
NEVER = "never"  # the months_ago answer for an event that never happened
Given = Answer | date  # an answer as kept: a months_ago answer is the event's date or NEVER


class Verdict(Ranked):
    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_PRECAUTIONS = "eligible_with_precautions"
    INCOMPLETE = "incomplete"
    DEFER = "defer"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]


VERDICT_LABELS = {
    Verdict.ELIGIBLE: "Eligible",
    Verdict.ELIGIBLE_WITH_PRECAUTIONS: "Eligible with precautions",
    Verdict.INCOMPLETE: "Incomplete: safety questions unanswered",
    Verdict.DEFER: "Defer treatment",
    Verdict.NOT_ELIGIBLE: "Not eligible",
}


VERDICT_OF_SEVERITY = {
    Severity.PRECAUTION: Verdict.ELIGIBLE_WITH_PRECAUTIONS,
    Severity.DEFERRAL: Verdict.DEFER,
    Severity.CONTRAINDICATION: Verdict.NOT_ELIGIBLE,
}


@dataclass(frozen=True)
class Intake:
    """The answered questions only; an unanswered question is simply absent. `given` keeps
    the answers as they were given (months since an event, before they became its date)."""

    answers: Mapping[str, Given]
    given: Mapping[str, object] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    sources: tuple[str, ...]
    question: str
    answer: Answer  # the answer the rule fired on; months_ago: the months since, to 0.01
    requires_acknowledgement: bool


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    findings: tuple[Finding, ...]
    missing: tuple[str, ...]


def parse_intake(data: object, knowledge: Knowledge, on: date) -> Intake:
    """Intake JSON: one field per question; absent or null means unanswered. A months_ago
    question takes a number of months, the ISO date of the event (not after `on`, so a kept
    answer reads back on any later day) or "never"; months become the date that many months
    before `on`."""
    questions = {question.name: question for question in knowledge.questions}
    table = as_object(data, "", allowed=questions)
    return Intake(
        answers={
            name: read_answer(value, questions[name], on)
            for name, value in table.items()
            if value is not None
        },
        given=dict(table),
    )


def stored_answers(intake: Intake) -> dict[str, Answer]:
    """The intake as JSON to keep: dates as ISO strings, so that `parse_intake` reads it back
    unchanged on any later day."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in intake.answers.items()
    }


def months_between(earlier: date, later: date) -> float:
    return (later - earlier).days / DAYS_PER_MONTH


def read_answer(value: object, question: Question, on: date) -> Given:
    """One question's answer, refused naming the question; a months_ago answer may also be
    the event's date itself."""
    low, high = question.minimum or 0, question.maximum
    if question.kind is QuestionKind.BOOLEAN:
        return as_bool(value, question.name)
    if question.kind is QuestionKind.INTEGER:
        return as_int(value, question.name, int(low), None if high is None else int(high))
    if question.kind is QuestionKind.NUMBER:
        return as_number(value, question.name, low, high)
    if question.kind is QuestionKind.MONTHS_AGO:
        return _months_ago(value, question, on)
    return as_choice(value, question.name, question.choices)


def _months_ago(value: object, question: Question, on: date) -> date | str:
    """The event's date (months counted back from `on`, whole days) or NEVER."""
    low, high = question.minimum or 0, question.maximum or 0
    problem = InvalidInput(
        question.name,
        f"must be a number of months from {low:g} to {high:g}, a date (YYYY-MM-DD) no later"
        f' than {on.isoformat()}, or "{NEVER}"',
    )
    if value == NEVER:
        return NEVER
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise problem from None
    if isinstance(value, date):
        if months_between(value, on) < low:
            raise problem
        return value
    try:
        months = as_number(value, question.name, low, high)
    except InvalidInput:
        raise problem from None
    return on - timedelta(days=round(months * DAYS_PER_MONTH))


def missing_answers(answered: Iterable[str], knowledge: Knowledge) -> tuple[str, ...]:
    """The required questions, in the knowledge's order, that `answered` leaves out."""
    names = set(answered)
    return tuple(q.name for q in knowledge.questions if q.required and q.name not in names)


def screen(intake: Intake, knowledge: Knowledge, on: date) -> Screening:
    """Screen the intake as it stands on the day `on` (months_ago answers age to it)."""
    answers = {name: _as_of(value, on) for name, value in intake.answers.items()}
    findings = [
        Finding(
            code=rule.code,
            severity=rule.severity,
            message=rule.message,
            sources=rule.sources,
            question=rule.question,
            answer=_shown(intake.answers[rule.question], on),
            requires_acknowledgement=rule.requires_acknowledgement,
        )
        for rule in knowledge.screening_rules
        if rule.question in answers and rule.when.holds(answers[rule.question])
    ]
    findings.sort(key=lambda finding: -finding.severity.rank)
    missing = missing_answers(answers, knowledge)
    return Screening(verdict_for(findings, missing), tuple(findings), missing)


def _as_of(value: Given, on: date) -> Answer:
    return months_between(value, on) if isinstance(value, date) else value


def _shown(value: Given, on: date) -> Answer:
    """The answer for the finding: months since an event to two decimals, fine enough that a
    whole number of days never shows on the far side of a whole or half month."""
    if isinstance(value, date):
        return round(months_between(value, on), 2)
    return value


def verdict_for(findings: Iterable[Finding], missing: Iterable[str]) -> Verdict:
    floor = Verdict.INCOMPLETE if any(True for _ in missing) else Verdict.ELIGIBLE
    return most_severe((VERDICT_OF_SEVERITY[finding.severity] for finding in findings), floor)
