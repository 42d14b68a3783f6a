"""Course planning: sessions, interval, depth within limits, adjuncts, cost, published results."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, merge_overrides, parse_overrides
from needlepoint.domain.planning import CoursePlan, parse_plan_request, plan_course

ZONES = [
    "forehead",
    "temples",
    "periorbital",
    "nose",
    "left_cheek",
    "right_cheek",
    "perioral",
    "chin",
    "jawline",
    "neck",
]


def _plan(knowledge: Knowledge, **request: Any) -> CoursePlan:
    data = {
        "scar_types": ["boxcar"],
        "qualitative_grade": 2,
        "fitzpatrick": 2,
        "zones": ["left_cheek", "right_cheek"],
        **request,
    }
    return plan_course(parse_plan_request(data, knowledge), knowledge)


def _codes(items: Any) -> list[str]:
    return [item.code for item in items]


def test_defaults_follow_the_seeds(knowledge: Knowledge) -> None:
    plan = _plan(knowledge)
    assert plan.suitable
    assert plan.sessions is not None
    assert plan.interval_weeks is not None
    assert (plan.interval_weeks.min, plan.interval_weeks.max) == (4, 6)
    assert 3 <= plan.sessions.min <= plan.sessions.max <= 6
    assert plan.cost is not None
    assert plan.cost.currency == "USD"
    assert plan.cost.min == plan.sessions.min * Decimal(200)
    assert plan.cost.max == plan.sessions.max * Decimal(700)
    assert "seed-003" in plan.cost.sources


def test_more_severe_grades_get_more_sessions_and_adjuncts(knowledge: Knowledge) -> None:
    plans = [_plan(knowledge, qualitative_grade=g, scar_types=["boxcar"]) for g in (1, 2, 3, 4)]
    sessions = [plan.sessions for plan in plans]
    assert all(s is not None for s in sessions)
    assert [s.min for s in sessions if s] == sorted(s.min for s in sessions if s)
    assert [s.max for s in sessions if s] == sorted(s.max for s in sessions if s)
    assert sessions[0] != sessions[3]
    assert [len(plan.adjuncts) for plan in plans] == sorted(len(plan.adjuncts) for plan in plans)
    assert "prp" in _codes(plans[2].adjuncts)
    assert "prp" not in _codes(plans[1].adjuncts)
    assert "severe_scarring" in _codes(plans[3].reasons)


def test_adjuncts_follow_the_scar_types(knowledge: Knowledge) -> None:
    assert _codes(_plan(knowledge, scar_types=["rolling"]).adjuncts) == ["subcision"]
    assert _codes(_plan(knowledge, scar_types=["icepick"]).adjuncts) == ["tca_cross"]
    both = _plan(knowledge, scar_types=["icepick", "rolling"], qualitative_grade=3)
    assert _codes(both.adjuncts) == ["subcision", "tca_cross", "prp"]
    for adjunct in both.adjuncts:
        assert adjunct.reason
        assert set(adjunct.sources) <= set(knowledge.sources)


def test_keloid_scars_mean_no_course(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["boxcar", "keloid"])
    assert not plan.suitable
    assert _codes(plan.reasons) == ["keloid_not_suitable"]
    assert plan.sessions is None
    assert plan.cost is None
    assert plan.zones == {}
    assert plan.expected_results == ()


def test_hypertrophic_scars_are_left_out(knowledge: Knowledge) -> None:
    alone = _plan(knowledge, scar_types=["hypertrophic"])
    assert not alone.suitable
    assert _codes(alone.reasons) == ["hypertrophic_not_suitable"]
    mixed = _plan(knowledge, scar_types=["hypertrophic", "rolling"])
    assert mixed.suitable
    assert "hypertrophic_not_suitable" in _codes(mixed.reasons)


def test_thin_zones_are_shallower_than_the_cheeks(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, zones=ZONES)
    cheek = plan.zones["left_cheek"].depth_mm
    for zone in ("periorbital", "forehead", "nose", "temples"):
        assert plan.zones[zone].depth_mm.max < cheek.min


def test_depth_is_kept_within_the_requested_limit(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, depth_limits_mm={"left_cheek": 0.8, "nose": 2.5})
    assert plan.zones["left_cheek"].depth_mm.max == 0.8
    assert plan.zones["left_cheek"].limit_mm == 0.8
    assert "depth_limited" in _codes(plan.reasons)
    nose = _plan(knowledge, zones=["nose"], depth_limits_mm={"nose": 2.5}).zones["nose"]
    assert nose.limit_mm == knowledge.zones["nose"].limit_mm  # a looser request changes nothing


def test_a_clinic_override_limits_depth_and_sets_the_price(knowledge: Knowledge) -> None:
    overrides = {
        "depth_limits_mm": {"right_cheek": 0.5},
        "price_per_session": {"amount": 300, "currency": "GBP"},
    }
    clinic = merge_overrides(knowledge, parse_overrides(overrides, knowledge))
    request = {
        "scar_types": ["boxcar"],
        "qualitative_grade": 2,
        "fitzpatrick": 2,
        "zones": ["right_cheek"],
    }
    plan = plan_course(parse_plan_request(request, clinic), clinic)
    assert plan.zones["right_cheek"].depth_mm.max == 0.5
    assert plan.cost is not None
    assert plan.sessions is not None
    assert (plan.cost.min, plan.cost.max, plan.cost.currency) == (
        300 * plan.sessions.min,
        300 * plan.sessions.max,
        "GBP",
    )


def test_a_given_price_gives_cost_as_sessions_times_price(knowledge: Knowledge) -> None:
    plan = _plan(
        knowledge, price_per_session={"amount": 249.99, "currency": "USD"}, qualitative_grade=3
    )
    assert plan.cost is not None
    assert plan.cost.min == Decimal("999.96")
    assert plan.cost.max == Decimal("1499.94")
    assert plan.cost.sources == ()


def test_results_are_published_ranges_never_a_headline(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["rolling", "boxcar"], qualitative_grade=3, fitzpatrick=5)
    assert len(plan.expected_results) >= 3
    studies = {result.study for result in plan.expected_results}
    assert {"Al Chalabi 2020", "Ishfaq 2022", "Dogra 2014"} <= studies
    for result in plan.expected_results:
        assert result.scale
        assert result.sessions > 0
        assert result.sources
        assert not any(source.startswith("seed-") for source in result.sources)
        assert re.search(r"\d+ patients|study|trial", result.text)  # a result in its context
    texture = next(r for r in plan.expected_results if r.study == "Fabbrocini 2014")
    assert "not a scar-severity score" in texture.text


def test_fitzpatrick_iv_to_vi_adds_the_pigmentation_note(knowledge: Knowledge) -> None:
    assert "pih_risk" in _codes(_plan(knowledge, fitzpatrick=4).reasons)
    assert "pih_risk" not in _codes(_plan(knowledge, fitzpatrick=3).reasons)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scar_types": []}, "^scar_types: must not be empty$"),
        ({"scar_types": ["pitted"]}, r"^scar_types\[0\]: must be one of: icepick"),
        ({"zones": ["left_cheek", "left_cheek"]}, r"^zones\[1\]: repeats 'left_cheek'$"),
        ({"zones": "chin"}, "^zones: must be a list$"),
        ({"qualitative_grade": 0}, "^qualitative_grade: must be an integer from 1 to 4$"),
        ({"fitzpatrick": None}, "^fitzpatrick: must be an integer from 1 to 6$"),
        (
            {"depth_limits_mm": {"chin": 3.5}},
            r"^depth_limits_mm\.chin: must be a number from 0 to 3$",
        ),
        ({"price_per_session": {"amount": 300}}, r"^price_per_session\.currency: is required$"),
        (
            {"price_per_session": {"amount": 300, "currency": "dollars"}},
            r"currency: must be a three",
        ),
        ({"sessions": 4}, "^sessions: unknown field"),
    ],
)
def test_invalid_requests_name_the_field(
    knowledge: Knowledge, change: dict[str, Any], message: str
) -> None:
    data = {"scar_types": ["boxcar"], "qualitative_grade": 2, "fitzpatrick": 2, "zones": ["chin"]}
    with pytest.raises(InvalidInput, match=message):
        parse_plan_request({**data, **change}, knowledge)


@settings(max_examples=60, deadline=None)
@given(
    zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=len(ZONES), unique=True),
    limits=st.dictionaries(st.sampled_from(ZONES), st.floats(0.05, 3.0)),
    clinic_limits=st.dictionaries(st.sampled_from(ZONES), st.floats(0.05, 3.0)),
    grade=st.integers(1, 4),
    skin=st.integers(1, 6),
)
def test_depth_is_never_above_any_limit(
    knowledge: Knowledge,
    zones: list[str],
    limits: dict[str, float],
    clinic_limits: dict[str, float],
    grade: int,
    skin: int,
) -> None:
    clinic = merge_overrides(
        knowledge, parse_overrides({"depth_limits_mm": clinic_limits}, knowledge)
    )
    request = {
        "scar_types": ["rolling"],
        "qualitative_grade": grade,
        "fitzpatrick": skin,
        "zones": zones,
        "depth_limits_mm": limits,
    }
    plan = plan_course(parse_plan_request(request, clinic), clinic)
    assert list(plan.zones) == zones
    for name, zone in plan.zones.items():
        ceiling = min(clinic.zones[name].limit_mm, limits.get(name, 3.0))
        assert 0 < zone.depth_mm.min <= zone.depth_mm.max <= ceiling
        assert zone.depth_mm.max <= knowledge.zones[name].depth_mm.max
