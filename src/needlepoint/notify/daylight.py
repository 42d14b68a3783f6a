"""Sunset in a clinic's time zone, for the sun items of aftercare (astral; no Django).

Where the sun is computed from, best first: the clinic's latitude and longitude; the city
its time zone is named after, when astral's geocoder knows it (Europe/London, America/New_York);
else sunset is taken to be the knowledge's evening hour (a product decision, kept late so that
a session that ended in daylight is not treated as one after dark).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from astral import LocationInfo, Observer
from astral.geocoder import database, lookup
from astral.sun import sunset


@functools.cache
def _zone_city(zone: str) -> Observer | None:
    """The city a time zone is named after, when the geocoder knows it in that same zone."""
    city = zone.rpartition("/")[2].replace("_", " ")
    try:
        location = lookup(city, database())
    except KeyError:
        return None
    if not isinstance(location, LocationInfo):  # a region's name, not a city
        return None
    try:
        known, named = ZoneInfo(location.timezone), ZoneInfo(zone)
    except ZoneInfoNotFoundError:
        return None
    moments = [datetime(2025, month, 1, 12) for month in (1, 7)]  # winter and summer time
    if any(known.utcoffset(moment) != named.utcoffset(moment) for moment in moments):
        return None  # a namesake elsewhere
    return Observer(location.latitude, location.longitude)


def sunset_on(
    day: date,
    zone: tzinfo,
    location: tuple[Decimal | float, Decimal | float] | None,
    evening_hour: int,
) -> datetime | None:
    """Sunset on `day` in `zone`, seen from `location` (latitude, longitude) or as the module
    says without one; None when the sun does not set or rise that day (polar day or night)."""
    observer = (
        Observer(float(location[0]), float(location[1]))
        if location is not None
        else _zone_city(zone.key)
        if isinstance(zone, ZoneInfo)
        else None
    )
    if observer is None:
        return datetime.combine(day, time(evening_hour), zone)
    try:
        moment: datetime = sunset(observer, day, tzinfo=zone)
    except ValueError:  # astral: the sun is always above, or always below, the horizon
        return None
    return moment
