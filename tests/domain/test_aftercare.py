"""Aftercare: timed instructions in the clinic's zone, exact across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from needlepoint.domain.aftercare import aftercare_items
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, merge_overrides, parse_overrides

REQUIRED_CODES = {
    "gentle_skincare",
    "no_makeup",
    "avoid_actives",
    "avoid_heat_and_sweat",
    "avoid_sun",
    "sunscreen",
}
PARIS = ZoneInfo("Europe/Paris")


def test_items_carry_the_required_codes_and_sources(knowledge: Knowledge) -> None:
    performed = datetime(2025, 3, 1, 10, tzinfo=UTC)
    items = aftercare_items(performed, PARIS, knowledge).items
    assert {item.code for item in items} >= REQUIRED_CODES
    for item in items:
        assert item.sources
        assert item.starts_at < item.ends_at
        assert item.starts_at >= performed
        assert item.starts_at.tzinfo is PARIS


def test_windows_follow_the_seeds(knowledge: Knowledge) -> None:
    performed = datetime(2025, 6, 2, 15, 30, tzinfo=PARIS)
    items = {item.code: item for item in aftercare_items(performed, PARIS, knowledge).items}
    assert items["no_makeup"].ends_at - items["no_makeup"].starts_at == timedelta(hours=24)
    assert items["avoid_heat_and_sweat"].ends_at == performed + timedelta(days=2)
    assert items["avoid_sun"].ends_at == performed + timedelta(weeks=2)
    assert items["sunscreen"].starts_at == performed + timedelta(days=1)


def test_windows_are_elapsed_hours_across_a_clock_change(knowledge: Knowledge) -> None:
    performed = datetime(2025, 3, 29, 10, tzinfo=PARIS)  # clocks go forward on 30 March
    items = {item.code: item for item in aftercare_items(performed, PARIS, knowledge).items}
    ends = items["no_makeup"].ends_at
    assert ends.astimezone(UTC) - performed.astimezone(UTC) == timedelta(hours=24)
    assert ends.isoformat() == "2025-03-30T11:00:00+02:00"


def test_without_a_zone_the_given_offset_is_kept(knowledge: Knowledge) -> None:
    offset = timezone(timedelta(hours=-5))
    performed = datetime(2025, 3, 1, 10, tzinfo=offset)
    [first, *_] = aftercare_items(performed, None, knowledge).items
    assert first.starts_at.isoformat() == "2025-03-01T10:00:00-05:00"


def test_a_naive_time_is_refused(knowledge: Knowledge) -> None:
    with pytest.raises(InvalidInput, match=r"^performed_at: must include a UTC offset$"):
        aftercare_items(datetime(2025, 3, 1, 10), PARIS, knowledge)


def test_a_clinic_may_change_a_window(knowledge: Knowledge) -> None:
    overrides = {"aftercare": {"no_makeup": {"starts_after_hours": 0, "ends_after_hours": 48}}}
    clinic = merge_overrides(knowledge, parse_overrides(overrides, knowledge))
    performed = datetime(2025, 3, 1, 10, tzinfo=UTC)
    items = {item.code: item for item in aftercare_items(performed, UTC, clinic).items}
    assert items["no_makeup"].ends_at == performed + timedelta(hours=48)


@settings(max_examples=40, deadline=None)
@given(
    performed=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(
        ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
    ),
)
def test_every_window_is_its_hours_after_the_session(
    knowledge: Knowledge, performed: datetime, zone: str
) -> None:
    tz = ZoneInfo(zone)
    items = aftercare_items(performed, tz, knowledge).items
    for item, instruction in zip(items, knowledge.aftercare, strict=True):
        assert item.starts_at - performed == timedelta(hours=instruction.window.starts_after_hours)
        assert item.ends_at - performed == timedelta(hours=instruction.window.ends_after_hours)
        assert item.ends_at.tzinfo is tz
