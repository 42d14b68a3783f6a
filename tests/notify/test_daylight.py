"""Sunset for the sun items: from the clinic's location, its time zone's city, or the evening
hour; none on a day the sun does not set. Pure (astral), no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from needlepoint.notify.daylight import sunset_on

LONDON = ZoneInfo("Europe/London")


def test_sunset_from_the_clinics_location_in_its_zone():
    moment = sunset_on(date(2025, 10, 25), LONDON, (51.5074, -0.1278), 21)
    assert moment is not None
    assert moment.date() == date(2025, 10, 25)
    assert moment.utcoffset() == timedelta(hours=1)  # still summer time that evening
    assert (moment.hour, moment.minute // 10) == (17, 4)  # 17:4x BST
    winter = sunset_on(date(2025, 12, 21), LONDON, (51.5074, -0.1278), 21)
    assert winter is not None
    assert (winter.hour, winter.utcoffset()) == (15, timedelta(0))


@pytest.mark.parametrize(
    ("zone", "hour"),
    [("Europe/London", 17), ("America/New_York", 18), ("Europe/Paris", 18)],
)
def test_without_a_location_the_zones_city(zone: str, hour: int):
    moment = sunset_on(date(2025, 10, 25), ZoneInfo(zone), None, 21)
    assert moment is not None
    assert moment.hour == hour


@pytest.mark.parametrize(
    "zone", [ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC"), timezone(timedelta(hours=-5))]
)
def test_without_a_location_or_a_known_city_the_evening_hour(zone):
    assert sunset_on(date(2025, 10, 25), zone, None, 21) == datetime(2025, 10, 25, 21, tzinfo=zone)


@pytest.mark.parametrize("day", [date(2025, 6, 21), date(2025, 12, 21)])
def test_no_sunset_in_polar_day_or_night(day: date):
    assert sunset_on(day, ZoneInfo("Arctic/Longyearbyen"), (78.22, 15.65), 21) is None
