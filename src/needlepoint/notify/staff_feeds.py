"""A staff member's calendar feed: their appointments as .ics behind a secret, revocable
address (the token works as the patient's feed does, `notify.tokens`).

Calendar apps keep copies of what they read, often on another company's servers, so an event
names its patient only by initials and record number, never in full, and carries no clinical
detail beyond the appointment's type and room.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.notify.calendar import CalendarSession, staff_calendar
from needlepoint.notify.tokens import feed_token, new_nonce, token_digest
from needlepoint.safety.audit import audit_read, audit_record
from needlepoint.scheduling.models import Appointment, StaffCalendarFeed
from needlepoint.scheduling.selectors import feed_appointments, staff_feed

FEED_PAST = timedelta(days=14)


@transaction.atomic
def staff_feed_renew(actor: Actor) -> StaffCalendarFeed:
    """A new secret address for the signed-in staff member's appointments; the old one stops."""
    actor.require(Permission.CALENDAR_READ)
    staff = actor.user.staff
    StaffCalendarFeed.objects.filter(
        clinic=actor.clinic, staff=staff, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    nonce = new_nonce()
    feed = StaffCalendarFeed.objects.create(
        clinic=actor.clinic, staff=staff, nonce=nonce, token_digest=token_digest(feed_token(nonce))
    )
    audit_record(actor, "staff_feed.create", "staff", staff.pk, detail={"feed": feed.pk})
    return feed


@transaction.atomic
def staff_feed_revoke(actor: Actor) -> int:
    actor.require(Permission.CALENDAR_READ)
    staff = actor.user.staff
    revoked = StaffCalendarFeed.objects.filter(
        clinic=actor.clinic, staff=staff, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    audit_record(actor, "staff_feed.revoke", "staff", staff.pk, detail={"revoked": revoked})
    return revoked


def staff_feed_url(actor: Actor, base_url: str | None = None) -> str | None:
    """The signed-in staff member's feed address, or None without one (or once the server's
    secret key changed: they renew it)."""
    actor.require(Permission.CALENDAR_READ)
    feed = StaffCalendarFeed.objects.filter(
        clinic=actor.clinic, staff=actor.user.staff, revoked_at__isnull=True
    ).first()
    if feed is None:
        return None
    token = feed_token(feed.nonce)
    if token_digest(token) != feed.token_digest:
        return None
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("staff-calendar-feed", args=[token])


def _event(appointment: Appointment, zone: ZoneInfo) -> CalendarSession:
    patient = appointment.patient
    initials = f"{patient.given_name[:1]}{patient.family_name[:1]}".upper()
    where = appointment.room.name
    if appointment.numbing_room is not None:
        where = f"numbing in {appointment.numbing_room.name}, then {where}"
    return CalendarSession(
        key=f"appointment-{appointment.pk}",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        title=f"{appointment.type.name}: {initials} {patient.record_number}",
        description=f"Procedure from {appointment.procedure_starts_at.astimezone(zone):%H:%M}.",
        location=where,
    )


def access_staff_calendar_by_token(token: str, now: datetime | None = None) -> bytes:
    """The staff member's appointments for a feed token; 404 for a wrong or revoked one.
    Audited: the feed names patients."""
    now = now or timezone.now()
    feed = staff_feed(token_digest(token))
    if feed is None or not feed.staff.user.is_active:
        raise Http404("No such calendar.")
    appointments = feed_appointments(feed, now - FEED_PAST)
    StaffCalendarFeed.objects.filter(clinic=feed.clinic, pk=feed.pk).update(last_read_at=now)
    audit_read(
        None,
        "staff_feed.fetch",
        "staff",
        feed.staff_id,
        detail={"feed": feed.pk, "appointments": [a.pk for a in appointments]},
        clinic_id=feed.clinic_id,
    )
    return staff_calendar(
        f"{feed.clinic.name}: {feed.staff.user}",
        [_event(a, ZoneInfo(feed.clinic.time_zone)) for a in appointments],
        now,
    )
