"""Course planning: sessions, interval, per-zone depth and passes, adjuncts with their
cautions, cost and published results.

A plan is a set of clinician-editable options with their basis, never a directive. Depth
follows the qualitative grade and stays within the lowest of the clinic's limit, a requested
limit, the knowledge's maximum for the zone and, for flat marks only, their pathway's cap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.common import SKIN_TYPES, Range
from needlepoint.domain.knowledge.model.planning import (
    Money,
    PlanFacts,
    PlanRule,
    PriceRange,
    ScarType,
    Suitability,
)
from needlepoint.domain.knowledge.model.zones import Zone
from needlepoint.domain.knowledge.overrides import read_money
from needlepoint.domain.outcomes import ExpectedResult, expected_results
from needlepoint.domain.parsing import (
    Fields,
    as_choices,
    as_int,
    as_object,
    as_positive_number,
    field_path,
)

PLANNED = (Suitability.TREAT, Suitability.SUPERFICIAL)


@dataclass(frozen=True)
class PlanRequest:
    """`findings`: the codes of the patient's latest screening findings."""

    scar_types: tuple[str, ...]
    qualitative_grade: int
    fitzpatrick: int
    zones: tuple[str, ...]
    findings: tuple[str, ...] = ()
    price_per_session: Money | None = None
    depth_limit_mm: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Adjunct:
    code: str
    reason: str
    sources: tuple[str, ...]
    cautions: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class ZonePlan:
    """The grade's depth range within every limit (`depth_range_mm`), the depth pre-filled on
    the plan (`depth_mm`), the deepest the course may plan (`depth_limit_mm`), the recommended
    passes, and why the depth was kept lower than asked (`depth_capped`, `depth_limited`)."""

    depth_range_mm: Range[float]
    depth_mm: float
    depth_limit_mm: float
    passes: Range[int]
    sources: tuple[str, ...]
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Cost:
    per_session: Range[Decimal]
    total: Range[Decimal]
    currency: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CoursePlan:
    """When not `suitable`, only `reasons` are filled in."""

    suitable: bool
    reasons: tuple[Reason, ...]
    sessions: Range[int] | None = None
    interval_weeks: Range[int] | None = None
    minimum_interval_weeks: int | None = None
    zones: Mapping[str, ZonePlan] = field(default_factory=dict)
    adjuncts: tuple[Adjunct, ...] = ()
    cost: Cost | None = None
    expected_results: tuple[ExpectedResult, ...] = ()


