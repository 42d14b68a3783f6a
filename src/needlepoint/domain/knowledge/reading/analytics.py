"""analytics.toml: the minimum sample of a claim and the depth bands, ascending and covering
every depth a device reaches."""

from __future__ import annotations

import itertools

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.analytics import AnalyticsRules, DepthBand, Method
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import Fields, as_int, as_positive_number, as_str, field_path
from needlepoint.domain.statistics import SampleRule


def read_analytics(document: Document, max_depth_mm: float, cite: Cite) -> AnalyticsRules:
    fields = Fields(document, "", required=("sample", "intervals", "depth_band"))
    intervals = Fields(fields.values["intervals"], "intervals", required=("rate", "mean"))
    sample = Fields(
        fields.values["sample"],
        "sample",
        required=("minimum_courses", "minimum_sessions", *BASIS),
        optional=("note",),
    )
    sources = sample.read("sources", cite)
    bands = fields.read("depth_band", list_of, lambda value, path: _band(value, path, cite))
    unique([band.code for band in bands], "depth_band", "depth band")
    for index, (before, band) in enumerate(itertools.pairwise(bands), start=1):
        if band.up_to_mm <= before.up_to_mm:
            raise InvalidInput(field_path(field_path("depth_band", index), "up_to_mm"),
                               "must be deeper than the band before it")  # fmt: skip
    if not bands or bands[-1].up_to_mm < max_depth_mm:
        raise InvalidInput("depth_band", f"the last band must reach {max_depth_mm} mm")
    return AnalyticsRules(
        courses=SampleRule(sample.read("minimum_courses", as_int, 2, 1000), sources),
        sessions=SampleRule(sample.read("minimum_sessions", as_int, 2, 100000), sources),
        sample_confidence=sample.read("confidence", as_confidence),
        depth_bands=bands,
        rate_interval=intervals.read("rate", _method, cite),
        mean_interval=intervals.read("mean", _method, cite),
    )


def _band(value: object, path: str, cite: Cite) -> DepthBand:
    fields = Fields(value, path, required=("code", "label", "up_to_mm", *BASIS))
    return DepthBand(
        code=fields.read("code", as_str),
        label=fields.read("label", as_str),
        up_to_mm=fields.read("up_to_mm", as_positive_number),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
    )


def _method(value: object, path: str, cite: Cite) -> Method:
    fields = Fields(value, path, required=("method", "sources"))
    return Method(fields.read("method", as_str), fields.read("sources", cite))
