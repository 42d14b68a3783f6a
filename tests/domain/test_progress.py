"""The patient's progress view: its milestones, which photos may be compared and what the
literature reports. Pure, no database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from needlepoint.domain.knowledge.model.measures import Timepoint
from needlepoint.domain.knowledge.model.planning import PlanFacts
from needlepoint.domain.progress import (
    CourseSession,
    ProgressPhoto,
    comparison_refusal,
    photo_pair,
    progress_milestones,
    typical_results,
)

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 1, 10, 11, 0, tzinfo=LONDON)
WEEK = timedelta(weeks=1)


def course(done: int, total: int = 4) -> list[CourseSession]:
    return [
        CourseSession(number, START + 4 * WEEK * (number - 1), number <= done)
        for number in range(1, total + 1)
    ]


def test_the_schedule_is_cited_data(knowledge):
    assert knowledge.progress.after_sessions == ("middle", "last")
    assert knowledge.progress.at_follow_ups
    assert knowledge.progress.sources == ("seed-003",)


@pytest.mark.parametrize(
    ("done", "now", "current", "next_code"),
    [
        (1, START + WEEK, None, "middle_session"),  # closed until the middle session
        (2, START + 5 * WEEK, "middle_session", "last_session"),
        (3, START + 9 * WEEK, "middle_session", "last_session"),  # not daily: still the middle
        (4, START + 13 * WEEK, "last_session", "follow_up_3m"),
        (4, START + 12 * WEEK + timedelta(days=91), "follow_up_3m", "follow_up_6m"),
        (4, START + 12 * WEEK + timedelta(days=182), "follow_up_6m", None),
        (3, START + 60 * WEEK, "middle_session", "last_session"),  # follow-ups wait for the end
    ],
)
def test_the_view_opens_at_the_milestones_only(knowledge, done, now, current, next_code):
    found = progress_milestones(course(done), now, knowledge)
    assert [m.code for m in found.milestones] == [
        "middle_session",
        "last_session",
        "follow_up_3m",
        "follow_up_6m",
    ]
    assert (found.current.code if found.current else None) == current
    assert (found.next.code if found.next else None) == next_code


def test_milestone_times_count_from_the_sessions_on_the_clinics_calendar(knowledge):
    found = progress_milestones(course(4), START + 60 * WEEK, knowledge)
    middle, last, three, six = found.milestones
    assert middle.at == START + 4 * WEEK
    assert middle.label == "After session 2 of 4"
    assert last.at == START + 12 * WEEK
    # measures.toml's follow-ups: 91 and 182 days on, at the same hour of the day
    assert three.at == datetime(2026, 7, 4, 11, 0, tzinfo=LONDON)
    assert six.at == datetime(2026, 10, 3, 11, 0, tzinfo=LONDON)
    assert (three.label, three.sources) == (
        "3 months after your last session",
        knowledge.measures.timepoints[Timepoint.FOLLOW_UP_3M].sources,
    )
    assert three.photos_until == six.at
    assert six.photos_until is None


def test_a_one_session_course_has_no_separate_middle(knowledge):
    found = progress_milestones(course(1, total=1), START + WEEK, knowledge)
    assert [m.code for m in found.milestones][:2] == ["last_session", "follow_up_3m"]
    assert progress_milestones([], START, knowledge).current is None


def photo(
    pose: str = "frontal",
    failed: tuple[str, ...] = (),
    face: bool = True,
    day: int = 0,
    session: int | None = 1,
) -> ProgressPhoto:
    return ProgressPhoto(f"p{day}", pose, START + timedelta(days=day), session, failed, face)


@pytest.mark.parametrize(
    ("baseline", "later", "refusal"),
    [
        (photo(), photo(day=30), ""),
        (photo(), photo("left_45", day=30), "no comparison: the poses differ"),
        (photo(), photo(failed=("underexposure",)), "no comparison: the later photo is too dark"),
        (photo(failed=("sharpness",)), photo(), "no comparison: the first photo is blurred"),
        (
            photo(),
            photo(failed=("overexposure", "face_size")),
            "no comparison: the later photo is too bright and was taken from too far away",
        ),
        (
            photo(),
            photo(failed=("a_new_check",)),
            "no comparison: the later photo did not pass the photo checks",
        ),
        (photo(""), photo(), "no comparison: the pose of the first photo is not known"),
        (photo(""), photo(""), "no comparison: the pose of either photo is not known"),
        (photo(), photo(face=False), "no comparison: the photos could not be lined up on the face"),
        # the pose is checked before quality: a dark photo of another pose differs first
        (photo(), photo("left_45", ("underexposure",)), "no comparison: the poses differ"),
    ],
)
def test_two_photos_are_compared_only_when_they_match(baseline, later, refusal):
    assert comparison_refusal(baseline, later) == refusal


def test_a_milestone_compares_the_first_photo_with_its_own_latest(knowledge):
    found = progress_milestones(course(4), START + 60 * WEEK, knowledge)
    middle, last, three, _ = found.milestones
    photos = [
        photo(day=0, session=1),
        photo("left_45", day=28, session=2),
        photo(day=84, session=4),
        photo(day=120, session=None),  # a check-in photo after the course
    ]
    pair = photo_pair(photos, middle)
    assert (pair.later.id, pair.refusal) == ("p28", "no comparison: the poses differ")
    assert photo_pair(photos, last).later.id == "p84"  # the check-in came later
    pair = photo_pair(photos, three)
    assert pair.comparable
    assert (pair.baseline.id, pair.later.id) == ("p0", "p120")
    assert photo_pair(photos[:1], middle).refusal == (
        "no comparison: there is only one photo so far"
    )
    assert photo_pair([], middle).refusal == "no comparison: there are no photos yet"


FACTS = PlanFacts(scar_types=frozenset({"boxcar", "rolling"}), grade=3, fitzpatrick=2)


def test_typical_results_carry_scale_sessions_and_citation_nearest_sessions_first(knowledge):
    results = typical_results(FACTS, 4, knowledge, red_flag=False)
    assert len(results) >= 3
    assert [abs(r.sessions - 4) for r in results] == sorted(abs(r.sessions - 4) for r in results)
    for result in results:
        assert result.scale
        assert result.sessions
        assert result.sources
        assert all(source in knowledge.sources for source in result.sources)
    # the texture measure's 31% comes only with its own scale, never as a headline
    [fabbrocini] = [r for r in results if r.study == "Fabbrocini 2014"]
    assert "31%" in fabbrocini.text
    assert "texture" in fabbrocini.scale.lower()


def test_no_typical_results_past_a_red_flag(knowledge):
    assert typical_results(FACTS, 4, knowledge, red_flag=True) == ()
    flat = PlanFacts(scar_types=frozenset({"macular"}), grade=1, fitzpatrick=2)
    assert typical_results(flat, 4, knowledge, red_flag=False) == ()  # no study treated them
