"""Published outcomes that fit a plan: each a study's own result, scale, sessions and citation."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from needlepoint.domain.knowledge.model import Knowledge


@dataclass(frozen=True)
class ExpectedResult:
    text: str
    scale: str
    sessions: int
    study: str
    sources: tuple[str, ...]


def expected_results(
    scar_types: Collection[str], grade: int, fitzpatrick: int, knowledge: Knowledge
) -> tuple[ExpectedResult, ...]:
    return tuple(
        ExpectedResult(
            outcome.text, outcome.scale, outcome.sessions, outcome.study, outcome.sources
        )
        for outcome in knowledge.outcomes
        if outcome.when.matches(scar_types, grade, fitzpatrick)
    )
