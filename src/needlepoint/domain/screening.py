"""Screening: intake answers in, a verdict with its findings out.

The verdict is the most severe of: not_eligible > defer > incomplete >
eligible_with_precautions > eligible. An unanswered safety question is never `eligible`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from needlepoint.domain.knowledge.model import Answer, Knowledge, Question, QuestionKind, Severity
from needlepoint.domain.parsing import as_bool, as_choice, as_int, as_number, as_object
from needlepoint.domain.ranking import Ranked, most_severe


class Verdict(Ranked):
    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_PRECAUTIONS = "eligible_with_precautions"
    INCOMPLETE = "incomplete"
    DEFER = "defer"
    NOT_ELIGIBLE = "not_eligible"


VERDICT_OF_SEVERITY = {
    Severity.PRECAUTION: Verdict.ELIGIBLE_WITH_PRECAUTIONS,
    Severity.DEFERRAL: Verdict.DEFER,
    Severity.CONTRAINDICATION: Verdict.NOT_ELIGIBLE,
}


@dataclass(frozen=True)
class Intake:
    """The answered questions only; an unanswered question is simply absent."""

    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    sources: tuple[str, ...]
    question: str
    requires_acknowledgement: bool


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    findings: tuple[Finding, ...]
    missing: tuple[str, ...]


def parse_intake(data: object, knowledge: Knowledge) -> Intake:
    """Intake JSON: one field per question; absent or null means unanswered, unless the
    question gives null a meaning (e.g. `isotretinoin_months_ago: null` = never taken)."""
    questions = {question.name: question for question in knowledge.questions}
    table = as_object(data, "", allowed=questions)
    return Intake(
        answers={
            name: None if value is None else _answer(value, questions[name])
            for name, value in table.items()
            if value is not None or questions[name].null_answer is not None
        }
    )


def _answer(value: object, question: Question) -> Answer:
    low, high = question.minimum or 0, question.maximum
    if question.kind is QuestionKind.BOOLEAN:
        return as_bool(value, question.name)
    if question.kind is QuestionKind.INTEGER:
        return as_int(value, question.name, int(low), None if high is None else int(high))
    if question.kind is QuestionKind.NUMBER:
        return as_number(value, question.name, low, high)
    return as_choice(value, question.name, question.choices)


def screen(intake: Intake, knowledge: Knowledge) -> Screening:
    missing = tuple(
        question.name
        for question in knowledge.questions
        if question.required and question.name not in intake.answers
    )
    findings = [
        Finding(
            code=rule.code,
            severity=rule.severity,
            message=rule.message,
            sources=rule.sources,
            question=rule.question,
            requires_acknowledgement=rule.requires_acknowledgement,
        )
        for rule in knowledge.screening_rules
        if rule.question in intake.answers and rule.when.holds(intake.answers[rule.question])
    ]
    findings.sort(key=lambda finding: -finding.severity.rank)
    return Screening(verdict_for(findings, missing), tuple(findings), missing)


def verdict_for(findings: Iterable[Finding], missing: Iterable[str]) -> Verdict:
    floor = Verdict.INCOMPLETE if any(True for _ in missing) else Verdict.ELIGIBLE
    return most_severe((VERDICT_OF_SEVERITY[finding.severity] for finding in findings), floor)
