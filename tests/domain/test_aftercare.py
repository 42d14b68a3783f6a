"""Aftercare: timed instructions in the clinic's zone. Whole days are calendar days (a 10:30
session's day windows end at 10:30 across daylight-saving changes), hours beyond them elapsed
hours; sunscreen runs with the course; sun items wait for the morning after an evening session.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from needlepoint.domain.aftercare import AftercareItem, aftercare_items
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, merge_overrides, parse_overrides

REQUIRED_CODES = {
    "only_clinic_products",
    "gentle_skincare",
    "no_makeup",
    "avoid_actives",
    "avoid_heat_and_sweat",
    "avoid_sun",
    "sunscreen",
    "warning_signs",
}
PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")  # clocks go back on 26 October 2025
NY = ZoneInfo("America/New_York")  # clocks go back on 2 November 2025


def _items(performed: datetime, knowledge: Knowledge, **context: Any) -> dict[str, AftercareItem]:
    items = aftercare_items(performed, performed.tzinfo, knowledge, **context).items
    return {item.code: item for item in items}


def _override(knowledge: Knowledge, code: str, **window: float) -> Knowledge:
    return merge_overrides(knowledge, parse_overrides({"aftercare": {code: window}}, knowledge))


def test_items_carry_the_required_codes_and_sources(knowledge: Knowledge) -> None:
    performed = datetime(2025, 3, 1, 10, tzinfo=UTC)
    items = aftercare_items(performed, PARIS, knowledge).items
    assert {item.code for item in items} >= REQUIRED_CODES
    for item in items:
        assert item.sources
        assert item.starts_at < item.ends_at
        assert item.starts_at >= performed
        assert item.starts_at.tzinfo is PARIS


def test_windows_follow_the_seeds_and_the_first_day_is_clinic_products_only(
    knowledge: Knowledge,
) -> None:
    performed = datetime(2025, 6, 2, 15, 30, tzinfo=PARIS)
    items = _items(performed, knowledge)
    assert items["no_makeup"].ends_at - items["no_makeup"].starts_at == timedelta(hours=24)
    assert items["avoid_heat_and_sweat"].ends_at == performed + timedelta(days=2)
    assert items["avoid_sun"].ends_at == performed + timedelta(weeks=2)
    only_clinic = items["only_clinic_products"]
    assert (only_clinic.starts_at, only_clinic.ends_at) == (performed, performed + timedelta(1))
    assert "sterile products the clinic gave you" in only_clinic.text
    assert items["gentle_skincare"].starts_at == only_clinic.ends_at
    assert items["sunscreen"].starts_at == only_clinic.ends_at


def test_actives_go_back_to_the_prescriber_and_medicines_by_mouth_are_kept(
    knowledge: Knowledge,
) -> None:
    text = _items(datetime(2025, 6, 2, 15, tzinfo=UTC), knowledge)["avoid_actives"].text
    for active in ("retinoids", "AHA", "BHA", "vitamin C", "benzoyl peroxide", "scrubs"):
        assert active in text
    assert "treated skin" in text
    assert "ask them when to restart it" in text
    assert "Do not stop any medicine you take by mouth." in text


def test_a_10_30_session_ends_its_day_windows_at_10_30_when_the_clocks_go_back(
    knowledge: Knowledge,
) -> None:
    performed = datetime(2025, 10, 25, 10, 30, tzinfo=LONDON)  # BST, +01:00
    items = _items(performed, knowledge)
    makeup = items["no_makeup"].ends_at
    assert makeup.isoformat() == "2025-10-26T10:30:00+00:00"  # GMT: 25 hours elapsed
    assert makeup.astimezone(UTC) - performed.astimezone(UTC) == timedelta(hours=25)
    assert items["avoid_sun"].ends_at.isoformat() == "2025-11-08T10:30:00+00:00"


def test_the_walks_four_week_window_ends_at_10_30_not_09_30(knowledge: Knowledge) -> None:
    clinic = _override(knowledge, "avoid_sun", starts_after_hours=0, ends_after_hours=672)
    performed = datetime(2025, 10, 20, 10, 30, tzinfo=NY)  # EDT; EST from 2 November
    ends = _items(performed, clinic)["avoid_sun"].ends_at
    assert ends.isoformat() == "2025-11-17T10:30:00-05:00"
    assert f"until {ends:%d %b %H:%M}" == "until 17 Nov 10:30"


def test_a_day_of_23_hours_in_spring(knowledge: Knowledge) -> None:
    performed = datetime(2025, 3, 29, 10, tzinfo=PARIS)  # clocks go forward on 30 March
    ends = _items(performed, knowledge)["no_makeup"].ends_at
    assert ends.isoformat() == "2025-03-30T10:00:00+02:00"
    assert ends.astimezone(UTC) - performed.astimezone(UTC) == timedelta(hours=23)


def test_hours_beyond_whole_days_are_elapsed_hours(knowledge: Knowledge) -> None:
    clinic = _override(knowledge, "no_makeup", starts_after_hours=6, ends_after_hours=36)
    performed = datetime(2025, 10, 25, 22, 0, tzinfo=LONDON)
    makeup = _items(performed, clinic)["no_makeup"]
    # 6 elapsed hours across the change at 02:00 BST: 03:00 GMT, not 04:00.
    assert makeup.starts_at.isoformat() == "2025-10-26T03:00:00+00:00"
    # A calendar day (Sunday 22:00 GMT), then 12 elapsed hours.
    assert makeup.ends_at.isoformat() == "2025-10-27T10:00:00+00:00"


def test_sunscreen_runs_until_three_months_after_the_courses_last_session(
    knowledge: Knowledge,
) -> None:
    performed = datetime(2025, 9, 1, 10, 30, tzinfo=NY)
    last = datetime(2025, 11, 30, 14, 0, tzinfo=UTC)  # 09:00 EST
    items = _items(performed, knowledge, last_session_at=last)
    sunscreen = items["sunscreen"]
    assert sunscreen.ends_at.isoformat() == "2026-02-28T09:00:00-05:00"  # no 30 February
    assert not sunscreen.announce_end
    assert "whole course" in sunscreen.text
    assert "3 months after your last session" in sunscreen.text
    # Without a course (or with a "last" session before this one), from this session.
    for context in ({}, {"last_session_at": performed - timedelta(days=30)}):
        alone = _items(performed, knowledge, **context)["sunscreen"]
        assert alone.ends_at.isoformat() == "2025-12-01T10:30:00-05:00"


def test_only_sunscreen_and_warning_signs_never_announce_their_end(knowledge: Knowledge) -> None:
    items = _items(datetime(2025, 9, 1, 10, 30, tzinfo=NY), knowledge)
    assert {code for code, item in items.items() if not item.announce_end} == {
        "sunscreen",
        "warning_signs",
    }


def test_warning_signs_name_the_red_flags_and_the_clinics_phone(knowledge: Knowledge) -> None:
    performed = datetime(2025, 9, 1, 10, 30, tzinfo=NY)
    signs = _items(performed, knowledge, clinic_phone=" +1 212 555 0100 ")["warning_signs"]
    assert signs.text.startswith("Call the clinic on +1 212 555 0100 straight away if you get")
    for flag in (
        "fever",
        "pus",
        "redness that spreads",
        "blisters",
        "hives",
        "severe or increasing pain",
        "new lumps",
        "dark spots that spread",
    ):
        assert flag in signs.text
    assert "emergency number" in signs.text
    assert (signs.starts_at, signs.ends_at) == (performed, performed + timedelta(days=90))
    unknown = _items(performed, knowledge)["warning_signs"]
    assert unknown.text.startswith("Call the clinic straight away")
    assert "{" not in unknown.text


SUNSET = datetime(2025, 10, 20, 18, 10, tzinfo=NY)


@pytest.mark.parametrize(
    ("ended", "avoid_sun_starts"),
    [
        (time(18, 9), "2025-10-20T18:09:00-04:00"),  # a minute before sunset: at once
        (time(18, 10), "2025-10-21T07:00:00-04:00"),  # at sunset: the next morning
        (time(22, 45), "2025-10-21T07:00:00-04:00"),
        (time(0, 30), "2025-10-20T07:00:00-04:00"),  # after midnight: this morning
        (time(7, 0), "2025-10-20T07:00:00-04:00"),  # the morning hour itself: at once
    ],
)
def test_sun_items_after_sunset_start_the_next_morning(
    knowledge: Knowledge, ended: time, avoid_sun_starts: str
) -> None:
    performed = datetime.combine(SUNSET.date(), ended, NY)
    items = _items(performed, knowledge, sunset=SUNSET)
    assert items["avoid_sun"].starts_at.isoformat() == avoid_sun_starts
    # Sunscreen starts a day later anyway, after the clinic-products-only day.
    assert items["sunscreen"].starts_at == performed + timedelta(days=1)
    assert items["no_makeup"].starts_at == performed  # not a sun item


def test_without_a_sunset_nothing_moves(knowledge: Knowledge) -> None:
    performed = datetime(2025, 6, 21, 23, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert _items(performed, knowledge)["avoid_sun"].starts_at == performed


def test_a_sun_window_over_before_morning_stays_where_it_is(knowledge: Knowledge) -> None:
    clinic = _override(knowledge, "avoid_sun", starts_after_hours=0, ends_after_hours=4)
    performed = datetime.combine(SUNSET.date(), time(20), NY)
    avoid_sun = _items(performed, clinic, sunset=SUNSET)["avoid_sun"]
    assert (avoid_sun.starts_at, avoid_sun.ends_at) == (performed, performed + timedelta(hours=4))


def test_without_a_zone_the_given_offset_is_kept(knowledge: Knowledge) -> None:
    offset = timezone(timedelta(hours=-5))
    performed = datetime(2025, 3, 1, 10, tzinfo=offset)
    [first, *_] = aftercare_items(performed, None, knowledge).items
    assert first.starts_at.isoformat() == "2025-03-01T10:00:00-05:00"


@pytest.mark.parametrize("name", ["performed_at", "last_session_at", "sunset"])
def test_a_naive_time_is_refused(knowledge: Knowledge, name: str) -> None:
    aware = datetime(2025, 3, 1, 10, tzinfo=UTC)
    moments: dict[str, Any] = {"performed_at": aware, "last_session_at": aware, "sunset": aware}
    moments[name] = datetime(2025, 3, 1, 10)
    performed = moments.pop("performed_at")
    with pytest.raises(InvalidInput, match=rf"^{name}: must include a UTC offset$"):
        aftercare_items(performed, PARIS, knowledge, **moments)


def test_a_clinic_may_change_a_window_in_hours_or_months(knowledge: Knowledge) -> None:
    clinic = _override(knowledge, "no_makeup", starts_after_hours=0, ends_after_hours=48)
    clinic = _override(clinic, "sunscreen", starts_after_hours=24, ends_months_after_course=6)
    performed = datetime(2025, 3, 1, 10, tzinfo=UTC)
    items = _items(performed, clinic)
    assert items["no_makeup"].ends_at == performed + timedelta(hours=48)
    assert items["sunscreen"].ends_at == datetime(2025, 9, 1, 10, tzinfo=UTC)


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


@settings(max_examples=60, deadline=None)
@given(
    performed=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
)
def test_every_window_ends_at_the_sessions_clock_time_its_days_later(
    knowledge: Knowledge, performed: datetime, zone: str
) -> None:
    tz = ZoneInfo(zone)
    local = performed.astimezone(tz)
    items = aftercare_items(performed, tz, knowledge).items
    for item, instruction in zip(items, knowledge.aftercare, strict=True):
        assert item.starts_at < item.ends_at
        assert item.ends_at.tzinfo is tz
        hours = instruction.window.ends_after_hours
        if hours is None:
            continue
        elapsed = item.ends_at - performed
        assert abs(elapsed - timedelta(hours=hours)) <= timedelta(hours=1)  # one clock change
        if hours % 24 == 0:
            day = local.date() + timedelta(days=hours // 24)
            wall = datetime.combine(day, local.time(), tz)
            assume(wall.astimezone(UTC).astimezone(tz).time() == local.time())  # not skipped
            assert (item.ends_at.date(), item.ends_at.time()) == (day, local.time())


@settings(max_examples=60, deadline=None)
@given(
    performed=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(NY)
    ),
    sunset_at=st.times(min_value=time(16), max_value=time(21)),
)
def test_no_sun_item_starts_between_sunset_and_the_morning(
    knowledge: Knowledge, performed: datetime, sunset_at: time
) -> None:
    sunset = datetime.combine(performed.date(), sunset_at, NY)
    morning = time(knowledge.after_sunset.morning_hour)
    items = aftercare_items(performed, NY, knowledge, sunset=sunset).items
    for item, instruction in zip(items, knowledge.aftercare, strict=True):
        if instruction.sun and item.starts_at.date() == performed.date():
            assert morning <= item.starts_at.time() < sunset_at
