"""The calendar report for clinic admins: appointments per day (a bar chart), each
practitioner's utilisation and no-show rate over a chosen stretch of days, and its CSV."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from needlepoint.clinics.roles import Permission
from needlepoint.reports.appointments import (
    AppointmentReport,
    access_appointment_report,
    access_appointment_table,
)
from needlepoint.web.charts import BarChart, bar_chart
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.exports import csv_download

DEFAULT_DAYS = 28


class StretchForm(forms.Form):
    first = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))


def _stretch(request: HttpRequest, actor: Actor) -> tuple[StretchForm, date, date]:
    """The days asked for, or the last four weeks to today."""
    today = actor.today
    first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    form = StretchForm(request.GET or {"first": first, "last": last})
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    return form, first, last


def appointments_chart(report: AppointmentReport) -> BarChart:
    points = []
    for day in report.days:
        count = report.day(day).appointments
        label = f"{day:%b}" if day.day == 1 else str(day.day)
        points.append((label, count, f"{day:%a} {day.day} {day:%b}: {count}"))
    return bar_chart("Appointments per day", points, lambda value: f"{value:.0f}")


def _error_page(request: HttpRequest, form: StretchForm, message: str) -> HttpResponse:
    form.add_error(None, message)
    return render(request, "reports/calendar.html", {"form": form}, status=400)


@with_actor(Permission.CALENDAR_REPORT)
def calendar_report(request: HttpRequest, actor: Actor) -> HttpResponse:
    form, first, last = _stretch(request, actor)
    if form.errors:
        return render(request, "reports/calendar.html", {"form": form}, status=400)
    try:
        report = access_appointment_report(actor, first, last)
    except forms.ValidationError as refused:
        return _error_page(request, form, " ".join(refused.messages))
    context = {
        "form": form,
        "report": report,
        "chart": appointments_chart(report),
        "rows": [(staff, report.practitioner(staff)) for staff in report.practitioners],
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/calendar.html", context)


@with_actor(Permission.CALENDAR_REPORT)
def calendar_csv(request: HttpRequest, actor: Actor) -> HttpResponse | StreamingHttpResponse:
    form, first, last = _stretch(request, actor)
    if form.errors:
        return render(request, "reports/calendar.html", {"form": form}, status=400)
    try:
        return csv_download(access_appointment_table(actor, first, last))
    except forms.ValidationError as refused:
        return _error_page(request, form, " ".join(refused.messages))
