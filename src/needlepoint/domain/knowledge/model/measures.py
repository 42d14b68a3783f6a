"""The typed form of measures.toml: the outcome measures a patient or a clinician answers
(built in, or a clinic's licensed questionnaire read into the same shape) and the timepoints
of a course at which they are asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from needlepoint.domain.knowledge.model.common import Confidence

# What a clinic's loaded questionnaire cites (`fhir.instrument`): defined in sources.toml.
CLINIC_INSTRUMENT_SOURCE = "clinic-instrument"


class Respondent(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Timepoint(StrEnum):
    BASELINE = "baseline"  # before the first session
    PRE_SESSION = "pre_session"  # before each later session
    FOLLOW_UP_3M = "follow_up_3m"  # 3 months after the course's last session
    FOLLOW_UP_6M = "follow_up_6m"  # 6 months after it

    @property
    def follow_up(self) -> bool:
        return self in (Timepoint.FOLLOW_UP_3M, Timepoint.FOLLOW_UP_6M)


@dataclass(frozen=True)
class TimepointRule:
    """When a timepoint opens, is due and is overdue, counted in days from its anchor: the
    first session's booked time (baseline), each later session's (pre_session), or the end of
    the course's last session (the follow-ups). A window before a session closes once that
    session is done (asked afterwards, an answer would no longer be "before")."""

    timepoint: Timepoint
    label: str  # as the patient reads it: "Before your first session"
    due_days: int  # after the anchor
    opens_days_before: int  # before it is due
    overdue_days_after: int  # after it is due, the window closes: missed if not answered
    sources: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    value: float  # its ordinal value: what it adds to the score


@dataclass(frozen=True)
class Item:
    """One question: a whole number in a range (with what its ends mean) or one of its
    options."""

    code: str  # the FHIR linkId of a loaded questionnaire's item
    text: str
    options: tuple[Option, ...] = ()  # empty: a whole number from `minimum` to `maximum`
    minimum: int = 0
    maximum: int = 0
    minimum_label: str = ""
    maximum_label: str = ""
    required: bool = True

    @property
    def lowest(self) -> float:
        return min(o.value for o in self.options) if self.options else self.minimum

    @property
    def highest(self) -> float:
        return max(o.value for o in self.options) if self.options else self.maximum


@dataclass(frozen=True)
class Measure:
    """An outcome measure: its items, and its score (the sum of the items' values, read
    through `table` when the instrument converts raw sums to its own scale)."""

    code: str
    label: str
    respondent: Respondent
    better: Better
    timepoints: tuple[Timepoint, ...]
    items: tuple[Item, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    table: Mapping[int, float] | None = None  # raw sum: score
    note: str = ""

    @property
    def minimum(self) -> float:
        if self.table is not None:
            return min(self.table.values())
        return sum(item.lowest for item in self.items if item.required)

    @property
    def maximum(self) -> float:
        if self.table is not None:
            return max(self.table.values())
        return sum(item.highest for item in self.items)


@dataclass(frozen=True)
class Measures:
    measures: Mapping[str, Measure]
    timepoints: Mapping[Timepoint, TimepointRule]
