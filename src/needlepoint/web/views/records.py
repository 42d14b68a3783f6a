"""Pages that read across the record: a patient's timeline and the practitioner's dashboard."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from needlepoint.clinics.roles import Permission
from needlepoint.records import dashboard as dashboards
from needlepoint.records.timeline import BadCursor, Cursor, access_timeline
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.patients import page_number


@with_actor(Permission.CLINICAL_READ)
def timeline(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    """A page of the patient's history, newest first; `?before=…&entry=…` is an earlier page."""
    try:
        before = Cursor.parse(request.GET)
    except BadCursor as error:
        raise BadRequest(str(error)) from None
    page = access_timeline(actor, patient_id, before)
    return render(
        request,
        "records/timeline.html",
        {"patient": page.patient, "page": page, "paged": before is not None},
    )


@with_actor(Permission.CLINICAL_READ)
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    today = actor.today
    return render(
        request,
        "records/dashboard.html",
        {"board": dashboards.access_dashboard(actor, today), "today": today},
    )


@with_actor(Permission.CLINICAL_READ)
def dashboard_section(request: HttpRequest, actor: Actor) -> HttpResponse:
    """One section of the dashboard in full, a page at a time (`?section=due&page=2`)."""
    try:
        section = dashboards.Section(request.GET.get("section", ""))
    except ValueError:
        raise Http404("No such list on the dashboard.") from None
    today = actor.today
    listing = dashboards.access_dashboard_section(actor, today, section, page_number(request))
    return render(request, "records/dashboard_section.html", {"listing": listing, "today": today})
