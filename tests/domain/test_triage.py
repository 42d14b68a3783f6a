"""Triage: check-ins judged against each symptom's expected course; red flags always escalate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model import Level
from needlepoint.domain.triage import Triage, parse_checkin, triage

PERFORMED = datetime(2025, 3, 1, 10, tzinfo=UTC)
SCALES = ["redness", "swelling", "pain"]
FLAGS = [
    "itching",
    "dryness_flaking",
    "dark_spots",
    "dark_spots_worsening",
    "pus",
    "fever",
    "spreading_redness",
    "blisters",
    "rash_or_hives",
    "difficulty_breathing",
    "new_lumps",
    "bleeding",
]
RED_FLAGS = [
    "pus",
    "fever",
    "spreading_redness",
    "blisters",
    "rash_or_hives",
    "difficulty_breathing",
    "new_lumps",
    "dark_spots_worsening",
]


def _at(hours: float) -> str:
    return (PERFORMED + timedelta(hours=hours)).isoformat()


def _triage(knowledge: Knowledge, hours: float, previous: Any = None, **symptoms: Any) -> Triage:
    data: dict[str, Any] = {
        "performed_at": PERFORMED.isoformat(),
        "reported_at": _at(hours),
        "symptoms": symptoms,
    }
    if previous is not None:
        data["previous"] = previous
    return triage(parse_checkin(data, knowledge), knowledge)


def _red_flags(hours: float, flags: set[str]) -> set[str]:
    return (flags & set(RED_FLAGS)) | ({"bleeding"} & flags if hours >= 24 else set())


def test_usual_first_day_is_expected(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 6, redness=6, swelling=4, pain=3, bleeding=True)
    assert result.level is Level.EXPECTED
    assert {reason.level for reason in result.reasons} == {Level.EXPECTED}
    assert result.expected_course.days_since_session == 0
    normal = {note.symptom: note.text for note in result.expected_course.symptoms}
    assert "mild sunburn" in normal["redness"]
    assert "usual" in result.advice.text


def test_nothing_reported_is_expected(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 30)
    assert result.level is Level.EXPECTED
    assert result.reasons == ()


def test_symptoms_settle_within_days(knowledge: Knowledge) -> None:
    assert _triage(knowledge, 48, redness=4, swelling=3).level is Level.EXPECTED
    assert _triage(knowledge, 48, redness=6).level is Level.MONITOR
    assert _triage(knowledge, 48, pain=6).level is Level.CONTACT_CLINIC
    assert _triage(knowledge, 100, redness=2).level is Level.EXPECTED
    assert _triage(knowledge, 100, swelling=3).level is Level.CONTACT_CLINIC


def test_redness_persisting_beyond_a_week_escalates(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 8 * 24, redness=1)
    assert result.level is Level.CONTACT_CLINIC
    [reason] = result.reasons
    assert "more than a week" in reason.text
    assert reason.sources


def test_dryness_within_a_week_is_expected_and_after_is_monitored(knowledge: Knowledge) -> None:
    assert _triage(knowledge, 4 * 24, dryness_flaking=True).level is Level.EXPECTED
    assert _triage(knowledge, 9 * 24, dryness_flaking=True).level is Level.MONITOR


def test_dark_spots_fade_over_months_then_need_review(knowledge: Knowledge) -> None:
    assert _triage(knowledge, 3 * 7 * 24, dark_spots=True).level is Level.EXPECTED
    assert _triage(knowledge, 100 * 24, dark_spots=True).level is Level.CONTACT_CLINIC
    assert _triage(knowledge, 3 * 24, dark_spots_worsening=True).level is Level.CONTACT_CLINIC


def test_bleeding_is_usual_only_on_the_first_day(knowledge: Knowledge) -> None:
    assert _triage(knowledge, 2, bleeding=True).level is Level.EXPECTED
    assert _triage(knowledge, 30, bleeding=True).level is Level.CONTACT_CLINIC


@pytest.mark.parametrize(
    ("flag", "level"),
    [
        ("pus", Level.CONTACT_CLINIC),
        ("spreading_redness", Level.CONTACT_CLINIC),
        ("blisters", Level.CONTACT_CLINIC),
        ("rash_or_hives", Level.CONTACT_CLINIC),
        ("new_lumps", Level.CONTACT_CLINIC),
        ("fever", Level.URGENT),
        ("difficulty_breathing", Level.URGENT),
    ],
)
def test_red_flags(knowledge: Knowledge, flag: str, level: Level) -> None:
    result = _triage(knowledge, 3, **{flag: True, "redness": 2})
    assert result.level is level
    assert result.reasons[0].symptom == flag
    assert result.reasons[0].sources
    assert "usual" not in result.reasons[0].text
    assert "usual" not in result.advice.text


def test_worsening_after_two_days_escalates(knowledge: Knowledge) -> None:
    earlier = {"reported_at": _at(30), "symptoms": {"pain": 1}}
    result = _triage(knowledge, 60, previous=earlier, pain=2)
    assert result.level is Level.CONTACT_CLINIC
    assert [reason.code for reason in result.reasons] == ["pain_worsening", "pain"]
    same = _triage(knowledge, 60, previous=earlier, pain=1)
    assert same.level is Level.EXPECTED
    early = _triage(knowledge, 20, previous={"reported_at": _at(2)}, swelling=5)
    assert early.level is Level.EXPECTED  # swelling often peaks on the first day


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reported_at": _at(1)}, "^performed_at: is required$"),
        (
            {"performed_at": _at(5), "reported_at": _at(1)},
            "^reported_at: must not be before performed_at$",
        ),
        (
            {"performed_at": "2025-03-01T10:00:00", "reported_at": _at(1)},
            "^performed_at: must include a UTC offset",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(1), "symptoms": {"redness": 11}},
            r"^symptoms\.redness: must be an integer from 0 to 10$",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(1), "symptoms": {"pus": "yes"}},
            r"^symptoms\.pus: must be true or false$",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(1), "symptoms": {"nausea": True}},
            r"^symptoms\.nausea: unknown field",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(9), "previous": {"reported_at": _at(10)}},
            r"^previous\.reported_at: must be between performed_at and reported_at$",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(9), "mood": "fine"},
            r"^mood: unknown field",
        ),
    ],
)
def test_invalid_check_ins_name_the_field(
    knowledge: Knowledge, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_checkin(data, knowledge)


_hours = st.floats(0, 200 * 24)
_scales = st.dictionaries(st.sampled_from(SCALES), st.integers(0, 10))
_flags = st.sets(st.sampled_from(FLAGS))


def _level(knowledge: Knowledge, hours: float, scales: dict[str, int], flags: set[str]) -> Level:
    return _triage(knowledge, hours, **scales, **dict.fromkeys(flags, True)).level


@settings(max_examples=80, deadline=None)
@given(hours=_hours, scales=_scales, flags=_flags)
def test_a_red_flag_is_never_expected(
    knowledge: Knowledge, hours: float, scales: dict[str, int], flags: set[str]
) -> None:
    level = _level(knowledge, hours, scales, flags)
    if _red_flags(hours, flags):
        assert level.rank >= Level.CONTACT_CLINIC.rank
    if flags & {"fever", "difficulty_breathing"}:
        assert level is Level.URGENT


@settings(max_examples=80, deadline=None)
@given(hours=_hours, scales=_scales, flags=_flags, red_flag=st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_the_level(
    knowledge: Knowledge, hours: float, scales: dict[str, int], flags: set[str], red_flag: str
) -> None:
    before = _level(knowledge, hours, scales, flags)
    after = _level(knowledge, hours, scales, flags | {red_flag})
    assert after.rank >= before.rank
    assert after.rank >= Level.CONTACT_CLINIC.rank
