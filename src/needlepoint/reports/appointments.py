"""The calendar for a manager, over a stretch of clinic-local days: appointments per day and
practitioner, each practitioner's utilisation (the time their appointments held of their open
hours, closures taken off) and the no-show rate (of the visits that were due, those not
attended). Read in four queries whatever the number of appointments; one audit event."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.roles import Permission
from needlepoint.domain.scheduling import Span, local_day, open_spans, subtract
from needlepoint.reports.csv import Table
from needlepoint.safety.audit import audit_read
from needlepoint.scheduling import selectors as scheduling
from needlepoint.scheduling.models import Appointment, WorkingHours
from needlepoint.scheduling.selectors import hours_by_staff

LONGEST = timedelta(days=92)
ATTENDED = (
    Appointment.Status.ARRIVED,
    Appointment.Status.IN_PROGRESS,
    Appointment.Status.COMPLETED,
)
# What held the practitioner's time: everything but a cancellation (a no-show's slot was lost).
HELD = (*ATTENDED, Appointment.Status.BOOKED, Appointment.Status.NO_SHOW)


@dataclass
class Tally:
    """One practitioner's appointments on one day (or over the whole stretch)."""

    statuses: Counter[str] = field(default_factory=Counter)
    held_minutes: float = 0.0
    open_minutes: float = 0.0

    @property
    def appointments(self) -> int:
        """Booked, not cancelled."""
        return sum(self.statuses[status] for status in HELD)

    @property
    def attended(self) -> int:
        return sum(self.statuses[status] for status in ATTENDED)

    @property
    def no_shows(self) -> int:
        return self.statuses[Appointment.Status.NO_SHOW]

    @property
    def cancelled(self) -> int:
        return self.statuses[Appointment.Status.CANCELLED]

    @property
    def utilisation(self) -> float | None:
        """The share of the open hours that appointments held; None without open hours."""
        return self.held_minutes / self.open_minutes if self.open_minutes else None

    @property
    def no_show_rate(self) -> float | None:
        """Of the visits that were due and recorded (attended or not), the share not attended."""
        due = self.attended + self.no_shows
        return self.no_shows / due if due else None

    def add(self, other: Tally) -> None:
        self.statuses.update(other.statuses)
        self.held_minutes += other.held_minutes
        self.open_minutes += other.open_minutes


@dataclass(frozen=True)
class AppointmentReport:
    first: date
    last: date
    practitioners: list[Staff]
    tallies: dict[tuple[date, int], Tally]  # (day, practitioner id)

    @property
    def days(self) -> list[date]:
        return _days(self.first, self.last)

    def day(self, day: date) -> Tally:
        total = Tally()
        for staff in self.practitioners:
            total.add(self.tallies.get((day, staff.pk), Tally()))
        return total

    def practitioner(self, staff: Staff) -> Tally:
        total = Tally()
        for day in self.days:
            total.add(self.tallies.get((day, staff.pk), Tally()))
        return total

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            total.add(tally)
        return total


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _minutes(spans: list[Span]) -> float:
    return sum((span.ends_at - span.starts_at).total_seconds() for span in spans) / 60


def appointment_report(actor: Actor, first: date, last: date) -> AppointmentReport:
    """The report for the clinic-local days `first` to `last` (at most 92 days)."""
    if last < first:
        raise ValidationError({"last": "The last day comes before the first."})
    if last - first >= LONGEST:
        raise ValidationError({"last": f"Choose at most {LONGEST.days} days."})
    zone, clinic = actor.zone, actor.clinic
    starts, ends = local_day(first, zone).starts_at, local_day(last, zone).ends_at
    practitioners = scheduling.practitioners(actor)
    hours = hours_by_staff(WorkingHours.objects.filter(clinic=clinic))
    closures = scheduling.closures_between(actor, starts, ends)
    tallies: dict[tuple[date, int], Tally] = defaultdict(Tally)
    held: dict[int, list[Span]] = defaultdict(list)
    rows = Appointment.objects.filter(
        clinic=clinic, starts_at__gte=starts, starts_at__lt=ends
    ).values_list("practitioner_id", "status", "procedure_starts_at", "ends_at")
    for staff_id, status, procedure_starts_at, procedure_ends_at in rows:
        tallies[(procedure_starts_at.astimezone(zone).date(), staff_id)].statuses[status] += 1
        if status in HELD:
            held[staff_id].append(Span(procedure_starts_at, procedure_ends_at))
    for staff in practitioners:
        closed = scheduling.closed_for(closures, staff_id=staff.pk)
        for day in _days(first, last):
            opened = open_spans(day, hours.get(staff.pk, []), closed, zone)
            booked = subtract(opened, subtract([local_day(day, zone)], held[staff.pk]))
            if opened or booked:
                tally = tallies[(day, staff.pk)]
                tally.open_minutes, tally.held_minutes = _minutes(opened), _minutes(booked)
    return AppointmentReport(first, last, practitioners, dict(tallies))


def access_appointment_report(actor: Actor, first: date, last: date) -> AppointmentReport:
    actor.require(Permission.CALENDAR_REPORT)
    report = appointment_report(actor, first, last)
    audit_read(
        actor,
        "calendar.report",
        "clinic",
        actor.clinic.pk,
        clinic_id=actor.clinic.pk,
        detail={"first": first.isoformat(), "last": last.isoformat()},
    )
    return report


def _share(value: float | None) -> float | str:
    return "" if value is None else round(value, 3)


def access_appointment_table(actor: Actor, first: date, last: date) -> Table:
    """One line per day and practitioner, as CSV."""
    report = access_appointment_report(actor, first, last)

    def rows() -> Iterator[tuple[object, ...]]:
        for day in report.days:
            for staff in report.practitioners:
                tally = report.tallies.get((day, staff.pk))
                if tally is None:
                    continue
                yield (
                    day, staff.user.full_name or staff.user.email, tally.appointments,
                    tally.attended, tally.no_shows, tally.cancelled, round(tally.held_minutes),
                    round(tally.open_minutes), _share(tally.utilisation),
                )  # fmt: skip

    header = (
        "date", "practitioner", "appointments", "attended", "no_shows", "cancelled",
        "held_minutes", "open_minutes", "utilisation",
    )  # fmt: skip
    name = f"{actor.clinic.slug}-appointments-{first.isoformat()}-{last.isoformat()}.csv"
    return Table(name, header, rows())
