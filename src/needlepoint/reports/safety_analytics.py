"""The clinic's safety: of the sessions signed in the period (by the practitioner, if one is
chosen), the share with an adverse event recorded, per 100 sessions with its Wilson 95 %
interval, by adverse-event type, depth band (the session's deepest zone), device, cartridge
lot, Fitzpatrick type and practitioner; the check-ins after those sessions by triage level and
day after the session (day 0: the first 24 hours after it ended); and the time from an alert
to its acknowledgement (median, 90th percentile) against the clinic's escalation time, with
the share acknowledged later or still open past it.

A rate counts sessions with at least one adverse event (so it is a proportion, which the
Wilson interval is for); the events themselves are counted beside it. A group of fewer
sessions than analytics.toml's minimum shows its counts and interval but no rate is claimed.
Every table is one GROUP BY query; the alert times three queries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.replica import reporting_database
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.common import SKIN_TYPE_NUMERALS
from needlepoint.domain.knowledge.model.recovery import Level
from needlepoint.domain.statistics import Proportion, nearest_rank, wilson
from needlepoint.reports.analytics import (
    Breakdown,
    Figure,
    FigurePatients,
    Filters,
    access_csv_table,
    access_patients_behind,
    basis,
    choice_label,
    deepest,
    depth_breakdown,
    key_of,
    practitioner_label,
    practitioners,
    rounded,
)
from needlepoint.reports.csv import Table
from needlepoint.safety.audit import audit_read
from needlepoint.safety.models import Lot

PAGE = "safety"
SESSIONS = "_sessions"  # a table's suffix in a link to the patients of a group's sessions
DAYS = range(15)  # days 0-14 after a session
DAY = timedelta(days=1)


def sessions_signed(actor: Actor, filters: Filters, knowledge: Knowledge) -> QuerySet[Any]:
    """The clinic's signed sessions scheduled in the period, with their depth band and
    whether an adverse event was recorded for them."""
    starts, ends = filters.bounds(actor)
    sessions = Session.objects.using(reporting_database()).filter(
        clinic=actor.clinic, status=Session.Status.SIGNED,
        scheduled_at__gte=starts, scheduled_at__lt=ends,
    )  # fmt: skip
    if filters.practitioner is not None:
        sessions = sessions.filter(practitioner=filters.practitioner)
    events = AdverseEvent.objects.filter(clinic=actor.clinic, session=OuterRef("pk"))
    return sessions.annotate(deepest=deepest("zones", knowledge), harmed=Exists(events))


def _lot_label(lots: dict[int, str]) -> Any:
    return lambda value: lots.get(value, f"Lot {value}") if value else "No cartridge lot"


def _lot_names(actor: Actor, lot_ids: list[Any]) -> dict[int, str]:
    lots = Lot.objects.using(reporting_database()).filter(
        clinic=actor.clinic, pk__in=[pk for pk in lot_ids if pk]
    )
    return {lot.pk: f"{lot.lot_number} ({lot.product_name})" for lot in lots}


def breakdowns(
    actor: Actor, knowledge: Knowledge, lots: dict[int, str] | None = None
) -> tuple[Breakdown, ...]:
    """The rate tables' groupings; `lots` names the cartridge lots (filled once they are
    known, as the labels are read)."""
    return (
        depth_breakdown("Depth band (deepest zone)", knowledge),
        Breakdown("device", "Device", "device",
                  choice_label(dict(Session.Device.choices)), blank=True),
        Breakdown("lot", "Cartridge lot", "cartridge_lot_id",
                  _lot_label({} if lots is None else lots), int),
        Breakdown("fitzpatrick", "Fitzpatrick type", "patient__fitzpatrick",
                  lambda v: f"Type {SKIN_TYPE_NUMERALS[v - 1]}" if v else "Not recorded", int),
        Breakdown("practitioner", "Practitioner", "practitioner_id",
                  practitioner_label(practitioners(actor)), int),
    )  # fmt: skip


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    sessions: int
    affected: int  # sessions with an adverse event
    events: int | None  # the events (by type only)
    rate: Proportion | None  # None for no sessions
    too_few: str | None

    @property
    def per_100(self) -> tuple[float, float, float] | None:
        """The rate and its interval per 100 sessions."""
        return self.rate.per(100) if self.rate else None


def _rate_row(key: str, label: str, sessions: int, affected: int, knowledge: Knowledge,
              events: int | None = None) -> RateRow:  # fmt: skip
    rule = knowledge.analytics.sessions
    return RateRow(
        key, label, sessions, affected, events,
        wilson(affected, sessions) if sessions else None, rule.too_few(sessions, "sessions"),
    )  # fmt: skip


@dataclass(frozen=True)
class RateTable:
    code: str
    title: str
    rows: list[RateRow]


@dataclass(frozen=True)
class TriageDays:
    levels: list[tuple[Level, list[int]]]  # each level's check-ins on days 0-14

    def day_total(self, day: int) -> int:
        return sum(counts[day] for _, counts in self.levels)


@dataclass(frozen=True)
class AlertTimes:
    escalation_minutes: int
    alerts: int
    acknowledged: int
    within: int
    late: int  # acknowledged after the escalation time
    open_past: int  # not acknowledged, and raised longer ago than the escalation time
    median: timedelta | None
    p90: timedelta | None

    @property
    def median_minutes(self) -> float | None:
        return None if self.median is None else self.median.total_seconds() / 60

    @property
    def p90_minutes(self) -> float | None:
        return None if self.p90 is None else self.p90.total_seconds() / 60

    @property
    def past_percent(self) -> tuple[float, float, float] | None:
        return self.past.per(100) if self.past else None

    @property
    def past(self) -> Proportion | None:
        """The share of alerts past the escalation time (late, or still open past it)."""
        return wilson(self.late + self.open_past, self.alerts) if self.alerts else None


@dataclass(frozen=True)
class SafetyReport:
    filters: Filters
    sessions: int
    affected: int
    kinds: RateTable
    tables: list[RateTable]
    triage: TriageDays
    alert_times: AlertTimes
    minimum: int
    basis: tuple[str, ...]  # the citations behind the intervals and the minimum sample


def events_of_sessions(actor: Actor, filters: Filters, knowledge: Knowledge) -> QuerySet[Any]:
    return AdverseEvent.objects.using(reporting_database()).filter(
        clinic=actor.clinic,
        session__in=sessions_signed(actor, filters, knowledge).values("pk"),
    )


def checkins_of_sessions(actor: Actor, filters: Filters, knowledge: Knowledge) -> QuerySet[Any]:
    """The check-ins on the period's sessions, each with when its session ended."""
    return (
        CheckIn.objects.using(reporting_database())
        .filter(clinic=actor.clinic,
                session__in=sessions_signed(actor, filters, knowledge).values("pk"))
        .annotate(performed=Coalesce("session__ended_at", "session__scheduled_at"))
    )  # fmt: skip


def _on_day(day: int) -> Q:
    return Q(reported_at__gte=F("performed") + DAY * day,
             reported_at__lt=F("performed") + DAY * (day + 1))  # fmt: skip


def alerts_raised(actor: Actor, filters: Filters) -> QuerySet[Any]:
    starts, ends = filters.bounds(actor)
    alerts = Alert.objects.using(reporting_database()).filter(
        clinic=actor.clinic, created_at__gte=starts, created_at__lt=ends
    )
    if filters.practitioner is not None:
        alerts = alerts.filter(checkin__session__practitioner=filters.practitioner)
    return alerts


def alert_times(actor: Actor, filters: Filters, now: datetime) -> AlertTimes:
    limit = timedelta(minutes=actor.clinic.alert_escalation_minutes)
    alerts = alerts_raised(actor, filters)
    counts = alerts.aggregate(
        alerts=Count("pk"),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        late=Count("pk", filter=Q(acknowledged_at__gt=F("created_at") + limit)),
        open_past=Count("pk", filter=Q(acknowledged_at__isnull=True, created_at__lt=now - limit)),
    )
    waits = (
        alerts.filter(acknowledged_at__isnull=False)
        .annotate(wait=ExpressionWrapper(F("acknowledged_at") - F("created_at"),
                                         output_field=DurationField()))
        .order_by("wait", "pk")
        .values_list("wait", flat=True)
    )  # fmt: skip
    n = counts["acknowledged"]
    median = waits[nearest_rank(n, 50)] if n else None
    p90 = waits[nearest_rank(n, 90)] if n else None
    return AlertTimes(
        actor.clinic.alert_escalation_minutes, counts["alerts"], n,
        n - counts["late"], counts["late"], counts["open_past"], median, p90,
    )  # fmt: skip


def safety_report(actor: Actor, filters: Filters, now: datetime) -> SafetyReport:
    knowledge = clinic_knowledge(actor.clinic)
    rules = knowledge.analytics
    sessions = sessions_signed(actor, filters, knowledge)
    tables = []
    lots: dict[int, str] = {}
    for breakdown in breakdowns(actor, knowledge, lots):
        grouped = list(
            sessions.values(breakdown.group)
            .annotate(sessions=Count("pk"), affected=Count("pk", filter=Q(harmed=True)))
            .order_by(breakdown.group)
        )
        if breakdown.code == "lot":
            lots.update(_lot_names(actor, [row[breakdown.group] for row in grouped]))
        tables.append(_rate_table(breakdown, grouped, knowledge))
    total = sum(row.sessions for row in tables[0].rows)
    affected = sum(row.affected for row in tables[0].rows)
    kinds = dict(AdverseEvent.Kind.choices)
    by_kind = {
        row["kind"]: row
        for row in events_of_sessions(actor, filters, knowledge)
        .values("kind")
        .annotate(events=Count("pk"), affected=Count("session", distinct=True))
    }
    kind_rows = [
        _rate_row(kind, label, total, by_kind[kind]["affected"], knowledge, by_kind[kind]["events"])
        for kind, label in kinds.items() if kind in by_kind
    ]  # fmt: skip
    day_counts = (
        checkins_of_sessions(actor, filters, knowledge)
        .values("level")
        .annotate(**{f"day_{day}": Count("pk", filter=_on_day(day)) for day in DAYS})
    )
    found = {row["level"]: row for row in day_counts}
    triage = TriageDays([
        (level, [found.get(level.value, {}).get(f"day_{day}", 0) for day in DAYS])
        for level in Level
    ])  # fmt: skip
    return SafetyReport(
        filters, total, affected, RateTable("kind", "Adverse-event type", kind_rows), tables,
        triage, alert_times(actor, filters, now), rules.sessions.minimum,
        basis(knowledge, rules.rate_interval.sources, rules.sessions.sources),
    )  # fmt: skip


def _rate_table(
    breakdown: Breakdown, grouped: list[dict[str, Any]], knowledge: Knowledge
) -> RateTable:
    rows = [
        _rate_row(key_of(value), breakdown.label(value), row["sessions"], row["affected"],
                  knowledge)
        for value, row in breakdown.rows(grouped)
    ]  # fmt: skip
    return RateTable(breakdown.code, breakdown.title, rows)


def access_safety_report(actor: Actor, filters: Filters) -> SafetyReport:
    actor.require(Permission.CLINICAL_READ)
    report = safety_report(actor, filters, timezone.now())
    audit_read(actor, "analytics.safety", "clinic", actor.clinic.pk, detail=filters.detail())
    return report


SAFETY_TABLES = ("kind", "depth_band", "device", "lot", "fitzpatrick", "practitioner",
                 "triage", "alert_times")  # fmt: skip


def _rate_lines(rows: list[RateRow]) -> Iterator[tuple[object, ...]]:
    for row in rows:
        share, low, high = row.per_100 or (None, None, None)
        events = "" if row.events is None else row.events
        shown = None if row.too_few else share
        yield (row.label, row.sessions, row.affected, events, rounded(shown),
               rounded(low), rounded(high))  # fmt: skip


def access_safety_table(actor: Actor, filters: Filters, table: str) -> Table:
    """One table of the page as CSV."""
    actor.require(Permission.CLINICAL_READ)
    if table not in SAFETY_TABLES:
        raise ValueError(f"not a safety table: {table!r}")
    report = safety_report(actor, filters, timezone.now())
    if table == "triage":
        header: list[str] = ["level", *(f"day_{day}" for day in DAYS)]
        lines: Iterator[Any] = ((level.label, *counts) for level, counts in report.triage.levels)
    elif table == "alert_times":
        t = report.alert_times
        header = ["escalation_minutes", "alerts", "acknowledged", "acknowledged_within",
                  "acknowledged_later", "open_past_escalation", "median_minutes",
                  "p90_minutes"]  # fmt: skip
        lines = iter([(
            t.escalation_minutes, t.alerts, t.acknowledged, t.within, t.late, t.open_past,
            rounded(t.median_minutes, 1), rounded(t.p90_minutes, 1),
        )])  # fmt: skip
    else:
        rows = (
            report.kinds.rows
            if table == "kind"
            else next(t.rows for t in report.tables if t.code == table)
        )
        header = ["group", "sessions", "sessions_with_adverse_event", "adverse_events",
                  "per_100_sessions", "ci95_low", "ci95_high"]  # fmt: skip
        lines = _rate_lines(rows)
    return access_csv_table(actor, PAGE, table, filters, header, lines)


def access_safety_patients(actor: Actor, filters: Filters, table: str, key: str) -> FigurePatients:
    """The patients behind one figure: those with an adverse event in a rate's group (or
    treated in it: `device_sessions`), with a check-in at a level on a day (`level:day`), or
    whose alert passed the escalation time."""
    actor.require(Permission.CLINICAL_READ)
    knowledge = clinic_knowledge(actor.clinic)
    figure = Figure(PAGE, table, key)
    if table == "kind":
        kinds = dict(AdverseEvent.Kind.choices)
        if key not in kinds:
            raise LookupError(f"no adverse-event type {key!r}")
        ids = events_of_sessions(actor, filters, knowledge).filter(kind=key).values("patient_id")
        title = f"Adverse events: {kinds[key]}"
    elif table == "triage":
        level, _, day = key.partition(":")
        if level not in {lv.value for lv in Level} or not day.isdigit() or int(day) not in DAYS:
            raise LookupError(f"no triage figure {key!r}")
        ids = checkins_of_sessions(actor, filters, knowledge).filter(_on_day(int(day)), level=level)
        ids, title = ids.values("patient_id"), f"Check-ins: {Level(level).label}, day {day}"
    elif table == "alert_times":
        if key != "past":
            raise LookupError(f"no alert figure {key!r}")
        limit = timedelta(minutes=actor.clinic.alert_escalation_minutes)
        past = Q(acknowledged_at__gt=F("created_at") + limit) | Q(
            acknowledged_at__isnull=True, created_at__lt=timezone.now() - limit
        )
        ids = alerts_raised(actor, filters).filter(past).values("patient_id")
        title = "Alerts past the escalation time"
    else:  # a group's sessions with an adverse event, or all its sessions (`<table>_sessions`)
        code, treated = table.removesuffix(SESSIONS), table.endswith(SESSIONS)
        lots: dict[int, str] = {}
        breakdown = next((b for b in breakdowns(actor, knowledge, lots) if b.code == code), None)
        if breakdown is None:
            raise LookupError(f"no safety table {table!r}")
        try:
            sessions = breakdown.only(sessions_signed(actor, filters, knowledge), key)
            value = breakdown.value_of(key)
        except ValueError:
            raise LookupError(f"no group {key!r}") from None
        ids = (sessions if treated else sessions.filter(harmed=True)).values("patient_id")
        if code == "lot":
            lots.update(_lot_names(actor, [value]))
        what = "Sessions" if treated else "Adverse events"
        title = f"{what}, {breakdown.title}: {breakdown.label(value)}"
    return access_patients_behind(actor, figure, title, filters, ids)
