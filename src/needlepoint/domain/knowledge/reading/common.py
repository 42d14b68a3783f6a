"""What several knowledge documents read alike: lists, unique names, confidence, integer
ranges, time windows and the criteria a planning rule or a study applies under."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.aftercare import Window
from needlepoint.domain.knowledge.model.common import SKIN_TYPES, Confidence, Range
from needlepoint.domain.knowledge.model.planning import Criteria
from needlepoint.domain.parsing import (
    Fields,
    as_choice,
    as_choices,
    as_int,
    as_list,
    as_number,
    field_path,
)

T = TypeVar("T")
Document = Mapping[str, object]
BASIS = ("sources", "confidence")
WINDOW_ENDS = ("ends_after_hours", "ends_months_after_course")
MONTH_HOURS = 28 * 24  # the shortest month: a course-long window starts before it ends


def list_of(value: object, path: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
    items = as_list(value, path)
    return tuple(read(item, field_path(path, index)) for index, item in enumerate(items))


def unique(names: Collection[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInput(path, f"{what} {name!r} is defined twice")
        seen.add(name)


def as_confidence(value: object, path: str) -> Confidence:
    return Confidence(as_choice(value, path, list(Confidence)))


def read_int_range(fields: Fields, minimum: int, maximum: int) -> Range[int]:
    low = fields.read("min", as_int, minimum, maximum)
    return Range(low, fields.read("max", as_int, low, maximum))


def read_window(fields: Fields) -> Window:
    """`starts_after_hours` (at least 0) and one end: `ends_after_hours` (after the start) or
    `ends_months_after_course` (1 to 24 months after the course's last session)."""
    start = fields.read("starts_after_hours", as_number, 0)
    if ("ends_after_hours" in fields) == ("ends_months_after_course" in fields):
        raise InvalidInput(fields.path, f"give one end: {' or '.join(WINDOW_ENDS)}")
    if "ends_months_after_course" in fields:
        if start >= MONTH_HOURS:
            raise InvalidInput(
                fields.path_of("starts_after_hours"),
                f"must be under {MONTH_HOURS} with ends_months_after_course",
            )
        return Window(
            start, ends_months_after_course=fields.read("ends_months_after_course", as_int, 1, 24)
        )
    end = fields.read("ends_after_hours", as_number, start)
    if end == start:
        raise InvalidInput(fields.path_of("ends_after_hours"), "must be after starts_after_hours")
    return Window(start, end)


@dataclass(frozen=True)
class Terms:
    """The names a planning rule's `when` may use: grades, zones, screening findings and
    (once planning.toml is read) scar types."""

    grades: Collection[int]
    zones: Collection[str]
    findings: Collection[str]
    scar_types: Collection[str] = ()


def read_criteria(value: object, path: str, terms: Terms) -> Criteria:
    """The `when` of a planning rule (planning.toml) or of a published study (outcomes.toml)."""
    fields = Fields(
        value,
        path,
        optional=("scar_types", "min_grade", "min_fitzpatrick", "zones", "findings"),
    )
    grades = terms.grades
    return Criteria(
        scar_types=frozenset(fields.maybe("scar_types", as_choices, terms.scar_types) or ()),
        min_grade=fields.maybe("min_grade", as_int, min(grades), max(grades)),
        min_fitzpatrick=fields.maybe("min_fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
        zones=frozenset(fields.maybe("zones", as_choices, terms.zones) or ()),
        findings=frozenset(fields.maybe("findings", as_choices, terms.findings) or ()),
    )
