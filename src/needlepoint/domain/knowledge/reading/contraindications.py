"""contraindications.toml: the intake questions and the screening rules on their answers."""

from __future__ import annotations

from collections.abc import Mapping

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.contraindications import (
    Condition,
    Operator,
    Question,
    QuestionKind,
    ScreeningRule,
    Severity,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import (
    Fields,
    as_bool,
    as_choice,
    as_number,
    as_object,
    as_str,
    field_path,
)

NUMERIC_KINDS = (QuestionKind.INTEGER, QuestionKind.NUMBER, QuestionKind.MONTHS_AGO)
KIND_FIELDS = {  # the optional question fields each kind needs (and no others)
    QuestionKind.BOOLEAN: frozenset(),
    QuestionKind.INTEGER: frozenset({"min", "max"}),
    QuestionKind.NUMBER: frozenset({"min", "max"}),
    QuestionKind.CHOICE: frozenset({"choices"}),
    QuestionKind.MONTHS_AGO: frozenset({"min", "max", "never"}),
}


def read_screening(
    document: Document, cite: Cite
) -> tuple[tuple[Question, ...], tuple[ScreeningRule, ...]]:
    fields = Fields(document, "", required=("question", "rule"))
    questions = fields.read("question", list_of, _question)
    unique([question.name for question in questions], "question", "question")
    by_name = {question.name: question for question in questions}
    rules = fields.read("rule", list_of, lambda value, path: _rule(value, path, by_name, cite))
    unique([rule.code for rule in rules], "rule", "rule code")
    return questions, rules


def _question(value: object, path: str) -> Question:
    fields = Fields(
        value,
        path,
        required=("name", "text", "kind"),
        optional=("min", "max", "choices", "required", "never"),
    )
    kind = QuestionKind(fields.read("kind", as_choice, list(QuestionKind)))
    expected = KIND_FIELDS[kind]
    for name in ("min", "max", "choices", "never"):
        if (name in fields) != (name in expected):
            problem = "is required" if name in expected else "does not apply"
            raise InvalidInput(fields.path_of(name), f"{problem} for a {kind} question")
    minimum = fields.maybe("min", as_number, 0)
    maximum = fields.maybe("max", as_number, minimum or 0)
    return Question(
        name=fields.read("name", as_str),
        text=fields.read("text", as_str),
        kind=kind,
        minimum=minimum,
        maximum=maximum,
        choices=fields.maybe("choices", list_of, as_str) or (),
        required=fields.maybe("required", as_bool) is not False,
        never=fields.maybe("never", as_str),
    )


def _rule(value: object, path: str, questions: Mapping[str, Question], cite: Cite) -> ScreeningRule:
    required = ("code", "question", "when", "severity", "message", "requires_acknowledgement")
    fields = Fields(value, path, required=(*required, *BASIS), optional=("note",))
    question = questions[fields.read("question", as_choice, questions)]
    return ScreeningRule(
        code=fields.read("code", as_str),
        question=question.name,
        when=fields.read("when", _condition, question),
        severity=Severity(fields.read("severity", as_choice, list(Severity))),
        message=fields.read("message", as_str),
        requires_acknowledgement=fields.read("requires_acknowledgement", as_bool),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _condition(value: object, path: str, question: Question) -> Condition:
    table = as_object(value, path, allowed=list(Operator))
    if len(table) != 1:
        raise InvalidInput(path, f"must hold exactly one of: {', '.join(Operator)}")
    [(name, operand)] = table.items()
    operator, operand_path = Operator(name), field_path(path, name)
    if question.kind is QuestionKind.BOOLEAN and operator is Operator.EQUALS:
        return Condition(operator, as_bool(operand, operand_path))
    if question.kind is QuestionKind.CHOICE and operator is Operator.EQUALS:
        return Condition(operator, as_choice(operand, operand_path, question.choices))
    aging = question.kind is QuestionKind.MONTHS_AGO and operator is Operator.EQUALS
    if question.kind in NUMERIC_KINDS and not aging:  # months since an event only compare
        low, high = question.minimum or 0, question.maximum
        return Condition(operator, as_number(operand, operand_path, low, high))
    raise InvalidInput(operand_path, f"does not apply to the {question.kind} question")
