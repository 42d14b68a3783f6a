"""The knowledge files: load, validate, cite, and take a clinic's overrides."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from needlepoint.domain.errors import InvalidInput, KnowledgeError
from needlepoint.domain.knowledge import (
    ClinicOverrides,
    Knowledge,
    build_knowledge,
    merge_overrides,
    parse_overrides,
    read_documents,
)
from needlepoint.domain.knowledge.model.aftercare import Window
from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.knowledge.model.measures import CLINIC_INSTRUMENT_SOURCE
from needlepoint.domain.knowledge.model.planning import CLINIC_PRICE_SOURCE
from needlepoint.domain.serialization import to_json


def _cited_ids(value: object) -> set[str]:
    """Every source id cited anywhere in the knowledge."""
    if isinstance(value, dict):
        found = set(value["sources"]) if isinstance(value.get("sources"), list) else set()
        return found.union(*(_cited_ids(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_cited_ids(item) for item in value))
    return set()


def _broken(change: Any) -> dict[str, Any]:
    documents = copy.deepcopy(read_documents())
    change(documents)
    return documents


def _question(documents: dict[str, Any], name: str) -> dict[str, Any]:
    return next(q for q in documents["contraindications.toml"]["question"] if q["name"] == name)


def _rule(documents: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in documents["contraindications.toml"]["rule"] if r["code"] == code)


def test_the_shipped_knowledge_loads(knowledge: Knowledge) -> None:
    assert knowledge.goodman_baron.max_score == 78  # per-row scoring, as decided
    assert knowledge.ecca.max_score == 540
    assert {f"seed-00{n}" for n in range(5)} <= set(knowledge.sources)
    assert len(knowledge.screening_rules) >= 17


def test_every_source_is_cited_and_every_citation_exists(knowledge: Knowledge) -> None:
    data = to_json(
        {key: getattr(knowledge, key) for key in knowledge.__dataclass_fields__ if key != "sources"}
    )
    # a clinic's own price cites `clinic-price` once the clinic sets one, its own
    # questionnaire `clinic-instrument` once it loads one
    assert _cited_ids(data) | {CLINIC_PRICE_SOURCE, CLINIC_INSTRUMENT_SOURCE} == set(
        knowledge.sources
    )


def test_values_the_facts_mark_uncertain_say_so(knowledge: Knowledge) -> None:
    assert knowledge.goodman_baron.confidence is Confidence.RECALLED
    assert knowledge.ecca.confidence is Confidence.RECALLED
    assert knowledge.zones["temples"].confidence is Confidence.DECISION
    assert knowledge.worsening.confidence is Confidence.INFERENCE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["aftercare.toml"]["instruction"][0]["sources"].append("nobody-2099"),
            r"aftercare\.toml: instruction\[0\]\.sources\[5\]: unknown source id 'nobody-2099'",
        ),
        (
            lambda d: d["recovery.toml"]["course"][0]["phases"][2].update(from_hour=12),
            r"recovery\.toml: course\[0\]\.phases\[2\]: phases overlap or are out of order",
        ),
        (
            lambda d: d["contraindications.toml"]["rule"][0].pop("severity"),
            r"contraindications\.toml: rule\[0\]\.severity: is required",
        ),
        (
            lambda d: d.pop("zones.toml"),
            r"zones\.toml: file is missing",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][1].update(ends_after_hours=0),
            r"aftercare\.toml: instruction\[1\]\.ends_after_hours: must be after starts_after",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"].append(
                d["aftercare.toml"]["instruction"][0]
            ),
            r"instruction code 'only_clinic_products' is defined twice",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][6].update(ends_after_hours=100),
            r"instruction\[6\]: give one end: ends_after_hours or ends_months_after_course",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][1].pop("ends_after_hours"),
            r"instruction\[1\]: give one end: ends_after_hours or ends_months_after_course",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][6].update(starts_after_hours=700),
            r"instruction\[6\]\.starts_after_hours: must be under 672 with ends_months_after",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][8].update(text="Call {phone} now."),
            r"instruction\[8\]\.text: braces are kept for \{clinic\}, the clinic's contact",
        ),
        (
            lambda d: d["aftercare.toml"]["instruction"][5].update(sun="yes"),
            r"instruction\[5\]\.sun: must be true or false",
        ),
        (
            lambda d: d["aftercare.toml"]["after_sunset"].update(morning_hour=13),
            r"aftercare\.toml: after_sunset\.morning_hour: must be an integer from 0 to 12",
        ),
        (
            lambda d: d["aftercare.toml"].pop("after_sunset"),
            r"aftercare\.toml: after_sunset: is required",
        ),
        (
            lambda d: d["scar_scales.toml"]["ecca"]["count_bands"].reverse(),
            r"scar_scales\.toml: ecca\.count_bands\[0\]: give one limit",
        ),
        (
            lambda d: d["scar_scales.toml"]["ecca"]["count_bands"][1].update(up_to=3),
            r"ecca\.count_bands\[1\]: bands overlap or are out of order",
        ),
        (
            lambda d: d["contraindications.toml"]["rule"][0].update(when={"below": 3}),
            r"rule\[0\]\.when\.below: does not apply to the boolean question",
        ),
        (
            lambda d: d["contraindications.toml"]["rule"][0].update(question="shoe_size"),
            r"rule\[0\]\.question: must be one of",
        ),
        (
            lambda d: _question(d, "isotretinoin_months_ago").pop("never"),
            r"question\[\d+\]\.never: is required for a months_ago question",
        ),
        (
            lambda d: _question(d, "age").update(never="Never"),
            r"question\[0\]\.never: does not apply for a integer question",
        ),
        (
            lambda d: _rule(d, "isotretinoin_recent").update(when={"equals": "never"}),
            r"rule\[\d+\]\.when\.equals: does not apply to the months_ago question",
        ),
        (
            lambda d: d["zones.toml"]["zones"]["forehead"].update(max_depth_mm=9),
            r"zones\.forehead\.max_depth_mm: must be a number from 0 to 3",
        ),
        (
            lambda d: d["zones.toml"]["zones"]["chin"]["depth_by_grade"][3].update(max=1.6),
            r"zones\.chin\.depth_by_grade\[3\]\.max: must be a number from 0 to 1\.5",
        ),
        (
            lambda d: d["zones.toml"]["zones"]["chin"]["depth_by_grade"][3].update(min=0.6),
            r"zones\.chin\.depth_by_grade\[3\]: depth must not fall as the grade rises",
        ),
        (
            lambda d: d["zones.toml"]["zones"]["chin"]["depth_by_grade"].pop(),
            r"zones\.chin\.depth_by_grade: must give each qualitative grade once",
        ),
        (
            lambda d: d["planning.toml"]["scar_types"]["macular"].pop("max_depth_mm"),
            r"scar_types\.macular\.max_depth_mm: is required to a superficial scar type",
        ),
        (
            lambda d: d["planning.toml"]["note"][0]["when"].update(findings=["cold_sores"]),
            r"planning\.toml: note\[0\]\.when\.findings\[0\]: must be one of",
        ),
        (
            lambda d: d["planning.toml"]["note"][0].update(caution=[]),
            r"planning\.toml: note\[0\]\.caution: unknown field",
        ),
        (
            lambda d: d["outcomes.toml"]["outcome"][0].update(when={"min_grade": 2}),
            r"outcome\[0\]\.when\.scar_types: is required: the scar types the study treated",
        ),
        (
            lambda d: d["scar_scales.toml"]["qualitative"]["check"][0]["when"][0].update(
                items=["elbow"]
            ),
            r"qualitative\.check\[0\]\.when\[0\]\.items\[0\]: must be one of",
        ),
        (
            lambda d: d["scar_scales.toml"]["qualitative"]["check"][0]["when"][0].pop("more_than"),
            r"qualitative\.check\[0\]\.when\[0\]: give more_than or fewer_than",
        ),
        (
            lambda d: d["sources.toml"].pop("clinic-price"),
            r"sources\.toml: 'clinic-price' must be defined",
        ),
        (
            lambda d: d["recovery.toml"]["course"][6]["phases"][0].pop("concern"),
            r"recovery\.toml: course\[6\]\.phases\[0\]\.concern: is required",
        ),
        (
            lambda d: d["planning.toml"]["course"]["sessions_by_grade"].pop(),
            r"planning\.toml: course\.sessions_by_grade: must give each qualitative grade",
        ),
        (
            lambda d: d["recovery.toml"]["checkins"].update(days=[3, 1]),
            r"recovery\.toml: checkins\.days: must be increasing days after the session",
        ),
        (
            lambda d: d["planning.toml"]["course"].update(minimum_interval_weeks=5),
            r"course\.minimum_interval_weeks: must be an integer from 1 to 4",
        ),
        (
            lambda d: d["outcomes.toml"]["outcome"][0]["when"].update(min_grade=7),
            r"outcomes\.toml: outcome\[0\]\.when\.min_grade: must be an integer from 1 to 4",
        ),
        (
            lambda d: d["outcomes.toml"]["progress"].update(at_follow_ups="yes"),
            r"outcomes\.toml: progress\.at_follow_ups: must be true or false",
        ),
        (
            lambda d: d["outcomes.toml"]["progress"].update(after_sessions=["first"]),
            r"outcomes\.toml: progress\.after_sessions\[0\]: must be one of",
        ),
    ],
)
def test_broken_knowledge_is_a_clear_error(change: Any, message: str) -> None:
    with pytest.raises(KnowledgeError, match=message):
        build_knowledge(_broken(change))


def test_thin_zones_are_shallower_than_the_cheeks(knowledge: Knowledge) -> None:
    for name in ("periorbital", "forehead", "nose", "temples", "neck"):
        zone = knowledge.zones[name]
        assert zone.thin
        assert zone.max_depth_mm <= 0.5 < knowledge.zones["left_cheek"].max_depth_mm
        assert zone.depth_limit_mm == zone.max_depth_mm  # a clinic's limit defaults to the maximum
    for zone in knowledge.zones.values():
        assert zone.depth_by_grade[1].max <= 0.5  # flat marks are never needled deeper
        assert "consumer-depth-guides" not in zone.sources


def test_aftercare_defaults_are_the_seeds_values(knowledge: Knowledge) -> None:
    windows = {item.code: item.window for item in knowledge.aftercare}
    assert windows["no_makeup"] == Window(0, 24)
    assert windows["avoid_heat_and_sweat"] == Window(0, 48)
    assert windows["avoid_sun"] == Window(0, 14 * 24)
    assert windows["only_clinic_products"] == Window(0, 24)
    assert windows["gentle_skincare"] == Window(24, 7 * 24)
    assert windows["sunscreen"] == Window(24, ends_months_after_course=3)
    assert knowledge.after_sunset.morning_hour == 7
    sunscreen = next(item for item in knowledge.aftercare if item.code == "sunscreen")
    assert "SPF 30" in sunscreen.text


def test_merge_overrides_is_the_one_place_for_clinic_values(knowledge: Knowledge) -> None:
    overrides = parse_overrides(
        {
            "price_per_session": {"amount": 350, "currency": "EUR"},
            "depth_limit_mm": {"left_cheek": 1.2},
            "aftercare": {"no_makeup": {"starts_after_hours": 0, "ends_after_hours": 48}},
        },
        knowledge,
    )
    merged = merge_overrides(knowledge, overrides)
    assert merged.course.price_per_session.min == merged.course.price_per_session.max
    assert merged.course.price_per_session.min == Decimal(350)
    assert merged.course.price_per_session.currency == "EUR"
    assert merged.zones["left_cheek"].depth_limit_mm == 1.2
    assert (
        merged.zones["right_cheek"].depth_limit_mm == knowledge.zones["right_cheek"].depth_limit_mm
    )
    assert {i.code: i.window for i in merged.aftercare}["no_makeup"] == Window(0, 48)
    assert merge_overrides(knowledge, ClinicOverrides()) == knowledge


def test_merge_refuses_unknown_names(knowledge: Knowledge) -> None:
    with pytest.raises(KnowledgeError, match="unknown zone or instruction"):
        merge_overrides(knowledge, ClinicOverrides(depth_limit_mm={"elbow": 1.0}))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"depth_limit_mm": {"elbow": 1}}, r"^depth_limit_mm\.elbow: unknown field"),
        ({"depth_limit_mm": {"nose": 4}}, r"^depth_limit_mm\.nose: must be a number from 0 to 3"),
        ({"depth_limit_mm": {"nose": 0}}, r"^depth_limit_mm\.nose: must be greater than 0"),
        (
            {"aftercare": {"no_makeup": {"starts_after_hours": 5, "ends_after_hours": 2}}},
            r"^aftercare\.no_makeup\.ends_after_hours: must be a number of at least 5",
        ),
        ({"aftercare": {"tanning": {}}}, r"^aftercare\.tanning: unknown field"),
        (
            {"aftercare": {"sunscreen": {"starts_after_hours": 24}}},
            r"^aftercare\.sunscreen: give one end: ends_after_hours or ends_months_after_course",
        ),
        (
            {"aftercare": {"sunscreen": {"starts_after_hours": 0, "ends_months_after_course": 0}}},
            r"^aftercare\.sunscreen\.ends_months_after_course: must be an integer from 1 to 24",
        ),
        ({"price_per_session": {"amount": -1, "currency": "USD"}}, r"price_per_session\.amount"),
        ({"discount": 1}, r"^discount: unknown field"),
    ],
)
def test_bad_overrides_name_the_field(knowledge: Knowledge, data: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_overrides(data, knowledge)
