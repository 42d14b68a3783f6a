"""planning.toml: scar types, the course defaults (sessions, interval, price, the
conservative settings), and the adjuncts and notes a course plan shows."""

from __future__ import annotations

from dataclasses import replace

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.common import Range
from needlepoint.domain.knowledge.model.planning import (
    ConservativeSettings,
    CourseDefaults,
    PlanRule,
    PriceRange,
    ScarType,
    Suitability,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    Terms,
    as_confidence,
    list_of,
    read_criteria,
    read_int_range,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import (
    Fields,
    as_choice,
    as_currency,
    as_int,
    as_money,
    as_object,
    as_positive_number,
    as_str,
    field_path,
)


def read_planning(
    document: Document, terms: Terms, cite: Cite
) -> tuple[dict[str, ScarType], CourseDefaults, tuple[PlanRule, ...], tuple[PlanRule, ...]]:
    fields = Fields(
        document, "", required=("course", "price_per_session", "scar_types", "adjunct", "note")
    )
    scar_types = {
        name: _scar_type(name, value, field_path("scar_types", name), cite)
        for name, value in fields.read("scar_types", as_object).items()
    }
    terms = replace(terms, scar_types=list(scar_types))
    price = fields.read("price_per_session", _price, cite)
    course = fields.read("course", _course, price, terms, cite)

    def adjunct(value: object, path: str) -> PlanRule:
        return _plan_rule(value, path, terms, cite, cautions=True)

    def note(value: object, path: str) -> PlanRule:
        return _plan_rule(value, path, terms, cite)

    adjuncts = fields.read("adjunct", list_of, adjunct)
    notes = fields.read("note", list_of, note)
    unique([rule.code for rule in adjuncts], "adjunct", "adjunct code")
    unique([rule.code for rule in notes], "note", "note code")
    return scar_types, course, adjuncts, notes


def _scar_type(name: str, value: object, path: str, cite: Cite) -> ScarType:
    fields = Fields(
        value,
        path,
        required=("label", "microneedling", "reason", *BASIS),
        optional=("max_depth_mm",),
    )
    suitability = Suitability(fields.read("microneedling", as_choice, list(Suitability)))
    superficial = suitability is Suitability.SUPERFICIAL
    if superficial != ("max_depth_mm" in fields):
        problem = "is required" if superficial else "applies only"
        raise InvalidInput(fields.path_of("max_depth_mm"), f"{problem} to a superficial scar type")
    return ScarType(
        name=name,
        label=fields.read("label", as_str),
        microneedling=suitability,
        reason=fields.read("reason", as_str),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        max_depth_mm=fields.maybe("max_depth_mm", as_positive_number),
    )


def _price(value: object, path: str, cite: Cite) -> PriceRange:
    fields = Fields(value, path, required=("min", "max", "currency", "sources"))
    low, high = fields.read("min", as_money), fields.read("max", as_money)
    if high < low:
        raise InvalidInput(fields.path_of("max"), "must not be below min")
    return PriceRange(low, high, fields.read("currency", as_currency), fields.read("sources", cite))


def _course(
    value: object, path: str, price: PriceRange, terms: Terms, cite: Cite
) -> CourseDefaults:
    fields = Fields(
        value,
        path,
        required=(
            "interval_weeks",
            "minimum_interval_weeks",
            "sessions_by_grade",
            "conservative",
            *BASIS,
        ),
        optional=("note",),
    )

    def sessions_row(row: object, row_path: str) -> tuple[int, Range[int]]:
        row_fields = Fields(row, row_path, required=("grade", "min", "max"))
        return row_fields.read("grade", as_int, 1), read_int_range(row_fields, 1, 20)

    rows = fields.read("sessions_by_grade", list_of, sessions_row)
    if sorted(grade for grade, _ in rows) != sorted(terms.grades):
        raise InvalidInput(
            fields.path_of("sessions_by_grade"), "must give each qualitative grade exactly once"
        )
    interval = Fields(
        fields.values["interval_weeks"],
        fields.path_of("interval_weeks"),
        required=("min", "max"),
    )
    interval_weeks = read_int_range(interval, 1, 52)
    minimum = fields.read("minimum_interval_weeks", as_int, 1, interval_weeks.min)
    return CourseDefaults(
        sessions_by_grade=dict(rows),
        interval_weeks=interval_weeks,
        minimum_interval_weeks=minimum,
        price_per_session=price,
        conservative=fields.read("conservative", _conservative, terms, minimum, cite),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _conservative(
    value: object, path: str, terms: Terms, minimum_interval: int, cite: Cite
) -> ConservativeSettings:
    fields = Fields(
        value,
        path,
        required=("when", "minimum_interval_weeks", "text", *BASIS),
        optional=("note",),
    )
    return ConservativeSettings(
        when=fields.read("when", read_criteria, terms),
        minimum_interval_weeks=fields.read("minimum_interval_weeks", as_int, minimum_interval, 52),
        text=fields.read("text", as_str),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _plan_rule(
    value: object, path: str, terms: Terms, cite: Cite, *, cautions: bool = False
) -> PlanRule:
    """A note or an adjunct; only an adjunct may carry `caution`s (notes themselves)."""
    fields = Fields(
        value,
        path,
        required=("code", "when", "text", *BASIS),
        optional=("caution",) if cautions else (),
    )
    caution_rules = fields.maybe(
        "caution", list_of, lambda item, at: _plan_rule(item, at, terms, cite)
    )
    unique([rule.code for rule in caution_rules or ()], fields.path_of("caution"), "code")
    return PlanRule(
        code=fields.read("code", as_str),
        when=fields.read("when", read_criteria, terms),
        text=fields.read("text", as_str),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        cautions=caution_rules or (),
    )
