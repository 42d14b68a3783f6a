"""docs/clinical-basis.md is generated from the knowledge files and cannot drift from them."""

from __future__ import annotations

from pathlib import Path

from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.basis import render_basis

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "clinical-basis.md"


def test_the_committed_document_is_the_generated_one(knowledge: Knowledge) -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render_basis(knowledge), (
        "docs/clinical-basis.md is stale: regenerate it with "
        "`needlepoint knowledge basis > docs/clinical-basis.md`"
    )


def test_every_rule_and_source_appears(knowledge: Knowledge) -> None:
    text = render_basis(knowledge)
    for source in knowledge.sources.values():
        assert source.citation in text
    for code in [rule.code for rule in knowledge.screening_rules] + [
        item.code for item in knowledge.aftercare
    ]:
        assert f"`{code}`" in text
    for symptom in knowledge.recovery:
        assert f"`{symptom}`" in text
    for outcome in knowledge.outcomes:
        assert outcome.text in text
