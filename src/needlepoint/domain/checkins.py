"""When the portal asks a patient for a check-in after a session."""

from __future__ import annotations

from datetime import datetime, timedelta

from needlepoint.domain.knowledge.model import Knowledge


def checkin_due_times(
    performed_at: datetime, until: datetime | None, knowledge: Knowledge
) -> list[datetime]:
    """The moments check-ins are due after a session: the schedule's days, then a steady
    rhythm until `until` (the next session or the end of the course); without `until`, only
    the schedule's days. Times keep `performed_at`'s time zone."""
    schedule = knowledge.checkins
    due = [performed_at + timedelta(days=day) for day in schedule.days]
    if until is not None:
        due = [moment for moment in due if moment < until]
        step = timedelta(days=schedule.then_every_days)
        moment = performed_at + timedelta(days=schedule.days[-1]) + step
        while moment < until:
            due.append(moment)
            moment += step
    return due
