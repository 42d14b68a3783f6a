"""charting.toml: what a session's chart must hold to be saved and signed, and the time a
microneedling appointment reserves."""

from __future__ import annotations

from needlepoint.domain.knowledge.model.charting import CHART_FIELDS, AppointmentTimes, ChartRules
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    read_int_range,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import Fields, as_choice, as_int, as_str

SECTIONS = ("chart", "appointment")


def read_charting(document: Document, cite: Cite) -> ChartRules:
    fields = Fields(
        Fields(document, "", required=SECTIONS).values["chart"],
        "chart",
        required=(
            "clock_skew_minutes",
            "passes",
            "required_to_sign",
            "cartridge_lot_not_required_for",
            *BASIS,
        ),
        optional=("note",),
    )
    passes = Fields(fields.values["passes"], fields.path_of("passes"), required=("min", "max"))
    return ChartRules(
        clock_skew_minutes=fields.read("clock_skew_minutes", as_int, 0, 60),
        passes=read_int_range(passes, 1, 100),
        required_to_sign=fields.read(
            "required_to_sign", list_of, lambda item, at: as_choice(item, at, CHART_FIELDS)
        ),
        cartridge_lot_not_required_for=frozenset(
            fields.read("cartridge_lot_not_required_for", list_of, as_str)
        ),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def read_appointment_times(document: Document, cite: Cite) -> AppointmentTimes:
    fields = Fields(
        Fields(document, "", required=SECTIONS).values["appointment"],
        "appointment",
        required=("numbing_minutes", "procedure_minutes", *BASIS),
        optional=("note",),
    )
    procedure = Fields(
        fields.values["procedure_minutes"],
        fields.path_of("procedure_minutes"),
        required=("min", "max"),
    )
    return AppointmentTimes(
        numbing_minutes=fields.read("numbing_minutes", as_int, 0, 120),
        procedure_minutes=read_int_range(procedure, 5, 480),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )
