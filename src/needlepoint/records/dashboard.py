"""The practitioner's day: today's sessions, patients due, and open alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.courses.selectors import clinic_day
from needlepoint.intakes.models import Screening
from needlepoint.safety.audit import audit_record

DUE_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Notice:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Dashboard:
    today: list[Session]
    due: list[Session]
    alerts: list[Notice]


def _open_sessions() -> Q:
    return Q(status__in=[Session.Status.SCHEDULED, Session.Status.IN_PROGRESS])


def access_dashboard(actor: Actor, day: date) -> Dashboard:
    actor.require(Permission.CLINICAL_READ)
    start, end = clinic_day(actor, day)
    sessions = Session.objects.filter(clinic=actor.clinic).select_related("patient", "course")
    today = list(
        sessions.filter(scheduled_at__gte=start, scheduled_at__lt=end).exclude(
            status=Session.Status.CANCELLED
        )
    )
    due = list(
        sessions.filter(
            _open_sessions(),
            scheduled_at__gte=end,
            scheduled_at__lt=end + timedelta(days=DUE_WITHIN_DAYS),
        )
        | sessions.filter(_open_sessions(), scheduled_at__lt=start)
    )
    due.sort(key=lambda s: s.scheduled_at)
    alerts = [
        Notice(
            f"Recalled lot {lot.lot_number} used on {s.patient.full_name}",
            f"Session {s.number} on {s.started_at or s.scheduled_at:%d %b %Y}: {lot.recall_reason}",
            reverse("session-detail", args=[s.pk]),
        )
        for s in sessions.filter(
            Q(cartridge_lot__recalled_at__isnull=False) | Q(product_lots__recalled_at__isnull=False)
        )
        .distinct()
        .prefetch_related("product_lots")
        .select_related("cartridge_lot")
        for lot in [s.cartridge_lot, *s.product_lots.all()]
        if lot is not None and lot.recalled_at is not None
    ]
    alerts += [
        Notice(
            f"Blocked screening: {s.patient.full_name}",
            f"{s.verdict.replace('_', ' ')} — needs a practitioner's decision",
            reverse("screening-detail", args=[s.pk]),
        )
        for s in Screening.objects.filter(
            clinic=actor.clinic,
            sessions__status=Session.Status.SCHEDULED,
            verdict__in=["defer", "not_eligible", "incomplete"],
            override__isnull=True,
        )
        .select_related("patient")
        .distinct()
    ]
    alerts = [
        Notice(
            f"{a.checkin.get_level_display()}: check-in from {a.patient.full_name}",
            f"{a.get_status_display()}, raised "
            f"{timezone.localtime(a.created_at, actor.zone):%d %b %H:%M}",
            reverse("alert-detail", args=[a.pk]),
        )
        for a in Alert.objects.filter(clinic=actor.clinic)
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("patient", "checkin")
        .order_by("-created_at")
    ] + alerts
    audit_record(
        actor,
        "dashboard.read",
        "clinic",
        actor.clinic.pk,
        detail={"sessions": [s.pk for s in today + due]},
    )
    return Dashboard(today, due, alerts)
