"""The typed form of scar_scales.toml: the qualitative grades and their checks, the count
scales and their bands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence, Range

# What one zone's row may count and one zone's area may measure: bounds on what is typed in
# (far above any face), not clinical thresholds.
SCAR_COUNT = Range(0, 10_000)
SCAR_AREA_CM2 = Range(0.0, 2_000.0)


@dataclass(frozen=True)
class Band:
    """One step of a banded score; a band with neither limit is the open last step."""

    value: int
    below: float | None = None
    up_to: float | None = None

    @property
    def limit(self) -> float | None:
        return self.below if self.below is not None else self.up_to

    def contains(self, amount: float) -> bool:
        if self.below is not None:
            return amount < self.below
        return self.up_to is None or amount <= self.up_to


def band_value(bands: tuple[Band, ...], amount: float) -> int:
    """The value of the first band holding `amount`; none (0) scores 0."""
    if amount == 0:
        return 0
    return next(band.value for band in bands if band.contains(amount))


@dataclass(frozen=True)
class ScaleItem:
    label: str
    weight: int


@dataclass(frozen=True)
class AreaItem:
    """A row scored by area in cm² rather than by count (Goodman & Baron hypertrophic)."""

    name: str
    label: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class CountScale:
    """A scale scored as the sum over items of weight x the band of the item's count."""

    title: str
    items: Mapping[str, ScaleItem]
    count_bands: tuple[Band, ...]
    area: AreaItem | None
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None

    @property
    def max_score(self) -> int:
        top_count = self.count_bands[-1].value
        top_area = self.area.bands[-1].value if self.area else 0
        return sum(item.weight for item in self.items.values()) * top_count + top_area


@dataclass(frozen=True)
class QualitativeGrade:
    grade: int
    level: str
    definition: str


@dataclass(frozen=True)
class CountCondition:
    """The lesions counted on `scale` in `items`, summed over zones, compared with a bound;
    `area` names the scale's area row (Goodman & Baron hypertrophic) when it is one of them:
    it adds one when any area is recorded."""

    scale: str
    items: frozenset[str]
    area: str | None = None
    more_than: int | None = None
    fewer_than: int | None = None

    def holds(self, count: int) -> bool:
        return (self.more_than is None or count > self.more_than) and (
            self.fewer_than is None or count < self.fewer_than
        )


@dataclass(frozen=True)
class GradeCheck:
    """A warning that the qualitative grade contradicts the counts: it applies to `grades`
    and holds when every condition does (a condition on a scale not counted never holds)."""

    code: str
    grades: frozenset[int]
    conditions: tuple[CountCondition, ...]
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class QualitativeScale:
    title: str
    grades: tuple[QualitativeGrade, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    checks: tuple[GradeCheck, ...] = ()
