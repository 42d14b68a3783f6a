"""scar_scales.toml: the qualitative grades and their checks, and the two count scales
(Goodman & Baron, ECCA) with their items, bands and area row."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.scar_scales import (
    AreaItem,
    Band,
    CountCondition,
    CountScale,
    GradeCheck,
    QualitativeGrade,
    QualitativeScale,
    ScaleItem,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import (
    Fields,
    as_choice,
    as_choices,
    as_int,
    as_list,
    as_object,
    as_positive_number,
    as_str,
    field_path,
)


def read_scales(document: Document, cite: Cite) -> tuple[QualitativeScale, CountScale, CountScale]:
    fields = Fields(document, "", required=("qualitative", "goodman_baron", "ecca"))
    goodman_baron = fields.read("goodman_baron", _count_scale, cite)
    ecca = fields.read("ecca", _count_scale, cite)
    scales = {"goodman_baron": goodman_baron, "ecca": ecca}
    return fields.read("qualitative", _qualitative, scales, cite), goodman_baron, ecca


def _qualitative(
    value: object, path: str, scales: Mapping[str, CountScale], cite: Cite
) -> QualitativeScale:
    fields = Fields(value, path, required=("title", "grade", *BASIS), optional=("check",))
    grades = fields.read("grade", list_of, _grade)
    if not grades or [grade.grade for grade in grades] != list(range(1, len(grades) + 1)):
        raise InvalidInput(fields.path_of("grade"), "grades must be numbered 1, 2, 3... in order")
    numbers = [grade.grade for grade in grades]

    def check(item: object, at: str) -> GradeCheck:
        return _grade_check(item, at, numbers, scales, cite)

    return QualitativeScale(
        title=fields.read("title", as_str),
        grades=grades,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        checks=fields.maybe("check", list_of, check) or (),
    )


def _grade(value: object, path: str) -> QualitativeGrade:
    fields = Fields(value, path, required=("grade", "level", "definition"))
    return QualitativeGrade(
        grade=fields.read("grade", as_int, 1),
        level=fields.read("level", as_str),
        definition=fields.read("definition", as_str),
    )


def _grade_check(
    value: object,
    path: str,
    grades: Collection[int],
    scales: Mapping[str, CountScale],
    cite: Cite,
) -> GradeCheck:
    fields = Fields(
        value, path, required=("code", "grades", "when", "text", *BASIS), optional=("note",)
    )
    numbers = fields.read(
        "grades", list_of, lambda item, at: as_int(item, at, min(grades), max(grades))
    )
    if not numbers:
        raise InvalidInput(fields.path_of("grades"), "must name at least one grade")
    conditions = fields.read("when", list_of, lambda item, at: _count_condition(item, at, scales))
    if not conditions:
        raise InvalidInput(fields.path_of("when"), "must hold at least one condition")
    return GradeCheck(
        code=fields.read("code", as_str),
        grades=frozenset(numbers),
        conditions=conditions,
        text=fields.read("text", as_str),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _count_condition(value: object, path: str, scales: Mapping[str, CountScale]) -> CountCondition:
    fields = Fields(value, path, required=("scale", "items"), optional=("more_than", "fewer_than"))
    scale = fields.read("scale", as_choice, scales)
    area = scales[scale].area
    rows = [*scales[scale].items, *([area.name] if area else [])]
    names = frozenset(fields.read("items", as_choices, rows))
    condition = CountCondition(
        scale=scale,
        items=names & scales[scale].items.keys(),
        area=area.name if area and area.name in names else None,
        more_than=fields.maybe("more_than", as_int, 0),
        fewer_than=fields.maybe("fewer_than", as_int, 1),
    )
    if condition.more_than is None and condition.fewer_than is None:
        raise InvalidInput(path, "give more_than or fewer_than")
    return condition


def _count_scale(value: object, path: str, cite: Cite) -> CountScale:
    fields = Fields(
        value,
        path,
        required=("title", "count_bands", "items", *BASIS),
        optional=("area", "note"),
    )
    items = {
        name: _scale_item(item, field_path(fields.path_of("items"), name))
        for name, item in fields.read("items", as_object).items()
    }
    if not items:
        raise InvalidInput(fields.path_of("items"), "must list at least one item")
    area = fields.maybe("area", _area_item)
    if area is not None and area.name in items:
        raise InvalidInput(fields.path_of("area"), f"{area.name!r} is also an item")
    return CountScale(
        title=fields.read("title", as_str),
        items=items,
        count_bands=fields.read("count_bands", _bands),
        area=area,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _scale_item(value: object, path: str) -> ScaleItem:
    fields = Fields(value, path, required=("label", "weight"))
    return ScaleItem(label=fields.read("label", as_str), weight=fields.read("weight", as_int, 1))


def _area_item(value: object, path: str) -> AreaItem:
    fields = Fields(value, path, required=("name", "label", "bands"))
    return AreaItem(
        name=fields.read("name", as_str),
        label=fields.read("label", as_str),
        bands=fields.read("bands", _bands),
    )


def _bands(value: object, path: str) -> tuple[Band, ...]:
    """Bands in order: each but the last with one limit; limits rise, values never fall."""
    bands: list[Band] = []
    items = as_list(value, path, non_empty=True)
    for index, item in enumerate(items):
        fields = Fields(
            item, field_path(path, index), required=("value",), optional=("below", "up_to")
        )
        band = Band(
            value=fields.read("value", as_int, 0),
            below=fields.maybe("below", as_positive_number),
            up_to=fields.maybe("up_to", as_positive_number),
        )
        if ("below" in fields and "up_to" in fields) or (band.limit is None) != (
            index == len(items) - 1
        ):
            raise InvalidInput(
                fields.path, "give one limit (below or up_to), and none on the last band"
            )
        if bands and band.limit is not None and band.limit <= (bands[-1].limit or 0):
            raise InvalidInput(fields.path, "bands overlap or are out of order")
        if bands and band.value < bands[-1].value:
            raise InvalidInput(fields.path, "band values must not fall as the amount rises")
        bands.append(band)
    return tuple(bands)
