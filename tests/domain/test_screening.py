"""Screening: each rule, the verdict order, missing answers, dated answers, and monotonicity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.contraindications import Operator, ScreeningRule, Severity
from needlepoint.domain.screening import (
    DAYS_PER_MONTH,
    Finding,
    Verdict,
    missing_answers,
    months_between,
    parse_intake,
    screen,
    stored_answers,
    verdict_for,
)
from tests.intake_answers import BEFORE_SAFETY_REVIEW, CLEAR, SAFETY_REVIEW_QUESTIONS

ON = date(2025, 6, 1)
BENIGN: dict[str, Any] = {**CLEAR, "age": 34}
EXPECTED_SEVERITY = {
    "active_acne": Severity.DEFERRAL,
    "active_infection": Severity.DEFERRAL,
    "pregnancy": Severity.DEFERRAL,
    "breastfeeding": Severity.PRECAUTION,
    "keloid_history": Severity.CONTRAINDICATION,
    "hypertrophic_scar_history": Severity.PRECAUTION,
    "skin_condition_flare": Severity.DEFERRAL,
    "koebner_condition": Severity.PRECAUTION,
    "open_wound_or_sunburn": Severity.DEFERRAL,
    "filler_or_threads": Severity.PRECAUTION,
    "tattoo_in_area": Severity.PRECAUTION,
    "uncontrolled_diabetes": Severity.DEFERRAL,
    "controlled_diabetes": Severity.PRECAUTION,
    "isotretinoin_recent": Severity.PRECAUTION,
    "anticoagulation": Severity.PRECAUTION,
    "bleeding_disorder": Severity.PRECAUTION,
    "herpes_history": Severity.PRECAUTION,
    "immunosuppression": Severity.PRECAUTION,
    "anaesthetic_allergy": Severity.PRECAUTION,
    "granuloma_history": Severity.PRECAUTION,
    "metal_allergy": Severity.PRECAUTION,
    "implanted_device": Severity.PRECAUTION,
    "pih_risk": Severity.PRECAUTION,
    "minor": Severity.PRECAUTION,
    "device_label_age": Severity.PRECAUTION,
}


def _screen(knowledge: Knowledge, on: date = ON, **answers: Any) -> Any:
    return screen(parse_intake({**BENIGN, **answers}, knowledge, on), knowledge, on)


def _trigger(rule: ScreeningRule) -> object:
    """An answer that makes `rule` fire."""
    value = rule.when.value
    if rule.when.operator is Operator.BELOW:
        return int(value) - 1  # type: ignore[arg-type]
    return int(value) if rule.when.operator is Operator.AT_LEAST else value  # type: ignore[arg-type]


def _codes(result: Any) -> set[str]:
    return {finding.code for finding in result.findings}


def test_benign_complete_intake_is_eligible(knowledge: Knowledge) -> None:
    result = _screen(knowledge)
    assert result.verdict is Verdict.ELIGIBLE
    assert result.findings == ()
    assert result.missing == ()


def test_every_rule_has_its_expected_severity(knowledge: Knowledge) -> None:
    assert {rule.code: rule.severity for rule in knowledge.screening_rules} == EXPECTED_SEVERITY


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
    result = screen(parse_intake(intake, knowledge, ON), knowledge, ON)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.missing == ("pregnant", "bleeding_disorder")
    precaution = screen(parse_intake({**intake, "fitzpatrick": 5}, knowledge, ON), knowledge, ON)
    assert precaution.verdict is Verdict.INCOMPLETE
    deferral = _screen(knowledge, pregnant=None, bleeding_disorder=None, active_acne_in_area=True)
    assert deferral.verdict is Verdict.DEFER
    assert deferral.missing == ("pregnant", "bleeding_disorder")


def test_an_empty_intake_is_never_eligible(knowledge: Knowledge) -> None:
    result = screen(parse_intake({}, knowledge, ON), knowledge, ON)
    assert result.verdict is Verdict.INCOMPLETE
    assert len(result.missing) == len(knowledge.questions)


def test_an_intake_from_before_the_new_questions_is_incomplete(knowledge: Knowledge) -> None:
    result = screen(parse_intake(BEFORE_SAFETY_REVIEW, knowledge, ON), knowledge, ON)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.missing == SAFETY_REVIEW_QUESTIONS
    assert missing_answers(BEFORE_SAFETY_REVIEW, knowledge) == SAFETY_REVIEW_QUESTIONS
    assert missing_answers(BENIGN, knowledge) == ()


def test_isotretinoin_never_a_number_or_a_date_and_null_is_unanswered(
    knowledge: Knowledge,
) -> None:
    assert _screen(knowledge, isotretinoin_months_ago="never").verdict is Verdict.ELIGIBLE
    assert _screen(knowledge, isotretinoin_months_ago=6).verdict is Verdict.ELIGIBLE
    recent = _screen(knowledge, isotretinoin_months_ago=2.5)
    assert recent.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS  # a warning, not a block
    [finding] = recent.findings
    assert (finding.code, finding.answer) == ("isotretinoin_recent", 2.5)
    assert finding.requires_acknowledgement
    for unanswered in (None, "absent"):
        intake = {**BENIGN, "isotretinoin_months_ago": unanswered}
        if unanswered == "absent":
            del intake["isotretinoin_months_ago"]
        result = screen(parse_intake(intake, knowledge, ON), knowledge, ON)
        assert result.missing == ("isotretinoin_months_ago",)
        assert result.verdict is Verdict.INCOMPLETE


@pytest.mark.parametrize(
    ("answer", "fires"),
    [
        (0, True),
        (5.9, True),
        (6, False),
        (1200, False),
        ((ON - timedelta(days=182)).isoformat(), True),  # 5.98 months
        ((ON - timedelta(days=183)).isoformat(), False),  # 6.01 months
        (ON.isoformat(), True),
    ],
)
def test_isotretinoin_boundary_at_six_months(
    knowledge: Knowledge, answer: Any, fires: bool
) -> None:
    assert (
        "isotretinoin_recent" in _codes(_screen(knowledge, isotretinoin_months_ago=answer))
    ) is fires


def test_a_remembered_months_answer_ages_between_screenings(knowledge: Knowledge) -> None:
    january, august = date(2025, 1, 15), date(2025, 8, 15)
    intake = parse_intake({**BENIGN, "isotretinoin_months_ago": 3}, knowledge, january)
    kept = stored_answers(intake)
    assert kept["isotretinoin_months_ago"] == "2024-10-16"  # 91 days before
    [finding] = screen(intake, knowledge, january).findings
    assert finding.answer == 2.99  # 91 days
    later = parse_intake(kept, knowledge, august)
    assert later == intake
    assert screen(later, knowledge, august).verdict is Verdict.ELIGIBLE


@pytest.mark.parametrize(
    "answer",
    [-1, 1200.5, True, "sometimes", "2025-06-02", "06/01/2025", [3], float("nan")],
)
def test_invalid_isotretinoin_answers_name_the_field_and_the_contract(
    knowledge: Knowledge, answer: object
) -> None:
    message = (
        r"^isotretinoin_months_ago: must be a number of months from 0 to 1200, a date"
        r' \(YYYY-MM-DD\) no later than 2025-06-01, or "never"$'
    )
    with pytest.raises(InvalidInput, match=message):
        parse_intake({**BENIGN, "isotretinoin_months_ago": answer}, knowledge, ON)


def test_fitzpatrick_iv_to_vi_is_a_precaution_not_a_contraindication(knowledge: Knowledge) -> None:
    for skin in (4, 5, 6):
        result = _screen(knowledge, fitzpatrick=skin)
        assert result.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
        assert [finding.code for finding in result.findings] == ["pih_risk"]
    assert _screen(knowledge, fitzpatrick=3).verdict is Verdict.ELIGIBLE


def test_ages(knowledge: Knowledge) -> None:
    assert _codes(_screen(knowledge, age=16)) == {"minor", "device_label_age"}
    assert _codes(_screen(knowledge, age=17)) == {"minor", "device_label_age"}
    assert _codes(_screen(knowledge, age=18)) == {"device_label_age"}
    assert _codes(_screen(knowledge, age=21)) == {"device_label_age"}
    assert _screen(knowledge, age=22).findings == ()
    minor = next(f for f in _screen(knowledge, age=17).findings if f.code == "minor")
    assert minor.requires_acknowledgement
    assert "guardian" in minor.message


def test_keloid_blocks_while_a_hypertrophic_tendency_is_acknowledged(knowledge: Knowledge) -> None:
    assert _screen(knowledge, keloid_history=True).verdict is Verdict.NOT_ELIGIBLE
    hypertrophic = _screen(knowledge, hypertrophic_scar_history=True)
    assert hypertrophic.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
    [finding] = hypertrophic.findings
    assert finding.requires_acknowledgement


def test_breastfeeding_is_a_precaution_about_the_anaesthetic_not_a_deferral(
    knowledge: Knowledge,
) -> None:
    result = _screen(knowledge, breastfeeding=True)
    assert result.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
    [finding] = result.findings
    assert "lactmed-lidocaine" in finding.sources
    assert "lidocaine" in finding.message
    assert _screen(knowledge, pregnant=True).verdict is Verdict.DEFER


@pytest.mark.parametrize(
    ("question", "code", "acknowledge"),
    [
        ("koebner_condition", "koebner_condition", True),
        ("filler_or_threads_in_area", "filler_or_threads", True),
        ("tattoo_or_permanent_makeup_in_area", "tattoo_in_area", False),
        ("granulomatous_reaction_history", "granuloma_history", True),
        ("metal_allergy", "metal_allergy", True),
        ("implanted_electronic_device", "implanted_device", True),
    ],
)
def test_new_questions_are_precautions_with_their_reasons(
    knowledge: Knowledge, question: str, code: str, acknowledge: bool
) -> None:
    result = _screen(knowledge, **{question: True})
    assert result.verdict is Verdict.ELIGIBLE_WITH_PRECAUTIONS
    [finding] = result.findings
    assert (finding.code, finding.question, finding.answer) == (code, question, True)
    assert finding.requires_acknowledgement is acknowledge
    assert _screen(knowledge, **{question: False}).findings == ()


def test_finding_codes_other_rules_rely_on_are_stable(knowledge: Knowledge) -> None:
    codes = {rule.code for rule in knowledge.screening_rules}
    assert {"herpes_history", "anticoagulation", "bleeding_disorder"} <= codes


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
        ("metal_allergy", 1, "^metal_allergy: must be true or false$"),
        ("diabetes", "type 2", "^diabetes: must be one of: none, controlled, uncontrolled$"),
        ("fitzpatrick", 7, "^fitzpatrick: must be an integer from 1 to 6$"),
        ("tattoo", True, "^tattoo: unknown field"),
    ],
)
def test_invalid_answers_name_the_field(
    knowledge: Knowledge, field: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_intake({**BENIGN, field: value}, knowledge, ON)


_findings = st.lists(
    st.builds(
        Finding,
        code=st.sampled_from(list(EXPECTED_SEVERITY)),
        severity=st.sampled_from(list(Severity)),
        message=st.just("m"),
        sources=st.just(("seed-003",)),
        question=st.just("q"),
        answer=st.just(True),
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
    before = _screen(knowledge, **{**intake, flipped: False})
    after = _screen(knowledge, **{**intake, flipped: True})
    assert after.verdict.rank >= before.verdict.rank
    assert _codes(before) <= _codes(after)


_months = st.floats(min_value=0, max_value=1200, allow_nan=False)
_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(months=_months, on=_days)
def test_months_screened_the_day_they_are_given_fire_below_six(
    knowledge: Knowledge, months: float, on: date
) -> None:
    assume(abs(months - 6) * DAYS_PER_MONTH > 0.5)  # whole days: half a day either side is moot
    result = _screen(knowledge, on=on, isotretinoin_months_ago=months)
    assert ("isotretinoin_recent" in _codes(result)) is (months < 6)
    for finding in result.findings:
        assert abs(finding.answer - months) <= 0.005 + 0.5 / DAYS_PER_MONTH
        assert finding.answer < 6


@settings(max_examples=200, deadline=None)
@given(months=_months, given_on=_days, later=st.integers(min_value=0, max_value=3650))
def test_a_kept_answer_only_ages_and_reads_back_unchanged(
    knowledge: Knowledge, months: float, given_on: date, later: int
) -> None:
    then = parse_intake({**BENIGN, "isotretinoin_months_ago": months}, knowledge, given_on)
    on = given_on + timedelta(days=later)
    now = parse_intake(stored_answers(then), knowledge, on)
    assert now == then
    event = now.answers["isotretinoin_months_ago"]
    assert isinstance(event, date)
    assert months_between(event, on) >= months_between(event, given_on)
    if "isotretinoin_recent" in _codes(screen(now, knowledge, on)):
        assert "isotretinoin_recent" in _codes(screen(then, knowledge, given_on))
