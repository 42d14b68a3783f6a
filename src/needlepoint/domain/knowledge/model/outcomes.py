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
    and/or `last` session, and each of `months_after_last_session` after the last one."""

    after_sessions: tuple[str, ...]
    months_after_last_session: tuple[int, ...]
    sources: tuple[str, ...]
    confidence: Confidence
