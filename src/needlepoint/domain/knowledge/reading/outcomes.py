"""outcomes.toml: published studies, each shown only for the scar types it treated, and the
milestones of the patient's progress view."""

from __future__ import annotations

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.outcomes import (
    AFTER_SESSIONS,
    ProgressSchedule,
    PublishedOutcome,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    Terms,
    as_confidence,
    list_of,
    read_criteria,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import Fields, as_bool, as_choices, as_int, as_str, field_path


def read_outcomes(
    document: Document, terms: Terms, cite: Cite
) -> tuple[tuple[PublishedOutcome, ...], ProgressSchedule]:
    fields = Fields(document, "", required=("outcome", "progress"))
    outcomes = fields.read(
        "outcome", list_of, lambda value, path: _outcome(value, path, terms, cite)
    )
    return outcomes, fields.read("progress", _progress, cite)


def _progress(value: object, path: str, cite: Cite) -> ProgressSchedule:
    """One or both session milestones, and whether the follow-ups are milestones too."""
    fields = Fields(value, path, required=("after_sessions", "at_follow_ups", *BASIS))
    return ProgressSchedule(
        after_sessions=fields.read("after_sessions", as_choices, AFTER_SESSIONS),
        at_follow_ups=fields.read("at_follow_ups", as_bool),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
    )


def _outcome(value: object, path: str, terms: Terms, cite: Cite) -> PublishedOutcome:
    """A study shown only for the scar types it treated (`when.scar_types`)."""
    required = ("study", "text", "scale", "sessions", "when", *BASIS)
    fields = Fields(value, path, required=required)
    when = fields.read("when", read_criteria, terms)
    if not when.scar_types:
        raise InvalidInput(
            field_path(fields.path_of("when"), "scar_types"),
            "is required: the scar types the study treated",
        )
    return PublishedOutcome(
        study=fields.read("study", as_str),
        text=fields.read("text", as_str),
        scale=fields.read("scale", as_str),
        sessions=fields.read("sessions", as_int, 1, 20),
        when=when,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
    )
