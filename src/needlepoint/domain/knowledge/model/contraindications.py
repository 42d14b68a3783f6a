"""The typed form of contraindications.toml: intake questions and the screening rules on
their answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.ranking import Ranked

Answer = bool | int | float | str | None


class Severity(Ranked):
    """A screening finding's weight, least to most severe."""

    PRECAUTION = "precaution"
    DEFERRAL = "deferral"
    CONTRAINDICATION = "contraindication"


class QuestionKind(StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"
    MONTHS_AGO = "months_ago"  # months since an event, its date, or "never"; kept as the date


class Operator(StrEnum):
    EQUALS = "equals"
    BELOW = "below"
    AT_LEAST = "at_least"


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    kind: QuestionKind
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = True
    never: str | None = None  # a months_ago question's label for "never", e.g. "Never taken"


@dataclass(frozen=True)
class Condition:
    operator: Operator
    value: bool | int | float | str

    def holds(self, answer: Answer) -> bool:
        if answer is None:
            return False
        if self.operator is Operator.EQUALS:
            return answer == self.value
        if isinstance(answer, bool | str) or isinstance(self.value, bool | str):
            return False  # the loader allows ordering operators on numeric questions only
        if self.operator is Operator.BELOW:
            return answer < self.value
        return answer >= self.value


@dataclass(frozen=True)
class ScreeningRule:
    code: str
    question: str
    when: Condition
    severity: Severity
    message: str
    requires_acknowledgement: bool
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