def parse_plan_request(data: object, knowledge: Knowledge) -> PlanRequest:
    """`depth_limit_mm` may hold any positive limit: one above a zone's maximum is capped,
    and the plan says so."""
    fields = Fields(
        data,
        "",
        required=("scar_types", "qualitative_grade", "fitzpatrick", "zones"),
        optional=("findings", "price_per_session", "depth_limit_mm"),
    )
    findings = [rule.code for rule in knowledge.screening_rules]
    return PlanRequest(
        scar_types=fields.read("scar_types", as_choices, knowledge.scar_types),
        qualitative_grade=fields.read(
            "qualitative_grade", as_int, 1, len(knowledge.qualitative.grades)
        ),
        fitzpatrick=fields.read("fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
        zones=fields.read("zones", as_choices, knowledge.zones),
        findings=fields.maybe("findings", _findings, findings) or (),
        price_per_session=fields.maybe("price_per_session", read_money),
        depth_limit_mm=fields.maybe("depth_limit_mm", _depth_limits, knowledge) or {},
    )


def _findings(value: object, path: str, codes: Sequence[str]) -> tuple[str, ...]:
    return () if value == [] else as_choices(value, path, codes)


def _depth_limits(value: object, path: str, knowledge: Knowledge) -> dict[str, float]:
    return {
        zone: as_positive_number(limit, field_path(path, zone))
        for zone, limit in as_object(value, path, allowed=knowledge.zones).items()
    }


def course_total(sessions: int, price: Money) -> Money:
    """What a course of `sessions` costs at `price` a session."""
    return Money(sessions * price.amount, price.currency)


def plan_course(request: PlanRequest, knowledge: Knowledge) -> CoursePlan:
    scar_types = [knowledge.scar_types[name] for name in request.scar_types]
    reasons = [
        Reason(f"{scar.name}_not_suitable", scar.reason, scar.sources)
        for scar in scar_types
        if scar.microneedling not in PLANNED
    ]
    planned = [scar for scar in scar_types if scar.microneedling in PLANNED]
    blocked = any(scar.microneedling is Suitability.CONTRAINDICATED for scar in scar_types)
    if blocked or not planned:
        return CoursePlan(suitable=False, reasons=tuple(reasons))

    reasons += _pathway_reasons(planned)
    depth_cap = _superficial_cap(planned)
    grade = request.qualitative_grade
    facts = PlanFacts(
        scar_types=frozenset(scar.name for scar in planned),
        grade=grade,
        fitzpatrick=request.fitzpatrick,
        zones=frozenset(request.zones),
        findings=frozenset(request.findings),
    )
    course = knowledge.course
    sessions = course.sessions_by_grade[grade]
    level = knowledge.qualitative.grades[grade - 1].level
    reasons.append(
        Reason(
            "sessions_for_grade",
            f"Grade {grade} ({level}) scarring: {sessions.min}-{sessions.max} sessions, "
            f"{course.interval_weeks.min}-{course.interval_weeks.max} weeks apart.",
            course.sources,
        )
    )
    conservative = course.conservative.when.matches(facts)
    shortest = course.minimum_interval_weeks
    if conservative:
        shortest = max(shortest, course.conservative.minimum_interval_weeks)
        reasons.append(
            Reason("conservative_settings", course.conservative.text, course.conservative.sources)
        )
    reasons += [
        Reason(note.code, note.text, note.sources)
        for note in knowledge.plan_notes
        if note.when.matches(facts)
    ]
    zones = {
        name: _zone_plan(
            knowledge.zones[name],
            grade,
            request.depth_limit_mm.get(name),
            depth_cap,
            conservative=conservative,
        )
        for name in request.zones
    }
    price = course.price_per_session
    if request.price_per_session is not None:
        price = PriceRange.single(request.price_per_session)
    return CoursePlan(
        suitable=True,
        reasons=tuple(reasons),
        sessions=sessions,
        interval_weeks=Range(
            max(course.interval_weeks.min, shortest), max(course.interval_weeks.max, shortest)
        ),
        minimum_interval_weeks=shortest,
        zones=zones,
        adjuncts=tuple(
            _adjunct(rule, facts) for rule in knowledge.adjuncts if rule.when.matches(facts)
        ),
        cost=_cost(sessions, price),
        expected_results=expected_results(facts, knowledge),
    )


def _pathway_reasons(planned: Sequence[ScarType]) -> list[Reason]:
    """Each superficial type's own pathway, and a plan of nothing else saying so."""
    superficial = [scar for scar in planned if scar.microneedling is Suitability.SUPERFICIAL]
    reasons = [Reason(f"{scar.name}_pathway", scar.reason, scar.sources) for scar in superficial]
    if superficial and len(superficial) == len(planned):
        labels = ", ".join(scar.label for scar in superficial)
        reasons.append(
            Reason(
                "superficial_only",
                f"Only {labels.lower()} were assessed: this is not a course for contour scars. "
                f"Needling, if used at all, stays at {_superficial_cap(planned):g} mm or less in "
                "every zone; the published microneedling results treated atrophic scars and are "
                "not shown.",
                tuple(dict.fromkeys(source for scar in superficial for source in scar.sources)),
            )
        )
    return reasons


def _superficial_cap(planned: Sequence[ScarType]) -> float:
    """The deepest a plan of superficial marks only may go; no cap when contour scars are
    planned too."""
    caps = [scar.max_depth_mm for scar in planned]
    if any(cap is None for cap in caps):
        return math.inf
    return min(cap for cap in caps if cap is not None)


def _zone_plan(
    zone: Zone, grade: int, requested: float | None, depth_cap: float, *, conservative: bool
) -> ZonePlan:
    """The grade's range for the zone within every limit, with the reasons it was kept."""
    limits = {"the clinic's limit": zone.depth_limit_mm}
    if requested is not None:
        limits["the requested limit"] = requested
    reasons = [
        Reason(
            "depth_capped",
            f"{zone.label}: {whose} of {limit:g} mm is above the maximum of "
            f"{zone.max_depth_mm:g} mm for this zone, so the plan keeps within "
            f"{zone.max_depth_mm:g} mm.",
            zone.sources,
        )
        for whose, limit in limits.items()
        if limit > zone.max_depth_mm
    ]
    limit = min(zone.max_depth_mm, *limits.values())
    proposed = zone.depth_by_grade[grade]
    if limit < min(proposed.max, depth_cap):
        reasons.append(
            Reason(
                "depth_limited",
                f"{zone.label}: depth kept within the limit of {limit:g} mm.",
                zone.sources,
            )
        )
    ceiling = min(limit, depth_cap)
    deepest = min(proposed.max, ceiling)
    depth = Range(min(proposed.min, deepest), deepest)
    return ZonePlan(
        depth_range_mm=depth,
        depth_mm=depth.min if conservative else depth.max,
        depth_limit_mm=ceiling,
        passes=zone.passes,
        sources=zone.sources,
        reasons=tuple(reasons),
    )


def _adjunct(rule: PlanRule, facts: PlanFacts) -> Adjunct:
    return Adjunct(
        rule.code,
        rule.text,
        rule.sources,
        tuple(
            Reason(caution.code, caution.text, caution.sources)
            for caution in rule.cautions
            if caution.when.matches(facts)
        ),
    )


def _cost(sessions: Range[int], price: PriceRange) -> Cost:
    cheapest = course_total(sessions.min, Money(price.min, price.currency))
    dearest = course_total(sessions.max, Money(price.max, price.currency))
    return Cost(
        per_session=Range(price.min, price.max),
        total=Range(cheapest.amount, dearest.amount),
        currency=price.currency,
        sources=price.sources,
    )
