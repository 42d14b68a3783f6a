"""Request shapes with one field per question or symptom of the shipped knowledge (a clinic's
overrides change neither), so the OpenAPI lists them. The schemas give each field's type only:
the rules engine reads the values with the clinic's knowledge, bounds and all, and names the
field it refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import Field, StrictBool, StrictFloat, StrictInt, create_model

from needlepoint.api.schemas import Strict
from needlepoint.domain.knowledge import load_knowledge
from needlepoint.domain.knowledge.model.contraindications import Question, QuestionKind
from needlepoint.domain.knowledge.model.recovery import MAX_INTENSITY, SymptomKind

KNOWLEDGE = load_knowledge()
Number = StrictInt | StrictFloat


def _answer_type(question: Question) -> Any:
    if question.kind is QuestionKind.BOOLEAN:
        return StrictBool
    if question.kind is QuestionKind.INTEGER:
        return StrictInt
    if question.kind is QuestionKind.CHOICE:
        return Literal[question.choices]
    if question.kind is QuestionKind.MONTHS_AGO:
        return Number | str  # the months since, the date (ISO) or "never"
    return Number


def _schema(name: str, doc: str, fields: dict[str, Any]) -> type[Strict]:
    """A strict request schema whose fields are all optional (absent: not reported)."""
    return create_model(name, __base__=Strict, __doc__=doc, **fields)


if TYPE_CHECKING:  # the checker sees the base; the fields come from the knowledge
    IntakeAnswers: TypeAlias = Strict
    ReportedSymptoms: TypeAlias = Strict
else:
    IntakeAnswers = _schema(
        "IntakeAnswers",
        "The intake's answers, one field per question; absent or null means unanswered.",
        {
            q.name: (_answer_type(q) | None, Field(None, description=q.text))
            for q in KNOWLEDGE.questions
        },
    )
    ReportedSymptoms = _schema(
        "ReportedSymptoms",
        f"What the patient reports: a scale symptom from 0 (none) to {MAX_INTENSITY}, a flag "
        "true or false; absent means not reported.",
        {
            name: (
                (StrictInt if course.kind is SymptomKind.SCALE else StrictBool) | None,
                Field(None, description=course.label),
            )
            for name, course in KNOWLEDGE.recovery.items()
        },
    )
