"""A clinic's self-booking policy: how close to an appointment a patient may still book, move
or cancel it in the portal, and how far ahead slots are offered. Not clinical knowledge, so
its defaults live here rather than in a TOML file; a clinic overrides them in its settings."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NOTICE_HOURS = 24
DEFAULT_HORIZON_DAYS = 56
MAX_NOTICE_HOURS = 14 * 24
MAX_HORIZON_DAYS = 365


@dataclass(frozen=True)
class SelfBooking:
    notice_hours: int = DEFAULT_NOTICE_HOURS
    horizon_days: int = DEFAULT_HORIZON_DAYS
