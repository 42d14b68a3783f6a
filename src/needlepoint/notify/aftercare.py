"""A performed session's aftercare: the one place that gathers what the rules need from the
database (the clinic's zone, phone and location, the course's last session) and asks the
domain. Every page, file, e-mail and feed showing aftercare gets it from `session_aftercare`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Max, Q

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.courses.models import Course, Session
from needlepoint.domain.aftercare import Aftercare, aftercare_items
from needlepoint.domain.knowledge import Knowledge
from needlepoint.notify.daylight import sunset_on


class AftercareNotReady(Exception):
    """Aftercare follows from a performed session: this one is not signed yet."""

    def __init__(self) -> None:
        super().__init__("This session has not been performed and signed yet: no aftercare.")


def course_ends(course_ids: Iterable[int]) -> dict[int, datetime | None]:
    """When each course ends, in one query: its last performed session, or its last booked
    one while the course goes on (sunscreen runs until months after it)."""
    rows = (
        Session.objects.filter(course_id__in=set(course_ids))
        .values("course_id", "course__status")
        .annotate(
            performed=Max("ended_at", filter=Q(status=Session.Status.SIGNED)),
            booked=Max(
                "scheduled_at",
                filter=~Q(status__in=[Session.Status.SIGNED, Session.Status.CANCELLED]),
            ),
        )
    )
    ends: dict[int, datetime | None] = {}
    for row in rows:
        course_open = row["course__status"] not in (Course.Status.COMPLETED, Course.Status.STOPPED)
        times = [row["performed"], row["booked"] if course_open else None]
        ends[row["course_id"]] = max((t for t in times if t is not None), default=None)
    return ends


def session_aftercare(
    session: Session,
    knowledge: Knowledge | None = None,
    ends: Mapping[int, datetime | None] | None = None,
) -> Aftercare:
    """The aftercare of a signed session, in its clinic's zone. A caller showing many sessions
    passes the clinic's `knowledge` and the `course_ends` of their courses, read once."""
    if session.status != Session.Status.SIGNED or session.ended_at is None:
        raise AftercareNotReady
    clinic = session.clinic
    zone = ZoneInfo(clinic.time_zone)
    knowledge = knowledge or clinic_knowledge(clinic)
    ended = session.ended_at.astimezone(zone)
    location = (
        (clinic.latitude, clinic.longitude)
        if clinic.latitude is not None and clinic.longitude is not None
        else None
    )
    return aftercare_items(
        ended,
        zone,
        knowledge,
        last_session_at=(ends if ends is not None else course_ends([session.course_id])).get(
            session.course_id
        ),
        sunset=sunset_on(ended.date(), zone, location, knowledge.after_sunset.evening_hour),
        clinic_phone=clinic.phone,
    )
