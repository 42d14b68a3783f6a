"""The typed form of planning.toml: scar types, course defaults and prices, and the criteria
adjuncts and notes apply under."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from needlepoint.domain.knowledge.model.common import Confidence, Range


class Suitability(StrEnum):
    """What microneedling does with a scar type."""

    TREAT = "treat"
    SUPERFICIAL = "superficial"  # other treatments first; needled shallowly, if at all
    EXCLUDE = "exclude"  # not needled; the rest of the course can go ahead
    CONTRAINDICATED = "contraindicated"  # no course at all


# A course's size and rhythm as a practitioner may type them (the plan's own bounds are
# narrower and come from the knowledge's rules).
COURSE_SESSIONS = Range(1, 12)
INTERVAL_WEEKS = Range(1, 52)


@dataclass(frozen=True)
class PlanFacts:
    """What planning rules are matched against: the treated scar types, the qualitative
    grade, the Fitzpatrick type, the planned zones and the patient's screening findings."""

    scar_types: frozenset[str]
    grade: int
    fitzpatrick: int
    zones: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Criteria:
    """When a planning rule applies; an empty field matches everything, a set any one of its
    members."""

    scar_types: frozenset[str] = frozenset()
    min_grade: int | None = None
    min_fitzpatrick: int | None = None
    zones: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()

    def matches(self, facts: PlanFacts) -> bool:
        return (
            _any_of(self.scar_types, facts.scar_types)
            and (self.min_grade is None or facts.grade >= self.min_grade)
            and (self.min_fitzpatrick is None or facts.fitzpatrick >= self.min_fitzpatrick)
            and _any_of(self.zones, facts.zones)
            and _any_of(self.findings, facts.findings)
        )


def _any_of(wanted: frozenset[str], present: frozenset[str]) -> bool:
    return not wanted or not wanted.isdisjoint(present)


@dataclass(frozen=True)
class ScarType:
    """`max_depth_mm`: for a superficial type, the deepest a plan of only such marks goes."""

    name: str
    label: str
    microneedling: Suitability
    reason: str
    sources: tuple[str, ...]
    confidence: Confidence
    max_depth_mm: float | None = None


@dataclass(frozen=True)
class PlanRule:
    """An adjunct or a planning note that applies when its criteria match; an adjunct's
    `cautions` are shown with it when theirs match too."""

    code: str
    when: Criteria
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    cautions: tuple[PlanRule, ...] = ()


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


CLINIC_PRICE_SOURCE = "clinic-price"


@dataclass(frozen=True)
class PriceRange:
    min: Decimal
    max: Decimal
    currency: str
    sources: tuple[str, ...]

    @classmethod
    def single(cls, price: Money) -> PriceRange:
        """A clinic's own price: its basis is the clinic's setting."""
        return cls(price.amount, price.amount, price.currency, (CLINIC_PRICE_SOURCE,))


@dataclass(frozen=True)
class ConservativeSettings:
    """For the patients `when` matches: the shallow end of each zone's range is pre-filled
    and sessions are at least `minimum_interval_weeks` apart."""

    when: Criteria
    minimum_interval_weeks: int
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class CourseDefaults:
    sessions_by_grade: Mapping[int, Range[int]]
    interval_weeks: Range[int]
    minimum_interval_weeks: int
    price_per_session: PriceRange
    conservative: ConservativeSettings
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
