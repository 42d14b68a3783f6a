"""Published outcomes that fit a plan: each a study's own result, scale, sessions and citation,
shown only for the scar types the study treated."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.planning import PlanFacts


@dataclass(frozen=True)
class ExpectedResult:
    text: str
    scale: str
    sessions: int
    study: str
    sources: tuple[str, ...]


def expected_results(facts: PlanFacts, knowledge: Knowledge) -> tuple[ExpectedResult, ...]:
    return tuple(
        ExpectedResult(
            outcome.text, outcome.scale, outcome.sessions, outcome.study, outcome.sources
        )
        for outcome in knowledge.outcomes
        if outcome.when.matches(facts)
    )
