"""Course planning: sessions, interval, per-zone depth, adjuncts, cost and published results.

A plan is a set of clinician-editable options with their basis, never a directive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from needlepoint.domain.knowledge.model import (
    Knowledge,
    Money,
    PriceRange,
    Range,
    Suitability,
    Zone,
)
from needlepoint.domain.knowledge.overrides import read_depth_limits, read_money
from needlepoint.domain.outcomes import ExpectedResult, expected_results
from needlepoint.domain.parsing import Fields, as_choices, as_int


@dataclass(frozen=True)
class PlanRequest:
    scar_types: tuple[str, ...]
    qualitative_grade: int
    fitzpatrick: int
    zones: tuple[str, ...]
    price_per_session: Money | None = None
    depth_limits_mm: Mapping[str, float] = field(default_factory=dict)


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


@dataclass(frozen=True)
class ZonePlan:
    depth_mm: Range[float]
    limit_mm: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Cost:
    min: Decimal
    max: Decimal
    currency: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CoursePlan:
    """When not `suitable`, only `reasons` are filled in."""

    suitable: bool
    reasons: tuple[Reason, ...]
    sessions: Range[int] | None = None
    interval_weeks: Range[int] | None = None
    zones: Mapping[str, ZonePlan] = field(default_factory=dict)
    adjuncts: tuple[Adjunct, ...] = ()
    cost: Cost | None = None
    expected_results: tuple[ExpectedResult, ...] = ()


def parse_plan_request(data: object, knowledge: Knowledge) -> PlanRequest:
    fields = Fields(
        data,
        "",
        required=("scar_types", "qualitative_grade", "fitzpatrick", "zones"),
        optional=("price_per_session", "depth_limits_mm"),
    )
    return PlanRequest(
        scar_types=fields.read("scar_types", as_choices, knowledge.scar_types),
        qualitative_grade=fields.read(
            "qualitative_grade", as_int, 1, len(knowledge.qualitative.grades)
        ),
        fitzpatrick=fields.read("fitzpatrick", as_int, 1, 6),
        zones=fields.read("zones", as_choices, knowledge.zones),
        price_per_session=fields.maybe("price_per_session", read_money),
        depth_limits_mm=fields.maybe("depth_limits_mm", read_depth_limits, knowledge) or {},
    )


def plan_course(request: PlanRequest, knowledge: Knowledge) -> CoursePlan:
    scar_types = [knowledge.scar_types[name] for name in request.scar_types]
    reasons = [
        Reason(f"{scar.name}_not_suitable", scar.reason, scar.sources)
        for scar in scar_types
        if scar.microneedling is not Suitability.TREAT
    ]
    treated = [scar.name for scar in scar_types if scar.microneedling is Suitability.TREAT]
    blocked = any(scar.microneedling is Suitability.CONTRAINDICATED for scar in scar_types)
    if blocked or not treated:
        return CoursePlan(suitable=False, reasons=tuple(reasons))

    grade, skin = request.qualitative_grade, request.fitzpatrick
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
    reasons += [
        Reason(note.code, note.text, note.sources)
        for note in knowledge.plan_notes
        if note.when.matches(treated, grade, skin)
    ]
    zones = {
        name: _zone_plan(knowledge.zones[name], request.depth_limits_mm) for name in request.zones
    }
    reasons += [
        Reason(
            "depth_limited",
            f"{knowledge.zones[name].label}: depth kept within the limit of {plan.limit_mm:g} mm.",
            plan.sources,
        )
        for name, plan in zones.items()
        if plan.depth_mm != knowledge.zones[name].depth_mm
    ]
    price = course.price_per_session
    if request.price_per_session is not None:
        price = PriceRange.single(request.price_per_session)
    return CoursePlan(
        suitable=True,
        reasons=tuple(reasons),
        sessions=sessions,
        interval_weeks=course.interval_weeks,
        zones=zones,
        adjuncts=tuple(
            Adjunct(rule.code, rule.text, rule.sources)
            for rule in knowledge.adjuncts
            if rule.when.matches(treated, grade, skin)
        ),
        cost=Cost(
            sessions.min * price.min, sessions.max * price.max, price.currency, price.sources
        ),
        expected_results=expected_results(treated, grade, skin, knowledge),
    )


def _zone_plan(zone: Zone, requested_limits: Mapping[str, float]) -> ZonePlan:
    """The zone's default depth range, kept within the stricter of its two limits."""
    limit = min(zone.limit_mm, requested_limits.get(zone.name, math.inf))
    deepest = min(zone.depth_mm.max, limit)
    return ZonePlan(Range(min(zone.depth_mm.min, deepest), deepest), limit, zone.sources)
