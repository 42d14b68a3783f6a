"""A clinic's money for its manager: what was received, refunded and net per clinic-local
month, and the packages with a balance still due (restricted records left out, as from every
list). One audit event per report or file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from needlepoint.billing.models import Package, Payment
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission
from needlepoint.domain.billing import round_money
from needlepoint.reports.csv import Table
from needlepoint.safety.audit import audit_read

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=3))
RECEIVED_KINDS = (Payment.Kind.DEPOSIT, Payment.Kind.PAYMENT)


@dataclass(frozen=True)
class Month:
    month: date  # its first day, clinic-local
    received: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.received - self.refunded


def _first_of_month(day: date, back: int) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def revenue_by_month(clinic: Clinic, today: date, months: int = 12) -> list[Month]:
    """The last `months` months to `today`, each with what was received and refunded in it
    (by when the money changed hands, in the clinic's time zone); months without any are 0."""
    zone = ZoneInfo(clinic.time_zone)
    start = datetime.combine(_first_of_month(today, months - 1), time.min, tzinfo=zone)
    rows = (
        Payment.objects.filter(clinic=clinic, received_at__gte=start)
        .annotate(month=TruncMonth("received_at", tzinfo=zone))
        .values("month")
        .annotate(
            received=Coalesce(Sum("amount", filter=Q(kind__in=RECEIVED_KINDS)), ZERO),
            refunded=Coalesce(Sum("amount", filter=Q(kind=Payment.Kind.REFUND)), ZERO),
        )
    )
    found = {row["month"].date(): row for row in rows}
    result = []
    for back in range(months - 1, -1, -1):
        month = _first_of_month(today, back)
        row = found.get(month, {"received": Decimal(0), "refunded": Decimal(0)})
        result.append(
            Month(
                month,
                round_money(row["received"], clinic.currency),
                round_money(row["refunded"], clinic.currency),
            )
        )
    return result


@dataclass(frozen=True)
class Owed:
    package: Package
    paid: Decimal
    refunded: Decimal
    due: Decimal


def outstanding(clinic: Clinic) -> Iterator[Owed]:
    """Packages with a balance due, the largest first."""
    packages: QuerySet[Any] = (
        Package.objects.filter(clinic=clinic, patient__restricted_at__isnull=True)
        .select_related("patient")
        .annotate(
            paid=Coalesce(
                Sum("payments__amount", filter=Q(payments__kind__in=RECEIVED_KINDS)), ZERO
            ),
            refunded=Coalesce(Sum("payments__amount", filter=Q(payments__kind="refund")), ZERO),
        )
        .annotate(due=F("total") - F("paid") + F("refunded"))
        .filter(due__gt=0)
        .order_by("-due", "pk")
    )
    for package in packages:
        yield Owed(package, package.paid, package.refunded, package.due)


@dataclass(frozen=True)
class RevenueReport:
    currency: str
    months: list[Month]
    outstanding: list[Owed]

    @property
    def outstanding_total(self) -> Decimal:
        return sum((owed.due for owed in self.outstanding), Decimal(0))


def access_revenue_report(actor: Actor, months: int = 12) -> RevenueReport:
    actor.require(Permission.BILLING_REPORT)
    clinic = actor.clinic
    report = RevenueReport(
        clinic.currency, revenue_by_month(clinic, actor.today, months), list(outstanding(clinic))
    )
    audit_read(actor, "billing.report", "clinic", clinic.pk, clinic_id=clinic.pk)
    return report


def _revenue_table(clinic: Clinic, today: date) -> Table:
    def rows() -> Iterator[tuple[object, ...]]:
        for month in revenue_by_month(clinic, today, 24):
            yield (
                f"{month.month:%Y-%m}",
                month.received,
                month.refunded,
                month.net,
                clinic.currency,
            )

    return Table(
        f"{clinic.slug}-revenue.csv", ("month", "received", "refunded", "net", "currency"), rows()
    )


def _outstanding_table(clinic: Clinic) -> Table:
    def rows() -> Iterator[tuple[object, ...]]:
        for owed in outstanding(clinic):
            p = owed.package
            amounts = (p.total, owed.paid, owed.refunded, owed.due)
            yield (
                p.patient.record_number, p.patient.given_name, p.patient.family_name, p.course_id,
                p.created_at.astimezone(ZoneInfo(clinic.time_zone)).date(),
                *(round_money(amount, clinic.currency) for amount in amounts),
                clinic.currency,
            )  # fmt: skip

    header = (
        "record_number", "given_name", "family_name", "course", "accepted_on", "charged",
        "paid", "refunded", "due", "currency",
    )  # fmt: skip
    return Table(f"{clinic.slug}-outstanding-balances.csv", header, rows())


BILLING_TABLES = ("revenue", "outstanding")


def access_billing_table(actor: Actor, kind: str) -> Table:
    """`revenue` (per month, the last 24) or `outstanding` (balances due) as CSV."""
    actor.require(Permission.BILLING_REPORT)
    if kind not in BILLING_TABLES:
        raise ValueError(f"not a billing export: {kind!r} (one of {', '.join(BILLING_TABLES)})")
    clinic = actor.clinic
    audit_read(actor, "billing.csv_export", "clinic", clinic.pk, clinic_id=clinic.pk,
               detail={"kind": kind})  # fmt: skip
    return _revenue_table(clinic, actor.today) if kind == "revenue" else _outstanding_table(clinic)
