"""The clinic's revenue per month (a bar chart and its table) and the balances still due, with
their CSV downloads, for clinic admins."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from needlepoint.clinics.roles import Permission
from needlepoint.domain.billing import format_money
from needlepoint.reports.revenue import Month, access_billing_table, access_revenue_report
from needlepoint.web.charts import BarChart, bar_chart
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.exports import csv_download


def revenue_chart(months: list[Month], currency: str) -> BarChart:
    points = [(f"{m.month:%b %y}", m.net, format_money(m.net, currency)) for m in months]
    return bar_chart("Net revenue per month", points, lambda value: format_money(value, currency))


@with_actor(Permission.BILLING_REPORT)
def billing_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    report = access_revenue_report(actor)
    context = {"report": report, "chart": revenue_chart(report.months, report.currency)}
    return render(request, "billing/report.html", context)


@with_actor(Permission.BILLING_REPORT)
def billing_csv(request: HttpRequest, actor: Actor, kind: str) -> StreamingHttpResponse:
    return csv_download(access_billing_table(actor, kind))
