"""Course planning: sessions, interval, depth by grade within every limit, passes, darker skin,
flat marks, adjuncts and their cautions, findings, cost and published results."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, merge_overrides, parse_overrides
from needlepoint.domain.knowledge.model.common import Range
from needlepoint.domain.knowledge.model.planning import Money
from needlepoint.domain.planning import (
    Adjunct,
    CoursePlan,
    course_total,
    parse_plan_request,
    plan_course,
)

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
THIN = ["forehead", "temples", "periorbital", "nose", "neck"]
ATROPHIC = ["icepick", "boxcar", "rolling"]


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


def _adjunct(plan: CoursePlan, code: str) -> Adjunct:
    return next(adjunct for adjunct in plan.adjuncts if adjunct.code == code)


def test_defaults_follow_the_seeds(knowledge: Knowledge) -> None:
    plan = _plan(knowledge)
    assert plan.suitable
    assert plan.sessions is not None
    assert plan.interval_weeks is not None
    assert (plan.interval_weeks.min, plan.interval_weeks.max) == (4, 6)
    assert plan.minimum_interval_weeks == 2
    assert 3 <= plan.sessions.min <= plan.sessions.max <= 6
    assert plan.cost is not None
    assert plan.cost.currency == "USD"
    assert (plan.cost.per_session.min, plan.cost.per_session.max) == (200, 700)
    assert plan.cost.total.min == plan.sessions.min * Decimal(200)
    assert plan.cost.total.max == plan.sessions.max * Decimal(700)
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


def test_cheek_depth_rises_with_the_grade(knowledge: Knowledge) -> None:
    cheeks = [_plan(knowledge, qualitative_grade=g).zones["left_cheek"] for g in (1, 2, 3, 4)]
    assert [(c.depth_range_mm.min, c.depth_range_mm.max) for c in cheeks] == [
        (0.25, 0.5),
        (0.5, 1.0),
        (1.0, 1.5),
        (1.5, 2.0),
    ]
    # grade 4 deeper than grade 2
    assert cheeks[3].depth_range_mm.min > cheeks[1].depth_range_mm.max
    assert "harris-2015" in cheeks[3].sources
    assert all((c.passes.min, c.passes.max) == (3, 4) for c in cheeks)


@pytest.mark.parametrize("grade", [1, 2, 3, 4])
def test_thin_zones_stay_shallow_whatever_the_grade(knowledge: Knowledge, grade: int) -> None:
    plan = _plan(knowledge, zones=ZONES, qualitative_grade=grade)
    for zone in THIN:
        assert knowledge.zones[zone].thin
        assert plan.zones[zone].depth_range_mm.max <= 0.5
    assert plan.zones["periorbital"].depth_range_mm.max <= 0.3
    if grade >= 3:
        assert (
            plan.zones["forehead"].depth_range_mm.max < plan.zones["left_cheek"].depth_range_mm.min
        )


def test_depth_is_kept_within_the_requested_limit(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, qualitative_grade=3, depth_limit_mm={"left_cheek": 0.8})
    assert plan.zones["left_cheek"].depth_range_mm == Range(0.8, 0.8)
    assert plan.zones["left_cheek"].depth_limit_mm == 0.8
    assert _codes(plan.zones["left_cheek"].reasons) == ["depth_limited"]
    assert plan.zones["right_cheek"].reasons == ()
    loose = _plan(knowledge, zones=["nose"], depth_limit_mm={"nose": 0.5}).zones["nose"]
    # a limit at the maximum: no change
    assert loose.depth_limit_mm == knowledge.zones["nose"].max_depth_mm


@pytest.mark.parametrize(("limit", "capped"), [(2.0, False), (2.01, True), (3.5, True), (50, True)])
def test_a_limit_above_the_zones_maximum_is_capped_and_said(
    knowledge: Knowledge, limit: float, capped: bool
) -> None:
    plan = _plan(knowledge, qualitative_grade=4, depth_limit_mm={"left_cheek": limit})
    cheek = plan.zones["left_cheek"]
    assert cheek.depth_limit_mm == 2.0
    assert cheek.depth_range_mm.max == 2.0
    reasons = [r for r in cheek.reasons if r.code == "depth_capped"]
    assert bool(reasons) is capped
    assert plan.zones["right_cheek"].reasons == ()
    if capped:
        assert f"requested limit of {limit:g} mm" in reasons[0].text
        assert "Left cheek" in reasons[0].text


def test_a_clinic_limit_above_the_maximum_is_capped_and_said(knowledge: Knowledge) -> None:
    clinic = merge_overrides(
        knowledge, parse_overrides({"depth_limit_mm": {"right_cheek": 2.8}}, knowledge)
    )
    plan = plan_course(
        parse_plan_request(
            {
                "scar_types": ["rolling"],
                "qualitative_grade": 4,
                "fitzpatrick": 2,
                "zones": ["right_cheek"],
            },
            clinic,
        ),
        clinic,
    )
    assert plan.zones["right_cheek"].depth_limit_mm == 2.0
    [reason] = plan.zones["right_cheek"].reasons
    assert reason.code == "depth_capped"
    assert "the clinic's limit of 2.8 mm" in reason.text


def test_a_clinic_override_limits_depth_and_sets_the_price(knowledge: Knowledge) -> None:
    overrides = {
        "depth_limit_mm": {"right_cheek": 0.5},
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
    assert plan.zones["right_cheek"].depth_range_mm.max == 0.5
    assert plan.cost is not None
    assert plan.sessions is not None
    assert (plan.cost.total.min, plan.cost.total.max, plan.cost.currency) == (
        300 * plan.sessions.min,
        300 * plan.sessions.max,
        "GBP",
    )
    assert plan.cost.sources == ("clinic-price",)


def test_a_given_price_gives_cost_as_sessions_times_price(knowledge: Knowledge) -> None:
    plan = _plan(
        knowledge, price_per_session={"amount": 249.99, "currency": "USD"}, qualitative_grade=3
    )
    assert plan.cost is not None
    assert plan.cost.per_session.min == plan.cost.per_session.max == Decimal("249.99")
    assert plan.cost.total.min == Decimal("999.96")
    assert plan.cost.total.max == Decimal("1499.94")
    assert plan.cost.sources == ("clinic-price",)
    assert "clinic-price" in knowledge.sources


def test_course_total_is_sessions_times_price() -> None:
    assert course_total(5, Money(Decimal("349.99"), "EUR")) == Money(Decimal("1749.95"), "EUR")
    assert course_total(0, Money(Decimal("300"), "USD")).amount == 0


@pytest.mark.parametrize(("skin", "conservative"), [(1, False), (3, False), (4, True), (6, True)])
def test_darker_skin_prefills_conservative_settings(
    knowledge: Knowledge, skin: int, conservative: bool
) -> None:
    plan = _plan(knowledge, fitzpatrick=skin, qualitative_grade=3, zones=["left_cheek", "chin"])
    assert ("conservative_settings" in _codes(plan.reasons)) is conservative
    assert ("pih_risk" in _codes(plan.reasons)) is conservative
    assert plan.minimum_interval_weeks == (4 if conservative else 2)
    assert plan.interval_weeks is not None
    assert plan.interval_weeks.min >= (plan.minimum_interval_weeks or 0)
    for zone in plan.zones.values():
        expected = zone.depth_range_mm.min if conservative else zone.depth_range_mm.max
        assert zone.depth_mm == expected


@pytest.mark.parametrize(("skin", "cautioned"), [(3, False), (4, True), (5, True)])
def test_tca_cross_carries_a_pigmentation_caution_in_darker_skin(
    knowledge: Knowledge, skin: int, cautioned: bool
) -> None:
    tca = _adjunct(_plan(knowledge, scar_types=["icepick"], fitzpatrick=skin), "tca_cross")
    assert (_codes(tca.cautions) == ["pigmentation"]) is cautioned
    for caution in tca.cautions:
        assert "hyperpigmentation" in caution.text
        assert set(caution.sources) <= set(knowledge.sources)


def test_adjuncts_follow_the_scar_types(knowledge: Knowledge) -> None:
    assert _codes(_plan(knowledge, scar_types=["rolling"]).adjuncts) == ["subcision"]
    assert _codes(_plan(knowledge, scar_types=["icepick"]).adjuncts) == ["tca_cross"]
    both = _plan(knowledge, scar_types=["icepick", "rolling"], qualitative_grade=3)
    assert _codes(both.adjuncts) == ["subcision", "tca_cross", "prp"]
    for adjunct in both.adjuncts:
        assert adjunct.reason
        assert adjunct.cautions == ()
        assert set(adjunct.sources) <= set(knowledge.sources)


@pytest.mark.parametrize("finding", ["anticoagulation", "bleeding_disorder"])
def test_bleeding_findings_add_a_caution_to_subcision_and_prp(
    knowledge: Knowledge, finding: str
) -> None:
    plan = _plan(knowledge, scar_types=["rolling"], qualitative_grade=3, findings=[finding])
    for code in ("subcision", "prp"):
        [caution] = _adjunct(plan, code).cautions
        assert caution.code == "bleeding_risk"
        assert "prescriber" in caution.text
    calm = _plan(knowledge, scar_types=["rolling"], qualitative_grade=3, findings=["minor"])
    assert all(adjunct.cautions == () for adjunct in calm.adjuncts)


@pytest.mark.parametrize(
    ("findings", "zones", "prompted"),
    [
        (["herpes_history"], ["perioral", "chin"], True),
        (["herpes_history"], ["left_cheek"], False),
        ([], ["perioral"], False),
        (["anticoagulation"], ["perioral"], False),
    ],
)
def test_herpes_history_with_a_perioral_zone_prompts_antiviral_discussion(
    knowledge: Knowledge, findings: list[str], zones: list[str], prompted: bool
) -> None:
    plan = _plan(knowledge, findings=findings, zones=zones)
    assert ("antiviral_prophylaxis" in _codes(plan.reasons)) is prompted
    if prompted:
        note = next(r for r in plan.reasons if r.code == "antiviral_prophylaxis")
        assert "prescriber" in note.text


def test_flat_marks_alone_are_their_own_pathway(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["macular"], qualitative_grade=1, zones=ZONES)
    assert plan.suitable
    codes = _codes(plan.reasons)
    assert {"macular_pathway", "superficial_only"} <= set(codes)
    pathway = next(r for r in plan.reasons if r.code == "macular_pathway").text
    assert "sun protection" in pathway
    assert "topical" in pathway
    assert "0.5 mm" in pathway
    assert _codes(plan.adjuncts) == ["vascular_laser", "chemical_peel"]
    assert all(
        zone.depth_limit_mm <= 0.5 and zone.depth_range_mm.max <= 0.5
        for zone in plan.zones.values()
    )
    assert plan.expected_results == ()  # no study here treated flat marks


def test_flat_marks_cap_depth_even_at_a_contradictory_grade(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["macular"], qualitative_grade=4)
    cheek = plan.zones["left_cheek"]
    assert (cheek.depth_range_mm.max, cheek.depth_limit_mm) == (0.5, 0.5)
    assert cheek.reasons == ()  # the pathway says why


def test_flat_marks_with_contour_scars_keep_the_scar_depths(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["macular", "boxcar"], qualitative_grade=3)
    assert "macular_pathway" in _codes(plan.reasons)
    assert "superficial_only" not in _codes(plan.reasons)
    assert plan.zones["left_cheek"].depth_range_mm.max == 1.5
    assert {"vascular_laser", "chemical_peel"} <= set(_codes(plan.adjuncts))
    assert plan.expected_results  # shown for the boxcar scars the studies treated


def test_peels_in_darker_skin_carry_a_pigmentation_caution(knowledge: Knowledge) -> None:
    plan = _plan(knowledge, scar_types=["macular"], qualitative_grade=1, fitzpatrick=5)
    assert _codes(_adjunct(plan, "chemical_peel").cautions) == ["pigmentation"]
    assert _adjunct(plan, "vascular_laser").cautions == ()


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


def test_every_study_is_shown_only_for_scar_types_it_treated(knowledge: Knowledge) -> None:
    for outcome in knowledge.outcomes:
        assert outcome.when.scar_types
        assert outcome.when.scar_types <= set(ATROPHIC)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scar_types": []}, "^scar_types: must not be empty$"),
        ({"scar_types": ["pitted"]}, r"^scar_types\[0\]: must be one of: icepick"),
        ({"zones": ["left_cheek", "left_cheek"]}, r"^zones\[1\]: repeats 'left_cheek'$"),
        ({"zones": "chin"}, "^zones: must be a list$"),
        ({"qualitative_grade": 0}, "^qualitative_grade: must be an integer from 1 to 4$"),
        ({"fitzpatrick": None}, "^fitzpatrick: must be an integer from 1 to 6$"),
        ({"fitzpatrick": 0}, "^fitzpatrick: must be an integer from 1 to 6$"),
        ({"depth_limit_mm": {"chin": 0}}, r"^depth_limit_mm\.chin: must be greater than 0$"),
        ({"depth_limit_mm": {"chin": -1}}, r"^depth_limit_mm\.chin: must be a number"),
        ({"depth_limit_mm": {"chin": "deep"}}, r"^depth_limit_mm\.chin: must be a number"),
        ({"depth_limit_mm": {"elbow": 1}}, r"^depth_limit_mm\.elbow: unknown field"),
        ({"findings": ["cold_sores"]}, r"^findings\[0\]: must be one of: "),
        ({"findings": "herpes_history"}, "^findings: must be a list$"),
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


def test_a_missing_fitzpatrick_type_is_asked_for_never_assumed(knowledge: Knowledge) -> None:
    data = {"scar_types": ["boxcar"], "qualitative_grade": 2, "zones": ["chin"]}
    with pytest.raises(InvalidInput, match=r"^fitzpatrick: is required$"):
        parse_plan_request(data, knowledge)


@settings(max_examples=80, deadline=None)
@given(
    zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=len(ZONES), unique=True),
    limits=st.dictionaries(st.sampled_from(ZONES), st.floats(0.05, 50.0)),
    clinic_limits=st.dictionaries(st.sampled_from(ZONES), st.floats(0.05, 3.0)),
    grade=st.integers(1, 4),
    skin=st.integers(1, 6),
    scar_types=st.lists(
        st.sampled_from([*ATROPHIC, "macular"]), min_size=1, max_size=4, unique=True
    ),
)
def test_depth_is_never_above_any_limit(
    knowledge: Knowledge,
    zones: list[str],
    limits: dict[str, float],
    clinic_limits: dict[str, float],
    grade: int,
    skin: int,
    scar_types: list[str],
) -> None:
    clinic = merge_overrides(
        knowledge, parse_overrides({"depth_limit_mm": clinic_limits}, knowledge)
    )
    request = {
        "scar_types": scar_types,
        "qualitative_grade": grade,
        "fitzpatrick": skin,
        "zones": zones,
        "depth_limit_mm": limits,
    }
    plan = plan_course(parse_plan_request(request, clinic), clinic)
    flat_only = scar_types == ["macular"]
    assert list(plan.zones) == zones
    for name, zone in plan.zones.items():
        ceiling = min(
            clinic.zones[name].depth_limit_mm,
            limits.get(name, math.inf),
            knowledge.zones[name].max_depth_mm,
            0.5 if flat_only else math.inf,
        )
        assert zone.depth_limit_mm == ceiling
        assert 0 < zone.depth_range_mm.min <= zone.depth_mm <= zone.depth_range_mm.max <= ceiling
        assert zone.depth_range_mm.max <= knowledge.zones[name].depth_by_grade[grade].max
        maximum = knowledge.zones[name].max_depth_mm
        capped = max(clinic.zones[name].depth_limit_mm, limits.get(name, 0)) > maximum
        assert ("depth_capped" in _codes(zone.reasons)) is capped


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    grades=st.lists(st.integers(1, 4), min_size=2, max_size=2, unique=True).map(sorted),
    skin=st.integers(1, 6),
    limit=st.floats(0.05, 50.0) | st.none(),
)
def test_depth_never_falls_as_the_grade_rises(
    knowledge: Knowledge, zone: str, grades: list[int], skin: int, limit: float | None
) -> None:
    extra = {} if limit is None else {"depth_limit_mm": {zone: limit}}
    lower, higher = (
        _plan(knowledge, zones=[zone], qualitative_grade=g, fitzpatrick=skin, **extra).zones[zone]
        for g in grades
    )
    assert lower.depth_range_mm.min <= higher.depth_range_mm.min
    assert lower.depth_range_mm.max <= higher.depth_range_mm.max
    assert lower.depth_mm <= higher.depth_mm
