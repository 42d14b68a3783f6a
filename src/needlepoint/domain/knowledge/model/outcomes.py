"""The typed form of outcomes.toml: published studies, and when the patient's progress view
opens."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.knowledge.model.planning import Criteria


@dataclass(frozen=True)
class PublishedOutcome:
    study: str
    text: str
    scale: str
    sessions: int
    when: Criteria
    sources: tuple[str, ...]
    confidence: Confidence


AFTER_SESSIONS = ("middle", "last")


@dataclass(frozen=True)
class ProgressSchedule:
    """The milestones at which a patient's progress view opens: after the course's `middle`
    and/or `last` session, and, `at_follow_ups`, at measures.toml's follow-up timepoints."""

    after_sessions: tuple[str, ...]
    at_follow_ups: bool
    sources: tuple[str, ...]
    confidence: Confidence
