"""What mail is due at a moment: pure functions of the times involved and `now`.

A message is due from its moment for `GRACE`; a job that runs late still sends it, one that
comes back after a long stop does not send stale mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from needlepoint.domain.aftercare import Aftercare, AftercareItem
from needlepoint.domain.checkins import checkin_due_times
from needlepoint.domain.knowledge.model import Knowledge

REMINDER_BEFORE = timedelta(hours=24)
GRACE = timedelta(hours=12)


@dataclass(frozen=True)
class Prompt:
    day: int  # days after the session
    at: datetime


def prompts_due(
    performed_at: datetime, until: datetime | None, now: datetime, knowledge: Knowledge
) -> list[Prompt]:
    """Check-in prompts due now after a session performed at `performed_at`."""
    return [
        Prompt((at - performed_at).days, at)
        for at in checkin_due_times(performed_at, until, knowledge)
        if at <= now < at + GRACE
    ]


@dataclass(frozen=True)
class Milestone:
    """A moment aftercare instructions end, with those still in place from then. Only ends
    that are announced make a milestone (never sunscreen's or the warning signs')."""

    hours: float  # after the session, on the clinic's clock (2 days are 48 h across DST)
    at: datetime
    ending: tuple[AftercareItem, ...]
    in_place: tuple[AftercareItem, ...]

    @property
    def label(self) -> str:
        return f"{self.hours:g}h"


def milestones(aftercare: Aftercare, performed_at: datetime) -> list[Milestone]:
    zone = performed_at.tzinfo  # subtraction within one zone is wall-clock time
    items = sorted((i for i in aftercare.items if i.announce_end), key=lambda i: i.ends_at)
    return [
        Milestone(
            hours=round((at.astimezone(zone) - performed_at).total_seconds() / 3600, 2),
            at=at,
            ending=tuple(ending),
            in_place=tuple(i for i in aftercare.items if i.starts_at <= at < i.ends_at),
        )
        for at, ending in groupby(items, key=lambda item: item.ends_at)
    ]


def milestones_due(aftercare: Aftercare, performed_at: datetime, now: datetime) -> list[Milestone]:
    return [m for m in milestones(aftercare, performed_at) if m.at <= now < m.at + GRACE]
