"""The clinic's outcome and safety analytics for clinic admins and practitioners: filters by
period and practitioner (GET, checked: a bad value is a message on the page, not an error), a
CSV of every table, and every figure linking to the patients behind it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from needlepoint.clinics.roles import Permission
from needlepoint.reports.analytics import Filters, analytics_filters, practitioners
from needlepoint.reports.outcome_analytics import (
    OUTCOME_TABLES,
    access_outcome_patients,
    access_outcome_report,
    access_outcome_table,
)
from needlepoint.reports.safety_analytics import (
    DAYS,
    SAFETY_TABLES,
    SafetyReport,
    access_safety_patients,
    access_safety_report,
    access_safety_table,
)
from needlepoint.web.charts import BarChart, bar_chart
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.exports import csv_download

DEFAULT_DAYS = 365
PAGES = {"outcomes": "Outcomes", "safety": "Safety"}


class AnalyticsForm(forms.Form):
    first = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    practitioner = forms.TypedChoiceField(
        label="Practitioner", coerce=int, required=False, empty_value=None
    )

    def __init__(self, data: Any, actor: Actor) -> None:
        super().__init__(data)
        staff = practitioners(actor)
        choice = forms.TypedChoiceField
        field = self.fields["practitioner"]
        assert isinstance(field, choice)
        field.choices = [("", "All practitioners")] + [
            (s.pk, s.user.full_name or s.user.email) for s in staff
        ]


def _filters(request: HttpRequest, actor: Actor) -> tuple[AnalyticsForm, Filters | None]:
    """The filters asked for (the last year to today by default), or None with the form's
    errors saying what was wrong."""
    today: date = actor.today
    defaults = {"first": today - timedelta(days=DEFAULT_DAYS - 1), "last": today}
    data = request.GET.copy()
    for name, value in defaults.items():
        data.setdefault(name, value.isoformat())
    form = AnalyticsForm(data, actor)
    if not form.is_valid():
        return form, None
    try:
        filters = analytics_filters(
            actor, form.cleaned_data["first"], form.cleaned_data["last"],
            form.cleaned_data["practitioner"],
        )  # fmt: skip
    except forms.ValidationError as refused:
        form.add_error(None, " ".join(refused.messages))
        return form, None
    return form, filters


FIGURE_PARAMETERS = ("table", "key")


def _query(request: HttpRequest) -> str:
    """The filters of the page, for its links (without a figure's own parameters)."""
    query = request.GET.copy()
    for name in FIGURE_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


def _page(
    template: str, read: Callable[[Actor, Filters], Any], extra: Callable[[Any], dict[str, Any]]
) -> Callable[[HttpRequest, Actor], HttpResponse]:
    def view(request: HttpRequest, actor: Actor) -> HttpResponse:
        form, filters = _filters(request, actor)
        if filters is None:
            return render(request, template, {"form": form}, status=400)
        report = read(actor, filters)
        context = {"form": form, "report": report, "query": _query(request), **extra(report)}
        return render(request, template, context)

    return view


def triage_charts(report: SafetyReport) -> list[tuple[str, str, BarChart]]:
    """One bar chart per triage level: its check-ins on each day 0-14 after the session."""
    charts = []
    for level, counts in report.triage.levels:
        points = [(str(day), counts[day], f"day {day}: {counts[day]}") for day in DAYS]
        title = f"{level.label}: check-ins per day after the session"
        charts.append((level.value, level.label, bar_chart(title, points, lambda v: f"{v:.0f}")))
    return charts


outcomes = with_actor(Permission.CLINICAL_READ)(
    _page("reports/analytics_outcomes.html", access_outcome_report, lambda report: {})
)
safety = with_actor(Permission.CLINICAL_READ)(
    _page(
        "reports/analytics_safety.html",
        access_safety_report,
        lambda report: {
            "charts": triage_charts(report),
            "days": list(DAYS),
            "triage_rows": [
                (level.label, [(count, f"{level.value}:{day}") for day, count in enumerate(counts)])
                for level, counts in report.triage.levels
            ],
        },
    )
)

TABLE_READERS = {"outcomes": access_outcome_table, "safety": access_safety_table}
PATIENT_READERS = {"outcomes": access_outcome_patients, "safety": access_safety_patients}
TABLES = {"outcomes": OUTCOME_TABLES, "safety": SAFETY_TABLES}


@with_actor(Permission.CLINICAL_READ)
def analytics_csv(
    request: HttpRequest, actor: Actor, page: str
) -> HttpResponse | StreamingHttpResponse:
    """One table of a page (`?table=`) as CSV, with the page's filters."""
    table = request.GET.get("table", "")
    if table not in TABLES[page]:
        raise Http404("No such table.")
    form, filters = _filters(request, actor)
    if filters is None:
        return render(request, f"reports/analytics_{page}.html", {"form": form}, status=400)
    return csv_download(TABLE_READERS[page](actor, filters, table))


@with_actor(Permission.CLINICAL_READ)
def figure_patients(request: HttpRequest, actor: Actor, page: str) -> HttpResponse:
    """The patients behind one figure (`?table=&key=`): its opening is audited, naming it."""
    table, key = request.GET.get("table", ""), request.GET.get("key", "")
    form, filters = _filters(request, actor)
    if filters is None:
        return render(request, f"reports/analytics_{page}.html", {"form": form}, status=400)
    try:
        found = PATIENT_READERS[page](actor, filters, table, key)
    except LookupError:
        raise Http404("No such figure.") from None
    context = {"found": found, "page": page, "page_title": PAGES[page], "query": _query(request)}
    return render(request, "reports/analytics_patients.html", context)
