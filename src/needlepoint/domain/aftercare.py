"""Aftercare: the timed instructions that follow from a session's time, in the clinic's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model import Knowledge


@dataclass(frozen=True)
class AftercareItem:
    code: str
    title: str
    text: str
    starts_at: datetime
    ends_at: datetime
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Aftercare:
    items: tuple[AftercareItem, ...]


def aftercare_items(performed_at: datetime, tz: tzinfo | None, knowledge: Knowledge) -> Aftercare:
    """Each instruction's window after `performed_at`, shown in the clinic's time zone `tz`
    (None: in the UTC offset `performed_at` carries).

    Windows are elapsed hours, so they stay exact across daylight-saving changes.
    """
    if performed_at.utcoffset() is None:
        raise InvalidInput("performed_at", "must include a UTC offset")
    start, zone = performed_at.astimezone(UTC), tz or performed_at.tzinfo

    def at(hours: float) -> datetime:
        return (start + timedelta(hours=hours)).astimezone(zone)

    return Aftercare(
        tuple(
            AftercareItem(
                code=item.code,
                title=item.title,
                text=item.text,
                starts_at=at(item.window.starts_after_hours),
                ends_at=at(item.window.ends_after_hours),
                sources=item.sources,
            )
            for item in knowledge.aftercare
        )
    )
