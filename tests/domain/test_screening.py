"""Screening: each rule, the verdict order, missing answers, and monotonicity."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model import Operator, ScreeningRule, Severity
from needlepoint.domain.screening import (
    Finding,
    Verdict,
    parse_intake,
    screen,
    verdict_for,
)
from tests.intake_answers import CLEAR

BENIGN: dict[str, Any] = {**CLEAR, "age": 34}
EXPECTED_SEVERITY = {
    "active_acne": Severity.DEFERRAL,
    "active_infection": Severity.DEFERRAL,
    "pregnancy": Severity.DEFERRAL,
    "breastfeeding": Severity.DEFERRAL,
    "keloid_history": Severity.CONTRAINDICATION,
    "skin_condition_flare": Severity.DEFERRAL,
    "open_wound_or_sunburn": Severity.DEFERRAL,
    "uncontrolled_diabetes": Severity.DEFERRAL,
    "controlled_diabetes": Severity.PRECAUTION,
    "isotretinoin_recent": Severity.PRECAUTION,
    "anticoagulation": Severity.PRECAUTION,
    "bleeding_disorder": Severity.PRECAUTION,
    "herpes_history": Severity.PRECAUTION,
    "immunosuppression": Severity.PRECAUTION,
    "anaesthetic_allergy": Severity.PRECAUTION,
    "pih_risk": Severity.PRECAUTION,
    "minor": Severity.PRECAUTION,
}


def _screen(knowledge: Knowledge, **answers: Any) -> Any:
    return screen(parse_intake({**BENIGN, **answers}, knowledge), knowledge)


def _trigger(rule: ScreeningRule) -> object:
    """An answer that makes `rule` fire."""
    value = rule.when.value
    if rule.when.operator is Operator.BELOW:
        return int(value) - 1  # type: ignore[arg-type]
    return int(value) if rule.when.operator is Operator.AT_LEAST else value  # type: ignore[arg-type]


def test_benign_complete_intake_is_eligible(knowledge: Knowledge) -> None:
    result = _screen(knowledge)
    assert result.verdict is Verdict.ELIGIBLE
    assert result.findings == ()
    assert result.missing == ()


@pytest.mark.parametrize(("code", "severity"), EXPECTED_SEVERITY.items())
def test_each_rule_fires_with_its_severity_and_sources(
    knowledge: Knowledge, code: str, severity: Severity
) -> None:
    rule = next(rule for rule in knowledge.screening_rules if rule.code == code)
    result = _screen(knowledge, **{rule.question: _trigger(rule)})
    finding = next(finding for finding in result.findings if finding.code == code)
    assert finding.severity is severity
    assert finding.sources
    assert set(finding.sources) <= set(knowledge.sources)
    assert result.verdict.rank >= Verdict.ELIGIBLE_WITH_PRECAUTIONS.rank


def test_verdicts_follow_the_most_severe_finding(knowledge: Knowledge) -> None:
    assert _screen(knowledge, anticoagulants=True).verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
    assert _screen(knowledge, pregnant=True, anticoagulants=True).verdict is Verdict.DEFER
    result = _screen(knowledge, pregnant=True, keloid_history=True)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert [finding.code for finding in result.findings] == ["keloid_history", "pregnancy"]


def test_unanswered_safety_questions_make_it_incomplete(knowledge: Knowledge) -> None:
    intake = {**BENIGN, "pregnant": None}
    del intake["bleeding_disorder"]
    result = screen(parse_intake(intake, knowledge), knowledge)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.missing == ("pregnant", "bleeding_disorder")
    precaution = screen(parse_intake({**intake, "fitzpatrick": 5}, knowledge), knowledge)
    assert precaution.verdict is Verdict.INCOMPLETE
    deferral = screen(parse_intake({**intake, "active_acne_in_area": True}, knowledge), knowledge)
    assert deferral.verdict is Verdict.DEFER
    assert deferral.missing == ("pregnant", "bleeding_disorder")


def test_an_empty_intake_is_never_eligible(knowledge: Knowledge) -> None:
    result = screen(parse_intake({}, knowledge), knowledge)
    assert result.verdict is Verdict.INCOMPLETE
    assert len(result.missing) == len(knowledge.questions)


def test_isotretinoin_null_means_never_and_absent_means_unanswered(knowledge: Knowledge) -> None:
    assert _screen(knowledge, isotretinoin_months_ago=None).verdict is Verdict.ELIGIBLE
    assert _screen(knowledge, isotretinoin_months_ago=6).verdict is Verdict.ELIGIBLE
    recent = _screen(knowledge, isotretinoin_months_ago=2.5)
    assert recent.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS  # a warning, not a block
    [finding] = recent.findings
    assert finding.code == "isotretinoin_recent"
    assert finding.requires_acknowledgement
    intake = dict(BENIGN)
    del intake["isotretinoin_months_ago"]
    assert screen(parse_intake(intake, knowledge), knowledge).missing == (
        "isotretinoin_months_ago",
    )


def test_fitzpatrick_iv_to_vi_is_a_precaution_not_a_contraindication(knowledge: Knowledge) -> None:
    for skin in (4, 5, 6):
        result = _screen(knowledge, fitzpatrick=skin)
        assert result.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
        assert [finding.code for finding in result.findings] == ["pih_risk"]
    assert _screen(knowledge, fitzpatrick=3).verdict is Verdict.ELIGIBLE


def test_ages(knowledge: Knowledge) -> None:
    assert {f.code for f in _screen(knowledge, age=16).findings} == {"minor", "device_label_age"}
    assert {f.code for f in _screen(knowledge, age=20).findings} == {"device_label_age"}
    assert _screen(knowledge, age=22).findings == ()
    minor = next(f for f in _screen(knowledge, age=17).findings if f.code == "minor")
    assert minor.requires_acknowledgement
    assert "guardian" in minor.message


def test_medicines_are_referred_to_the_prescriber_never_stopped(knowledge: Knowledge) -> None:
    [finding] = _screen(knowledge, anticoagulants=True).findings
    assert "prescriber" in finding.message
    assert finding.requires_acknowledgement
    for rule in knowledge.screening_rules:
        text = rule.message.lower()
        assert "stop taking" not in text
        assert "stop your" not in text
        assert "never stop" in text or "stop" not in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age", 130, "^age: must be an integer from 0 to 120$"),
        ("age", "30", "^age: must be an integer"),
        ("pregnant", "no", "^pregnant: must be true or false$"),
        ("diabetes", "type 2", "^diabetes: must be one of: none, controlled, uncontrolled$"),
        ("fitzpatrick", 7, "^fitzpatrick: must be an integer from 1 to 6$"),
        ("isotretinoin_months_ago", -1, "^isotretinoin_months_ago: must be a number from 0"),
        ("tattoo", True, "^tattoo: unknown field"),
    ],
)
def test_invalid_answers_name_the_field(
    knowledge: Knowledge, field: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_intake({**BENIGN, field: value}, knowledge)


_findings = st.lists(
    st.builds(
        Finding,
        code=st.sampled_from(list(EXPECTED_SEVERITY)),
        severity=st.sampled_from(list(Severity)),
        message=st.just("m"),
        sources=st.just(("seed-003",)),
        question=st.just("q"),
        requires_acknowledgement=st.booleans(),
    ),
    max_size=4,
)


@settings(max_examples=100, deadline=None)
@given(findings=_findings, extra=_findings, missing=st.lists(st.just("age"), max_size=1))
def test_verdict_is_monotonic_as_findings_are_added(
    findings: list[Finding], extra: list[Finding], missing: list[str]
) -> None:
    before = verdict_for(findings, missing)
    after = verdict_for(findings + extra, missing)
    assert after.rank >= before.rank
    if missing:
        assert after is not Verdict.ELIGIBLE


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_answering_yes_never_lowers_the_verdict(knowledge: Knowledge, data: st.DataObject) -> None:
    booleans = [name for name, value in BENIGN.items() if value is False]
    answers = {name: data.draw(st.booleans(), label=name) for name in booleans}
    intake = {**BENIGN, **answers}
    flipped = data.draw(st.sampled_from(booleans), label="flipped")
    before = screen(parse_intake({**intake, flipped: False}, knowledge), knowledge)
    after = screen(parse_intake({**intake, flipped: True}, knowledge), knowledge)
    assert after.verdict.rank >= before.verdict.rank
    assert {f.code for f in before.findings} <= {f.code for f in after.findings}
