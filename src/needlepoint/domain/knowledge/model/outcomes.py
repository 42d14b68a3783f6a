"""The typed form of outcomes.toml: published studies."""

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
