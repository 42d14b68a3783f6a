"""The clinic's revenue per month (a bar chart and its table) and the balances still due, with
their CSV downloads, for clinic admins."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from needlepoint.clinics.roles import Permission
from needlepoint.domain.billing import format_money
from needlepoint.reports.revenue import Month, access_billing_table, access_revenue_report
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.exports import csv_download


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    """An inline SVG bar chart of net revenue per month (coordinates in the SVG's units)."""

    bars: list[Bar]
    ticks: list[tuple[float, str]]
    width: int = 720
    height: int = 260
    left: int = 80
    right: int = 710
    top: int = 16
    bottom: int = 220


def revenue_chart(months: list[Month], currency: str) -> BarChart:
    chart = BarChart([], [])
    peak = max((m.net for m in months), default=Decimal(0))
    scale = max(peak, Decimal(1))
    span = chart.bottom - chart.top
    slot = (chart.right - chart.left) / max(len(months), 1)
    for n, month in enumerate(months):
        height = float(max(month.net, Decimal(0)) / scale) * span
        chart.bars.append(
            Bar(
                chart.left + n * slot + slot * 0.15, chart.bottom - height, slot * 0.7, height,
                f"{month.month:%b %y}", format_money(month.net, currency),
            )
        )  # fmt: skip
    for step in range(5):
        value = scale * step / 4
        chart.ticks.append((chart.bottom - span * step / 4, format_money(value, currency)))
    return chart


@with_actor(Permission.BILLING_REPORT)
def billing_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    report = access_revenue_report(actor)
    context = {"report": report, "chart": revenue_chart(report.months, report.currency)}
    return render(request, "billing/report.html", context)


@with_actor(Permission.BILLING_REPORT)
def billing_csv(request: HttpRequest, actor: Actor, kind: str) -> StreamingHttpResponse:
    return csv_download(access_billing_table(actor, kind))
