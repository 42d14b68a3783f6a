"""measures.toml: the built-in outcome measures, one question each, and the timepoints of a
course they are asked at."""

from __future__ import annotations

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.measures import (
    Better,
    Item,
    Measure,
    Measures,
    Option,
    Respondent,
    Timepoint,
    TimepointRule,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import Fields, as_choice, as_choices, as_int, as_number, as_str

MAX_DAYS = 800


def read_measures(document: Document, cite: Cite) -> Measures:
    fields = Fields(document, "", required=("timepoint", "measure"))
    rules = fields.read("timepoint", list_of, lambda value, path: _timepoint(value, path, cite))
    unique([rule.timepoint for rule in rules], "timepoint", "timepoint")
    missing = sorted(set(Timepoint) - {rule.timepoint for rule in rules})
    if missing:
        raise InvalidInput("timepoint", f"define every timepoint; missing: {', '.join(missing)}")
    measures = fields.read("measure", list_of, lambda value, path: _measure(value, path, cite))
    unique([measure.code for measure in measures], "measure", "measure")
    return Measures(
        measures={measure.code: measure for measure in measures},
        timepoints={rule.timepoint: rule for rule in rules},
    )


def _timepoint(value: object, path: str, cite: Cite) -> TimepointRule:
    required = ("code", "label", "due_days", "opens_days_before", "overdue_days_after")
    fields = Fields(value, path, required=(*required, *BASIS))
    return TimepointRule(
        timepoint=Timepoint(fields.read("code", as_choice, list(Timepoint))),
        label=fields.read("label", as_str),
        due_days=fields.read("due_days", as_int, 0, MAX_DAYS),
        opens_days_before=fields.read("opens_days_before", as_int, 0, MAX_DAYS),
        overdue_days_after=fields.read("overdue_days_after", as_int, 1, MAX_DAYS),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
    )


def _measure(value: object, path: str, cite: Cite) -> Measure:
    """One question: `min` and `max` (a whole number, its ends labelled) or `options`."""
    required = ("code", "label", "respondent", "better", "timepoints", "question", *BASIS)
    scale = ("min", "max", "min_label", "max_label")
    fields = Fields(value, path, required=required, optional=("options", "note", *scale))
    code = fields.read("code", as_str)
    if "options" in fields:
        if any(name in fields for name in scale):
            raise InvalidInput(path, "give options or min and max, not both")
        options = fields.read("options", list_of, _option)
        unique([option.code for option in options], fields.path_of("options"), "option")
        item = Item(code, fields.read("question", as_str), options=options)
    else:
        if not all(name in fields for name in scale):
            raise InvalidInput(path, "give options, or min, max, min_label and max_label")
        low = fields.read("min", as_int, 0, 1000)
        item = Item(
            code,
            fields.read("question", as_str),
            minimum=low,
            maximum=fields.read("max", as_int, low + 1, 1000),
            minimum_label=fields.read("min_label", as_str),
            maximum_label=fields.read("max_label", as_str),
        )
    return Measure(
        code=code,
        label=fields.read("label", as_str),
        respondent=Respondent(fields.read("respondent", as_choice, list(Respondent))),
        better=Better(fields.read("better", as_choice, list(Better))),
        timepoints=tuple(
            Timepoint(name) for name in fields.read("timepoints", as_choices, list(Timepoint))
        ),
        items=(item,),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str) or "",
    )


def _option(value: object, path: str) -> Option:
    fields = Fields(value, path, required=("code", "label", "value"))
    return Option(
        code=fields.read("code", as_str),
        label=fields.read("label", as_str),
        value=fields.read("value", as_number, -1000, 1000),
    )
