"""aftercare.toml: the timed instructions after a session, and when the sun items of a
session that ended after sunset start."""

from __future__ import annotations

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.aftercare import (
    CLINIC_CONTACT,
    AftercareInstruction,
    AfterSunset,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    WINDOW_ENDS,
    Document,
    as_confidence,
    list_of,
    read_window,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import Fields, as_bool, as_int, as_str


def read_aftercare(
    document: Document, cite: Cite
) -> tuple[tuple[AftercareInstruction, ...], AfterSunset]:
    fields = Fields(document, "", required=("instruction", "after_sunset"))
    instructions = fields.read(
        "instruction", list_of, lambda item, at: _instruction(item, at, cite)
    )
    unique([item.code for item in instructions], "instruction", "instruction code")
    return instructions, fields.read("after_sunset", _after_sunset, cite)


def _instruction(value: object, path: str, cite: Cite) -> AftercareInstruction:
    required = ("code", "title", "text", "starts_after_hours", *BASIS)
    optional = (*WINDOW_ENDS, "note", "sun", "announce_end")
    fields = Fields(value, path, required=required, optional=optional)
    return AftercareInstruction(
        code=fields.read("code", as_str),
        title=fields.read("title", as_str),
        text=fields.read("text", _instruction_text),
        window=read_window(fields),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
        sun=fields.maybe("sun", as_bool) is True,
        announce_end=fields.maybe("announce_end", as_bool) is not False,
    )


def _instruction_text(value: object, path: str) -> str:
    text = as_str(value, path)
    rest = text.replace(CLINIC_CONTACT, "")
    if "{" in rest or "}" in rest:
        raise InvalidInput(path, f"braces are kept for {CLINIC_CONTACT}, the clinic's contact")
    return text


def _after_sunset(value: object, path: str, cite: Cite) -> AfterSunset:
    fields = Fields(
        value, path, required=("morning_hour", "evening_hour", *BASIS), optional=("note",)
    )
    return AfterSunset(
        morning_hour=fields.read("morning_hour", as_int, 0, 12),
        evening_hour=fields.read("evening_hour", as_int, 13, 23),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )
