"""The practitioner's day: today's sessions, patients due, open alerts, blocked screenings,
sessions that used a recalled lot and follow-ups overdue.

Every list is one bounded, index-backed query read a page at a time (`PAGE_SIZE` rows and
whether there are more), so the dashboard costs the same with ten patients or a hundred
thousand; the full list of a section is read page by page (`access_dashboard_section`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import OPEN_SESSION_STATUSES, Session
from needlepoint.courses.selectors import clinic_day
from needlepoint.intakes.models import BLOCKING_VERDICTS, Override, Screening
from needlepoint.outcomes.selectors import followups_overdue
from needlepoint.safety.audit import audit_read
from needlepoint.safety.models import Lot

DUE_WITHIN_DAYS = 7
PAGE_SIZE = 10
MAX_PAGE = 1_000


class Section(StrEnum):
    TODAY = "today"
    DUE = "due"
    ALERTS = "alerts"
    SCREENINGS = "screenings"
    RECALLS = "recalls"
    FOLLOW_UPS = "follow_ups"

    @property
    def heading(self) -> str:
        return _HEADINGS[self]


_HEADINGS = {
    Section.TODAY: "Today's sessions",
    Section.DUE: "Due or overdue",
    Section.ALERTS: "Open alerts",
    Section.SCREENINGS: "Blocked screenings",
    Section.RECALLS: "Recalled lots used",
    Section.FOLLOW_UPS: "Follow-ups overdue",
}


@dataclass(frozen=True)
class Notice:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Listing:
    """One page of a section: its sessions or notices, and whether a later page has more."""

    section: Section
    items: list[Any]
    page: int
    more: bool

    @property
    def session_ids(self) -> list[int]:
        return [item.pk for item in self.items if isinstance(item, Session)]


@dataclass(frozen=True)
class Dashboard:
    today: Listing
    due: Listing
    alerts: Listing
    screenings: Listing
    recalls: Listing
    follow_ups: Listing

    @property
    def open_alerts(self) -> list[Listing]:
        """What the "open alerts" card shows: check-in alerts, recalls, blocked screenings."""
        return [self.alerts, self.recalls, self.screenings]


def _page(rows: Any, page: int) -> tuple[list[Any], bool]:
    """Rows `page` of a query ordered on an index, reading one row past it to know of more."""
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


# The patient's name is all a listing shows of them: a row's other columns (a chart's JSON,
# a course's plan) are neither read nor decoded.
NAMED = ("patient__given_name", "patient__family_name")


def _sessions(actor: Actor) -> QuerySet[Session]:
    return (
        Session.objects.filter(clinic=actor.clinic)
        .select_related("patient")
        .only("number", "scheduled_at", "started_at", "status", *NAMED)
    )


def _today(actor: Actor, day: date, page: int) -> tuple[list[Any], bool]:
    start, end = clinic_day(actor, day)
    rows = (
        _sessions(actor)
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
    )
    return _page(rows, page)


def _due(actor: Actor, day: date, page: int) -> tuple[list[Any], bool]:
    """Open sessions before today (overdue), then those of the coming week, oldest first: two
    ranges of the partial index of open sessions, read in turn so that today's open sessions,
    between them, are never walked."""
    start, end = clinic_day(actor, day)
    open_sessions = _sessions(actor).filter(status__in=OPEN_SESSION_STATUSES)
    overdue = open_sessions.filter(scheduled_at__lt=start).order_by("scheduled_at", "pk")
    coming = open_sessions.filter(
        scheduled_at__gte=end, scheduled_at__lt=end + timedelta(days=DUE_WITHIN_DAYS)
    ).order_by("scheduled_at", "pk")
    return _page_of_two(overdue, coming, page)


def _page_of_two(first: QuerySet[Any], then: QuerySet[Any], page: int) -> tuple[list[Any], bool]:
    """Page `page` of `first`'s rows followed by `then`'s, each read from where the page starts."""
    start = (page - 1) * PAGE_SIZE
    found = list(first[start : start + PAGE_SIZE + 1])
    if len(found) <= PAGE_SIZE:  # `first` ends on this page, or on an earlier one
        ends = start + len(found) if found else first[:start].count()
        skip = max(start - ends, 0)
        found += then[skip : skip + PAGE_SIZE + 1 - len(found)]
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def _alerts(actor: Actor, page: int) -> tuple[list[Any], bool]:
    rows = (
        Alert.objects.filter(clinic=actor.clinic)
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("patient", "checkin")
        .only("status", "created_at", "checkin__level", *NAMED)
        .order_by("-created_at", "-pk")
    )
    found, more = _page(rows, page)
    return [
        Notice(
            f"{a.checkin.get_level_display()}: check-in from {a.patient.full_name}",
            f"{a.get_status_display()}, raised "
            f"{timezone.localtime(a.created_at, actor.zone):%d %b %H:%M}",
            reverse("alert-detail", args=[a.pk]),
        )
        for a in found
    ], more


# How long a blocking screening the patient answered in the portal stays on the day's list.
PORTAL_SCREENING_SHOWN = timedelta(days=90)


def _screenings(actor: Actor, page: int) -> tuple[list[Any], bool]:
    """Blocking screenings, not overridden, that a scheduled session waits on: the session's
    own (re-screened to start), or the patient's latest when they answered it themselves in
    the portal (a booking it stopped) while a session of theirs is scheduled.

    A scheduled session has a screening only once it was re-screened to start, so the first
    kind starts from those sessions (a partial index holds only them: a handful, however many
    blocking screenings the clinic's history has); the second from the recent blocking
    screenings (their own partial index, by time), of which a newer screening of the patient
    takes each off. Past `PORTAL_SCREENING_SHOWN` the session's own re-screening at its start
    is what shows it again."""
    rescreened = Session.objects.filter(
        clinic=actor.clinic, status=Session.Status.SCHEDULED, screening__isnull=False
    )
    waiting = list(rescreened.order_by().values_list("screening_id", flat=True))
    answered_in_portal = Q(
        Exists(
            Session.objects.filter(
                clinic=actor.clinic, patient=OuterRef("patient"), status=Session.Status.SCHEDULED
            )
        ),
        ~Exists(
            Screening.objects.filter(
                clinic=actor.clinic,
                patient=OuterRef("patient"),
                screened_at__gt=OuterRef("screened_at"),
            )
        ),
        intake__recorded_by_role=Role.PATIENT.value,
        screened_at__gte=timezone.now() - PORTAL_SCREENING_SHOWN,
    )
    rows = (
        Screening.objects.filter(clinic=actor.clinic, verdict__in=BLOCKING_VERDICTS)
        .filter(Q(pk__in=waiting) | answered_in_portal)
        .exclude(Exists(Override.objects.filter(screening=OuterRef("pk"))))
        .select_related("patient")
        .only("verdict", *NAMED)
        .order_by("-screened_at", "-pk")
    )
    found, more = _page(rows, page)
    return [
        Notice(
            f"Blocked screening: {s.patient.full_name}",
            f"{s.verdict.replace('_', ' ')} — needs a practitioner's decision",
            reverse("screening-detail", args=[s.pk]),
        )
        for s in found
    ], more


def _recalls(actor: Actor, page: int) -> tuple[list[Any], bool]:
    """Each use of a recalled lot (as cartridge or product), the latest recorded session first.

    It starts from the clinic's recalled lots, which are few, and reads their uses from the
    indexes that lead on the lot, so its cost follows the uses of recalled lots rather than
    the clinic's sessions; only the page's sessions are read."""
    lots = {
        lot.pk: lot for lot in Lot.objects.filter(clinic=actor.clinic, recalled_at__isnull=False)
    }
    if not lots:
        return [], False
    # Each kind of use up to the page's end, latest session first, merged here: a sort of
    # every use of a recalled lot would grow with the clinic.
    reach = page * PAGE_SIZE + 1
    as_cartridge = (
        Session.objects.filter(clinic=actor.clinic, cartridge_lot__in=list(lots))
        .order_by("-pk")
        .values_list("pk", "cartridge_lot_id")
    )
    as_product = (
        Session.product_lots.through.objects.filter(lot__in=list(lots))
        .order_by("-session_id", "-lot_id")
        .values_list("session_id", "lot_id")
    )
    uses = sorted([*as_cartridge[:reach], *as_product[:reach]], reverse=True)
    page_uses, more = _page(uses, page)
    sessions = _sessions(actor).in_bulk([session_id for session_id, _ in page_uses])
    notices = []
    for session_id, lot_id in page_uses:
        s, lot = sessions[session_id], lots[lot_id]
        notices.append(
            Notice(
                f"Recalled lot {lot.lot_number} used on {s.patient.full_name}",
                f"Session {s.number} on {s.started_at or s.scheduled_at:%d %b %Y}: "
                f"{lot.recall_reason}",
                reverse("session-detail", args=[s.pk]),
            )
        )
    return notices, more


def _follow_ups(actor: Actor, page: int) -> tuple[list[Any], bool]:
    """Follow-ups past their due time without the patient's answers, the longest overdue
    first: the partial index of unanswered follow-ups by due time."""
    found, more = _page(followups_overdue(actor.clinic, timezone.now()), page)
    return [
        Notice(
            f"{f.get_timepoint_display()}: {f.patient.full_name}",
            f"Due {timezone.localtime(f.due_at, actor.zone):%d %b %Y}"
            + (" — missed" if f.overdue_after <= timezone.now() else ""),
            reverse("course-detail", args=[f.course_id]),
        )
        for f in found
    ], more


def _reader(actor: Actor, day: date, section: Section) -> Callable[[int], tuple[list[Any], bool]]:
    return {
        Section.TODAY: lambda page: _today(actor, day, page),
        Section.DUE: lambda page: _due(actor, day, page),
        Section.ALERTS: lambda page: _alerts(actor, page),
        Section.SCREENINGS: lambda page: _screenings(actor, page),
        Section.RECALLS: lambda page: _recalls(actor, page),
        Section.FOLLOW_UPS: lambda page: _follow_ups(actor, page),
    }[section]


def _listing(actor: Actor, day: date, section: Section, page: int) -> Listing:
    page = min(max(page, 1), MAX_PAGE)
    items, more = _reader(actor, day, section)(page)
    return Listing(section, items, page, more)


def access_dashboard(actor: Actor, day: date) -> Dashboard:
    """The first page of every section of the clinic's `day`; audited once."""
    actor.require(Permission.CLINICAL_READ)
    first = {section.value: _listing(actor, day, section, 1) for section in Section}
    board = Dashboard(**first)
    sessions = board.today.session_ids + board.due.session_ids
    audit_read(actor, "dashboard.read", "clinic", actor.clinic.pk, detail={"sessions": sessions})
    return board


def access_dashboard_section(actor: Actor, day: date, section: Section, page: int) -> Listing:
    """One page of one section of the dashboard (a page past `MAX_PAGE` is that page); audited."""
    actor.require(Permission.CLINICAL_READ)
    listing = _listing(actor, day, section, page)
    detail = {"section": section.value, "page": listing.page, "sessions": listing.session_ids}
    audit_read(actor, "dashboard.read", "clinic", actor.clinic.pk, detail=detail)
    return listing
