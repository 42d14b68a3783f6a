"""Template helpers for outcome measures: a timepoint in words, as staff read it."""

from __future__ import annotations

from django import template

from needlepoint.domain.knowledge.model.measures import Timepoint
from needlepoint.domain.measures import Due, Score
from needlepoint.outcomes.models import TIMEPOINT_LABELS

register = template.Library()


@register.filter
def timepoint_of(row: Score | Due) -> str:
    """A score's or a timepoint's `timepoint` and `session_number` in words: "Baseline",
    "Before session 2", "3-month follow-up"."""
    if row.session_number:
        return f"Before session {row.session_number}"
    return TIMEPOINT_LABELS[Timepoint(row.timepoint)]
