"""What mail is due when: pure, no database."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from needlepoint.domain.aftercare import aftercare_items
from needlepoint.domain.due import GRACE, milestones, milestones_due, prompts_due
from needlepoint.domain.knowledge import load_knowledge

NY = ZoneInfo("America/New_York")
PERFORMED = datetime(2025, 3, 7, 15, 0, tzinfo=NY)  # DST starts on 9 March
H = timedelta(hours=1)


def test_prompts_follow_the_checkin_schedule_within_the_grace_period():
    knowledge = load_knowledge()
    until = PERFORMED + timedelta(days=28)
    assert prompts_due(PERFORMED, until, PERFORMED + 23 * H, knowledge) == []
    [day1] = prompts_due(PERFORMED, until, PERFORMED + 24 * H, knowledge)
    assert (day1.day, day1.at) == (1, PERFORMED + 24 * H)
    [day3] = prompts_due(PERFORMED, until, PERFORMED + 3 * 24 * H + 11 * H, knowledge)
    assert day3.day == 3
    late = PERFORMED + 3 * 24 * H + GRACE
    assert prompts_due(PERFORMED, until, late, knowledge) == []  # stale: not sent


def test_milestones_group_instructions_ending_together_with_those_still_in_place():
    knowledge = load_knowledge()
    aftercare = aftercare_items(PERFORMED, NY, knowledge)
    steps = milestones(aftercare, PERFORMED)
    assert [step.label for step in steps] == ["24h", "48h", "168h", "336h"]  # clock hours
    first = steps[0]
    assert [i.code for i in first.ending] == ["only_clinic_products", "no_makeup"]
    assert {"sunscreen", "gentle_skincare"} <= {i.code for i in first.in_place}  # start then
    assert "no_makeup" not in {i.code for i in first.in_place}
    week = steps[2]
    assert {i.code for i in week.ending} == {"gentle_skincare", "avoid_actives", "no_picking"}
    assert week.at == PERFORMED + timedelta(days=7)  # a calendar week: 15:00 on the clock
    assert week.at.astimezone(NY).hour == 15
    assert {i.code for i in steps[-1].in_place} == {"sunscreen", "warning_signs"}
    assert milestones_due(aftercare, PERFORMED, PERFORMED + 48 * H + H) == [steps[1]]
    assert milestones_due(aftercare, PERFORMED, PERFORMED + 47 * H) == []


def test_sunscreen_and_the_warning_signs_never_end_in_a_milestone():
    knowledge = load_knowledge()
    last = PERFORMED + timedelta(days=56)  # the course's last session
    aftercare = aftercare_items(PERFORMED, NY, knowledge, last_session_at=last)
    ends = {i.code: i.ends_at for i in aftercare.items}
    for step in milestones(aftercare, PERFORMED):
        assert not {"sunscreen", "warning_signs"} & {i.code for i in step.ending}
    for code in ("sunscreen", "warning_signs"):
        assert milestones_due(aftercare, PERFORMED, ends[code] + H) == []
