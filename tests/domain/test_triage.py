"""Triage: check-ins judged against each symptom's expected course; red flags always escalate."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.errors import InvalidInput, KnowledgeError
from needlepoint.domain.knowledge import Knowledge, build_knowledge, read_documents
from needlepoint.domain.knowledge.model.recovery import Level, SymptomKind
from needlepoint.domain.triage import (
    PREVIOUS_OUTSIDE_WINDOW,
    SESSION_TIME_IN_FUTURE,
    CheckIn,
    PatientContext,
    Symptoms,
    Triage,
    parse_checkin,
    triage,
)

PERFORMED = datetime(2025, 3, 1, 10, tzinfo=UTC)
MINUTE = 1 / 60
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
# The expected course of the scale symptoms, as (from hour, expected up to, monitor up to):
# falling over the first week (Chu 2021), strictest after the second.
SCALE_PHASES = {
    "redness": [(0, 7, 9), (24, 6, 8), (72, 3, 5), (120, 2, 4), (192, 0, 2), (336, 0, 0)],
    "swelling": [(0, 6, 8), (24, 4, 6), (72, 2, 4), (120, 1, 3), (192, 0, 1), (336, 0, 0)],
    "pain": [(0, 4, 6), (24, 3, 5), (72, 2, 3), (120, 1, 2), (192, 0, 1), (336, 0, 0)],
}
# From which hour each flag is at least contact_clinic (its early window).
EARLY_WINDOWS = {
    "itching": 168,
    "dryness_flaking": 336,
    "dark_spots": 2160,
    "dark_spots_worsening": 0,
    "pus": 0,
    "fever": 0,
    "spreading_redness": 0,
    "blisters": 0,
    "rash_or_hives": 0,
    "difficulty_breathing": 0,
    "new_lumps": 0,
    "bleeding": 2,
}
LIGHT_SKIN = PatientContext(fitzpatrick=2)


def _at(hours: float) -> str:
    return (PERFORMED + timedelta(hours=hours)).isoformat()


def _triage(
    knowledge: Knowledge,
    hours: float,
    previous: Any = None,
    patient: Any = None,
    **symptoms: Any,
) -> Triage:
    data: dict[str, Any] = {
        "performed_at": PERFORMED.isoformat(),
        "reported_at": _at(hours),
        "symptoms": symptoms,
    }
    if previous is not None:
        data["previous"] = previous
    if patient is not None:
        data["patient"] = patient
    return triage(parse_checkin(data, knowledge), knowledge)


def _level(
    knowledge: Knowledge,
    hours: float,
    scales: dict[str, int],
    flags: set[str],
    patient: PatientContext = LIGHT_SKIN,
) -> Level:
    checkin = CheckIn(
        performed_at=PERFORMED,
        reported_at=PERFORMED + timedelta(hours=hours),
        symptoms=Symptoms(scales, frozenset(flags)),
        patient=patient,
    )
    return triage(checkin, knowledge).level


# The expected course of the scale symptoms


def test_the_scale_courses_are_the_ones_specified(knowledge: Knowledge) -> None:
    for symptom, phases in SCALE_PHASES.items():
        course = knowledge.recovery[symptom]
        found = [
            (phase.from_hour, phase.response.expected_max, phase.response.monitor_max)
            for phase in course.phases
            if not isinstance(phase.response, Level)
        ]
        assert found == phases, symptom
        assert {"chu-2021", "gowda-2021"} <= set(course.sources)


def _boundaries() -> list[tuple[str, float, int, int]]:
    """Each scale phase at its first hour and a minute before the next phase starts."""
    cases = []
    for symptom, phases in SCALE_PHASES.items():
        for index, (start, expected, monitor) in enumerate(phases):
            cases.append((symptom, start, expected, monitor))
            if index + 1 < len(phases):
                cases.append((symptom, phases[index + 1][0] - MINUTE, expected, monitor))
    return cases


@pytest.mark.parametrize(("symptom", "hours", "expected", "monitor"), _boundaries())
def test_each_scale_phase_holds_from_its_first_to_its_last_minute(
    knowledge: Knowledge, symptom: str, hours: float, expected: int, monitor: int
) -> None:
    def level(intensity: int) -> Level:
        return _level(knowledge, hours, {symptom: intensity}, set())

    assert level(expected) is Level.EXPECTED
    if monitor > expected:
        assert level(expected + 1) is Level.MONITOR
        assert level(monitor) is Level.MONITOR
    if monitor < 10:
        assert level(monitor + 1) is Level.CONTACT_CLINIC


@pytest.mark.parametrize("hours", [0, 12, 24, 36, 48 - MINUTE])
def test_moderate_redness_on_the_first_days_is_expected(knowledge: Knowledge, hours: float) -> None:
    assert _level(knowledge, hours, {"redness": 6}, set()) is Level.EXPECTED


@pytest.mark.parametrize("hours", [72, 100, 168, 191])
def test_faint_redness_to_the_end_of_day_seven_is_at_most_monitor(
    knowledge: Knowledge, hours: float
) -> None:
    for intensity in (1, 2):
        level = _level(knowledge, hours, {"redness": intensity}, set())
        assert level.rank <= Level.MONITOR.rank


@pytest.mark.parametrize("hours", [168, 192, 400, 2000])
def test_strong_redness_after_a_week_contacts_the_clinic(
    knowledge: Knowledge, hours: float
) -> None:
    assert _level(knowledge, hours, {"redness": 7}, set()) is Level.CONTACT_CLINIC


def test_usual_first_day_is_expected_and_says_so(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 6, redness=6, swelling=4, pain=3)
    assert result.level is Level.EXPECTED
    assert {reason.level for reason in result.reasons} == {Level.EXPECTED}
    assert all("within the usual course" in reason.text for reason in result.reasons)
    assert result.expected_course.days_since_session == 0
    normal = {note.symptom: note.text for note in result.expected_course.symptoms}
    assert "mild sunburn" in normal["redness"]
    assert "usual" in result.advice.text
    assert result.anomalies == ()
    assert result.emergency == ()


def test_nothing_reported_is_expected(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 30)
    assert result.level is Level.EXPECTED
    assert result.reasons == ()


def test_redness_lasting_beyond_two_weeks_needs_review(knowledge: Knowledge) -> None:
    assert _triage(knowledge, 9 * 24, redness=1).level is Level.MONITOR
    result = _triage(knowledge, 15 * 24, redness=1)
    assert result.level is Level.CONTACT_CLINIC
    [reason] = result.reasons
    assert "more than two weeks" in reason.text
    assert "chu-2021" in reason.sources


# Flags: early windows and the floor


def test_every_flag_declares_its_early_window(knowledge: Knowledge) -> None:
    flags = {
        name: course.early_window_hours
        for name, course in knowledge.recovery.items()
        if course.kind is SymptomKind.FLAG
    }
    assert flags == EARLY_WINDOWS
    assert all(
        course.early_window_hours is None
        for course in knowledge.recovery.values()
        if course.kind is SymptomKind.SCALE
    )


@pytest.mark.parametrize(("flag", "window"), EARLY_WINDOWS.items())
def test_a_flag_reaches_the_clinic_from_its_early_window(
    knowledge: Knowledge, flag: str, window: float
) -> None:
    if window > 0:
        assert _level(knowledge, window - MINUTE, {}, {flag}).rank < Level.CONTACT_CLINIC.rank
    for hours in (window, window + 1, window + 24 * 365):
        assert _level(knowledge, hours, {}, {flag}).rank >= Level.CONTACT_CLINIC.rank


def test_dryness_is_expected_for_a_week_then_monitored_then_reviewed(
    knowledge: Knowledge,
) -> None:
    assert _triage(knowledge, 4 * 24, dryness_flaking=True).level is Level.EXPECTED
    assert _triage(knowledge, 9 * 24, dryness_flaking=True).level is Level.MONITOR
    assert _triage(knowledge, 15 * 24, dryness_flaking=True).level is Level.CONTACT_CLINIC


def test_bleeding_gets_first_aid_for_two_hours_then_the_clinic(knowledge: Knowledge) -> None:
    early = _triage(knowledge, 1, bleeding=True)
    assert early.level is Level.MONITOR
    assert "clean gauze for 10 minutes" in early.reasons[0].text
    assert _level(knowledge, 2 - MINUTE, {}, {"bleeding"}) is Level.MONITOR
    late = _triage(knowledge, 2, bleeding=True)
    assert late.level is Level.CONTACT_CLINIC
    assert "clean gauze" in late.reasons[0].text


@pytest.mark.parametrize("finding", ["anticoagulation", "bleeding_disorder"])
def test_anticoagulants_or_a_bleeding_disorder_reach_the_clinic_sooner(
    knowledge: Knowledge, finding: str
) -> None:
    patient = PatientContext(fitzpatrick=2, findings=frozenset({finding}))
    assert _level(knowledge, 1 - MINUTE, {}, {"bleeding"}, patient) is Level.MONITOR
    assert _level(knowledge, 1, {}, {"bleeding"}, patient) is Level.CONTACT_CLINIC
    assert _level(knowledge, 1, {}, {"bleeding"}) is Level.MONITOR  # without the finding
    result = _triage(knowledge, 1.5, bleeding=True, patient={"findings": [finding]})
    assert "do not stop or change any prescribed medicine" in result.reasons[0].text
    assert "seed-002" in result.reasons[0].sources


def test_new_dark_spots_tell_the_clinic_and_darker_skin_contacts_it(
    knowledge: Knowledge,
) -> None:
    lighter = _triage(knowledge, 3 * 7 * 24, dark_spots=True, patient={"fitzpatrick": 3})
    assert lighter.level is Level.MONITOR
    assert "before your next session" in lighter.reasons[0].text
    for skin in (4, 5, 6, None):  # an unrecorded skin type takes the stricter course
        patient = PatientContext(fitzpatrick=skin)
        assert _level(knowledge, 2, {}, {"dark_spots"}, patient) is Level.CONTACT_CLINIC
    assert _level(knowledge, 2160, {}, {"dark_spots"}) is Level.CONTACT_CLINIC
    assert _level(knowledge, 3 * 24, {}, {"dark_spots_worsening"}) is Level.CONTACT_CLINIC


def test_rash_or_hives_says_when_to_call_emergency_services(knowledge: Knowledge) -> None:
    result = _triage(knowledge, 5, rash_or_hives=True, itching=True)
    assert result.level is Level.CONTACT_CLINIC
    [line] = result.emergency
    assert "emergency number" in line
    assert all(word in line for word in ("lips", "tongue", "throat", "breathing", "faint"))
    assert _triage(knowledge, 5, pus=True).emergency == ()


def test_what_a_new_lump_can_be_depends_on_when_it_appears(knowledge: Knowledge) -> None:
    hours = _triage(knowledge, 5, new_lumps=True).reasons[0].text
    assert all(word in hours for word in ("bruise", "wheal", "abscess"))
    assert "granuloma" not in hours
    weeks = _triage(knowledge, 3 * 7 * 24, new_lumps=True).reasons[0].text
    assert "granuloma" in weeks
    assert "bruise" not in weeks


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
def test_red_flags_never_come_with_reassurance(
    knowledge: Knowledge, flag: str, level: Level
) -> None:
    result = _triage(knowledge, 30, **{flag: True, "redness": 2, "dryness_flaking": True})
    assert result.level is level
    assert result.reasons[0].symptom == flag
    assert result.reasons[0].sources
    assert all("within the usual course" not in reason.text for reason in result.reasons)
    assert "usual" not in result.reasons[0].text
    assert "usual" not in result.advice.text
    assert result.expected_course.symptoms == ()
    [redness] = [reason for reason in result.reasons if reason.symptom == "redness"]
    assert redness.level is Level.EXPECTED
    assert redness.text == "Redness 2/10 1 day after the session (usual: up to 6/10)."


# Worsening between check-ins


def test_worsening_takes_a_rise_of_two_points_or_above_expected(knowledge: Knowledge) -> None:
    earlier = {"reported_at": _at(30), "symptoms": {"pain": 1}}
    small = _triage(knowledge, 60, previous=earlier, pain=2)  # +1, within expected
    assert small.level is Level.EXPECTED
    rise = _triage(knowledge, 60, previous=earlier, pain=3)  # +2, still within expected
    assert rise.level is Level.CONTACT_CLINIC
    [reason] = rise.reasons
    assert reason.code == "pain_worsening"
    assert "up from 1/10" in reason.text
    assert "within the usual course" not in reason.text
    assert "fact-sheet" in reason.sources
    above = _triage(
        knowledge, 80, previous={"reported_at": _at(60), "symptoms": {"pain": 3}}, pain=4
    )
    [reason] = above.reasons  # above expected and rising: one reason, not two
    assert (reason.code, reason.level) == ("pain_worsening", Level.CONTACT_CLINIC)
    assert "more than usual" in reason.text


def test_no_worsening_in_the_first_two_days_or_without_a_rise(knowledge: Knowledge) -> None:
    early = _triage(knowledge, 20, previous={"reported_at": _at(2)}, swelling=5)
    assert early.level is Level.EXPECTED  # swelling often peaks on the first day
    same = _triage(
        knowledge, 80, previous={"reported_at": _at(60), "symptoms": {"pain": 3}}, pain=3
    )
    assert same.level is Level.MONITOR
    assert [reason.code for reason in same.reasons] == ["pain"]


# Times that do not add up


def test_a_session_time_after_the_report_is_triaged_from_the_report(
    knowledge: Knowledge,
) -> None:
    data = {
        "performed_at": _at(5),
        "reported_at": _at(1),
        "symptoms": {"fever": True, "pus": True, "spreading_redness": True},
    }
    result = triage(parse_checkin(data, knowledge), knowledge)
    assert result.level is Level.URGENT
    assert result.expected_course.hours_since_session == 0
    [anomaly] = result.anomalies
    assert anomaly.code == SESSION_TIME_IN_FUTURE
    assert "2025-03-01T15:00+00:00" in anomaly.text
    assert "usual" not in result.advice.text


def test_a_previous_report_outside_the_window_is_noted_not_refused(
    knowledge: Knowledge,
) -> None:
    for previous_hours in (-3, 70):
        previous = {"reported_at": _at(previous_hours), "symptoms": {"pain": 0}}
        result = _triage(knowledge, 60, previous=previous, pain=3)
        assert [anomaly.code for anomaly in result.anomalies] == [PREVIOUS_OUTSIDE_WINDOW]
        assert result.level is Level.EXPECTED  # not compared, so no worsening
    assert _triage(knowledge, 60, previous={"reported_at": _at(60)}).anomalies == ()


# Input errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reported_at": _at(1)}, "^performed_at: is required$"),
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
            {"performed_at": _at(0), "reported_at": _at(9), "previous": {"reported_at": "soon"}},
            r"^previous\.reported_at: must be an ISO 8601 date-time",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(9), "patient": {"fitzpatrick": 7}},
            r"^patient\.fitzpatrick: must be an integer from 1 to 6$",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(9), "patient": {"findings": ["aspirin"]}},
            r"^patient\.findings\[0\]: must be one of: ",
        ),
        (
            {"performed_at": _at(0), "reported_at": _at(9), "patient": {"findings": "x"}},
            r"^patient\.findings: must be a list$",
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


def test_the_patient_context_is_optional_in_every_part(knowledge: Knowledge) -> None:
    for patient in ({}, {"findings": []}, {"findings": None, "fitzpatrick": None}):
        checkin = parse_checkin(
            {"performed_at": _at(0), "reported_at": _at(1), "patient": patient}, knowledge
        )
        assert checkin.patient == PatientContext()


# Knowledge that breaks the rules is refused


def _course(documents: dict[str, Any], symptom: str) -> dict[str, Any]:
    courses: list[dict[str, Any]] = documents["recovery.toml"]["course"]
    return next(course for course in courses if course["symptom"] == symptom)


def _lower_itching(documents: dict[str, Any]) -> None:
    _course(documents, "itching")["phases"][1]["level"] = "monitor"


def _late_pus(documents: dict[str, Any]) -> None:
    _course(documents, "pus")["phases"].insert(
        0, {"from_hour": 0, "level": "expected", "normal": "A little is usual."}
    )
    _course(documents, "pus")["phases"][1]["from_hour"] = 4


def _laxer_bleeding(documents: dict[str, Any]) -> None:
    adjustment = _course(documents, "bleeding")["adjustment"][0]
    adjustment["early_window_hours"] = 3
    adjustment["phases"][1]["from_hour"] = 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _lower_itching,
            r"^recovery\.toml: course\[3\]\.phases\[1\]: 'itching' is monitor here, below"
            r" contact_clinic at or after its early window \(168 h\)$",
        ),
        (_late_pus, r"course\[7\]\.phases\[0\]: 'pus' is expected here, below contact_clinic"),
        (
            lambda d: _course(d, "fever").pop("early_window_hours"),
            r"course\[8\]\.early_window_hours: is required for a flag",
        ),
        (
            lambda d: _course(d, "pain").update(early_window_hours=24),
            r"course\[2\]\.early_window_hours: does not apply to a scale symptom",
        ),
        (
            _laxer_bleeding,
            r"course\[14\]\.adjustment\[0\]\.phases: must be at least as strict as the course's"
            r" own phases \(not at 2 h\)",
        ),
        (
            lambda d: _course(d, "bleeding")["adjustment"][0].update(when={"findings": ["x"]}),
            r"course\[14\]\.adjustment\[0\]\.when\.findings\[0\]: must be one of",
        ),
        (
            lambda d: _course(d, "bleeding")["adjustment"][0].update(when={}),
            r"adjustment\[0\]\.when: must give min_fitzpatrick or findings",
        ),
        (
            lambda d: d["recovery.toml"]["worsening"].update(min_rise=0),
            r"worsening\.min_rise: must be an integer from 1 to 10",
        ),
    ],
)
def test_recovery_knowledge_that_breaks_the_floor_is_refused(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    documents = copy.deepcopy(read_documents())
    change(documents)
    with pytest.raises(KnowledgeError, match=message):
        build_knowledge(documents)


# Properties

_hours = st.floats(0, 200 * 24)
_scales = st.dictionaries(st.sampled_from(SCALES), st.integers(0, 10))
_flags = st.sets(st.sampled_from(FLAGS))
_findings = st.sets(st.sampled_from(["anticoagulation", "bleeding_disorder", "isotretinoin"]))
_patients = st.builds(
    PatientContext,
    fitzpatrick=st.none() | st.integers(1, 6),
    findings=_findings.map(frozenset),
)


@settings(max_examples=120, deadline=None)
@given(hours=_hours, scales=_scales, flags=_flags, patient=_patients)
def test_a_flag_is_never_below_its_floor_at_any_hour(
    knowledge: Knowledge,
    hours: float,
    scales: dict[str, int],
    flags: set[str],
    patient: PatientContext,
) -> None:
    level = _level(knowledge, hours, scales, flags, patient)
    for flag in flags:
        course = knowledge.recovery[flag].for_patient(patient.fitzpatrick, patient.findings)
        assert course.early_window_hours is not None
        if hours >= course.early_window_hours:
            assert level.rank >= Level.CONTACT_CLINIC.rank
    if flags & {"fever", "difficulty_breathing"}:
        assert level is Level.URGENT


@settings(max_examples=120, deadline=None)
@given(hours=_hours, scales=_scales, flags=_flags, flag=st.sampled_from(FLAGS), patient=_patients)
def test_adding_a_flag_never_lowers_the_level(
    knowledge: Knowledge,
    hours: float,
    scales: dict[str, int],
    flags: set[str],
    flag: str,
    patient: PatientContext,
) -> None:
    before = _level(knowledge, hours, scales, flags, patient)
    assert _level(knowledge, hours, scales, flags | {flag}, patient).rank >= before.rank


@settings(max_examples=80, deadline=None)
@given(
    hours=_hours,
    scales=_scales,
    flags=_flags,
    skin=st.integers(1, 5),
    findings=_findings,
    finding=st.sampled_from(["anticoagulation", "bleeding_disorder"]),
)
def test_darker_skin_or_another_finding_never_lowers_the_level(
    knowledge: Knowledge,
    hours: float,
    scales: dict[str, int],
    flags: set[str],
    skin: int,
    findings: set[str],
    finding: str,
) -> None:
    base = PatientContext(skin, frozenset(findings))
    level = _level(knowledge, hours, scales, flags, base)
    darker = PatientContext(skin + 1, frozenset(findings))
    more = PatientContext(skin, frozenset(findings | {finding}))
    assert _level(knowledge, hours, scales, flags, darker).rank >= level.rank
    assert _level(knowledge, hours, scales, flags, more).rank >= level.rank


@settings(max_examples=120, deadline=None)
@given(
    hours=_hours,
    scales=_scales,
    flags=_flags,
    earlier=_scales,
    earlier_hours=st.floats(0, 1),
)
def test_one_reason_per_symptom_and_no_reassurance_past_a_red_flag(
    knowledge: Knowledge,
    hours: float,
    scales: dict[str, int],
    flags: set[str],
    earlier: dict[str, int],
    earlier_hours: float,
) -> None:
    previous = {"reported_at": _at(hours * earlier_hours), "symptoms": earlier}
    result = _triage(knowledge, hours, previous=previous, **scales, **dict.fromkeys(flags, True))
    symptoms = [reason.symptom for reason in result.reasons]
    assert len(symptoms) == len(set(symptoms))
    if result.level.rank >= Level.CONTACT_CLINIC.rank:
        assert all("within the usual course" not in reason.text for reason in result.reasons)
        assert result.expected_course.symptoms == ()
