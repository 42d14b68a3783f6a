"""Scar scores: Goodman & Baron quantitative and ECCA, with every row's contribution, and
warnings where the qualitative grade contradicts the counts.

The scales are global: counts from every zone are summed first, then scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.scar_scales import (
    SCAR_AREA_CM2,
    SCAR_COUNT,
    CountCondition,
    CountScale,
    band_value,
)
from needlepoint.domain.parsing import Fields, as_int, as_number, as_object, field_path


@dataclass(frozen=True)
class ScaleCounts:
    """Lesion counts per row or item, and the area scored by area (hypertrophic), if any."""

    counts: Mapping[str, int]
    area_cm2: float = 0.0


@dataclass(frozen=True)
class ScarCounts:
    goodman_baron: ScaleCounts | None = None
    ecca: ScaleCounts | None = None


@dataclass(frozen=True)
class Assessment:
    """Counts for the whole face (`overall`) or per zone (`zones`)."""

    qualitative_grade: int
    overall: ScarCounts | None = None
    zones: Mapping[str, ScarCounts] = field(default_factory=dict)


@dataclass(frozen=True)
class GoodmanBaronScore:
    score: int
    max_score: int
    rows: Mapping[str, int]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class EccaScore:
    score: int
    max_score: int
    items: Mapping[str, int]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ScoreWarning:
    """The grade and the counts disagree; the grade is kept as the practitioner gave it."""

    code: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Scores:
    goodman_baron: GoodmanBaronScore | None
    ecca: EccaScore | None
    qualitative_grade: int
    warnings: tuple[ScoreWarning, ...] = ()


def parse_assessment(data: object, knowledge: Knowledge) -> Assessment:
    """Counts for the whole face (`goodman_baron`, `ecca`) or per zone under `zones`."""
    scales = ("goodman_baron", "ecca")
    fields = Fields(data, "", required=("qualitative_grade",), optional=(*scales, "zones"))
    grade = fields.read("qualitative_grade", as_int, 1, len(knowledge.qualitative.grades))
    whole_face = any(scale in fields for scale in scales)
    if whole_face == ("zones" in fields):
        raise InvalidInput("", "give goodman_baron or ecca counts for the whole face, or per zone")
    if whole_face:
        return Assessment(grade, overall=_scar_counts(fields, knowledge))
    zones = as_object(fields.values["zones"], "zones", allowed=knowledge.zones)
    return Assessment(
        grade,
        zones={
            name: _scar_counts(Fields(value, field_path("zones", name), optional=scales), knowledge)
            for name, value in zones.items()
        },
    )


def _scar_counts(fields: Fields, knowledge: Knowledge) -> ScarCounts:
    return ScarCounts(
        goodman_baron=fields.maybe("goodman_baron", _scale_counts, knowledge.goodman_baron),
        ecca=fields.maybe("ecca", _scale_counts, knowledge.ecca),
    )


def _scale_counts(value: object, path: str, scale: CountScale) -> ScaleCounts:
    area_field = f"{scale.area.name}_area_cm2" if scale.area else None
    fields = Fields(value, path, optional=("counts", *([area_field] if area_field else [])))
    area = (
        fields.maybe(area_field, as_number, SCAR_AREA_CM2.min, SCAR_AREA_CM2.max)
        if area_field
        else None
    )
    return ScaleCounts(counts=fields.maybe("counts", _counts, scale) or {}, area_cm2=area or 0.0)


def _counts(value: object, path: str, scale: CountScale) -> dict[str, int]:
    return {
        name: as_int(count, field_path(path, name), SCAR_COUNT.min, SCAR_COUNT.max)
        for name, count in as_object(value, path, allowed=scale.items).items()
    }


def scar_counts_json(counts: ScarCounts, knowledge: Knowledge) -> dict[str, object]:
    """The counts in the shape `parse_assessment` reads, leaving out what was not counted."""
    scales = {"goodman_baron": knowledge.goodman_baron, "ecca": knowledge.ecca}
    result: dict[str, object] = {}
    for name, scale in scales.items():
        given: ScaleCounts | None = getattr(counts, name)
        if given is None:
            continue
        section: dict[str, object] = {"counts": dict(given.counts)} if given.counts else {}
        if scale.area and given.area_cm2:
            section[f"{scale.area.name}_area_cm2"] = given.area_cm2
        result[name] = section
    return result


def score(assessment: Assessment, knowledge: Knowledge) -> Scores:
    parts = [*([assessment.overall] if assessment.overall else []), *assessment.zones.values()]
    sections = {
        "goodman_baron": [p.goodman_baron for p in parts if p.goodman_baron],
        "ecca": [p.ecca for p in parts if p.ecca],
    }
    goodman_baron = _contributions(knowledge.goodman_baron, sections["goodman_baron"])
    ecca = _contributions(knowledge.ecca, sections["ecca"])
    return Scores(
        goodman_baron=None
        if goodman_baron is None
        else GoodmanBaronScore(
            sum(goodman_baron.values()),
            knowledge.goodman_baron.max_score,
            goodman_baron,
            knowledge.goodman_baron.sources,
        ),
        ecca=None
        if ecca is None
        else EccaScore(sum(ecca.values()), knowledge.ecca.max_score, ecca, knowledge.ecca.sources),
        qualitative_grade=assessment.qualitative_grade,
        warnings=_warnings(assessment.qualitative_grade, sections, knowledge),
    )


def zone_scores(assessment: Assessment, knowledge: Knowledge) -> dict[str, Scores]:
    """Each counted zone scored on its own counts, as if it were the whole face (the
    assessment's own scores band the counts summed over its zones, so these do not add up
    to them)."""
    return {
        zone: score(Assessment(assessment.qualitative_grade, zones={zone: counts}), knowledge)
        for zone, counts in assessment.zones.items()
    }


def _warnings(
    grade: int, sections: Mapping[str, Sequence[ScaleCounts]], knowledge: Knowledge
) -> tuple[ScoreWarning, ...]:
    """The grade checks that hold, each text once (several checks may share one)."""

    def holds(condition: CountCondition) -> bool:
        counted = sections[condition.scale]
        total = sum(s.counts.get(item, 0) for s in counted for item in condition.items)
        total += condition.area is not None and any(s.area_cm2 > 0 for s in counted)
        return bool(counted) and condition.holds(total)

    warnings = {
        (check.code, check.text): ScoreWarning(check.code, check.text, check.sources)
        for check in knowledge.qualitative.checks
        if grade in check.grades and all(holds(c) for c in check.conditions)
    }
    return tuple(warnings.values())


def _contributions(scale: CountScale, sections: Sequence[ScaleCounts]) -> dict[str, int] | None:
    """Points per row from the counts summed over `sections`; None when nothing was counted."""
    if not sections:
        return None
    points = {
        name: item.weight
        * band_value(scale.count_bands, sum(s.counts.get(name, 0) for s in sections))
        for name, item in scale.items.items()
    }
    if scale.area:
        points[scale.area.name] = band_value(scale.area.bands, sum(s.area_cm2 for s in sections))
    return points
