"""zones.toml: the deepest device setting and each facial zone's depths by grade and passes."""

from __future__ import annotations

import itertools
from collections.abc import Collection

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.common import Range
from needlepoint.domain.knowledge.model.zones import Zone
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    read_int_range,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import (
    Fields,
    as_bool,
    as_int,
    as_object,
    as_positive_number,
    as_str,
    field_path,
)


def read_zones(
    document: Document, grades: Collection[int], cite: Cite
) -> tuple[float, dict[str, Zone]]:
    fields = Fields(document, "", required=("device_max_depth_mm", "zones"))
    max_depth = fields.read("device_max_depth_mm", as_positive_number)
    zones = {
        name: _zone(name, value, field_path("zones", name), max_depth, grades, cite)
        for name, value in fields.read("zones", as_object).items()
    }
    return max_depth, zones


def _zone(
    name: str,
    value: object,
    path: str,
    device_max_depth_mm: float,
    grades: Collection[int],
    cite: Cite,
) -> Zone:
    """A zone whose depth ranges never fall as the grade rises nor exceed `max_depth_mm`."""
    required = ("label", "thin", "max_depth_mm", "depth_by_grade", "passes", *BASIS)
    fields = Fields(value, path, required=required, optional=("note",))
    deepest = fields.read("max_depth_mm", as_positive_number, device_max_depth_mm)

    def row(item: object, at: str) -> tuple[int, Range[float]]:
        row_fields = Fields(item, at, required=("grade", "min", "max"))
        high = row_fields.read("max", as_positive_number, deepest)
        low = row_fields.read("min", as_positive_number, high)
        return row_fields.read("grade", as_int, 1), Range(low, high)

    rows = fields.read("depth_by_grade", list_of, row)
    by_grade = dict(rows)
    depth_path = fields.path_of("depth_by_grade")
    if [grade for grade, _ in rows] != sorted(grades):
        raise InvalidInput(depth_path, "must give each qualitative grade once, in order")
    for index, (lower, higher) in enumerate(itertools.pairwise(by_grade.values()), start=1):
        if higher.min < lower.min or higher.max < lower.max:
            raise InvalidInput(
                field_path(depth_path, index), "depth must not fall as the grade rises"
            )
    passes = Fields(fields.values["passes"], fields.path_of("passes"), required=("min", "max"))
    return Zone(
        name=name,
        label=fields.read("label", as_str),
        thin=fields.read("thin", as_bool),
        depth_by_grade=by_grade,
        passes=read_int_range(passes, 1, 20),
        max_depth_mm=deepest,
        depth_limit_mm=deepest,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )
