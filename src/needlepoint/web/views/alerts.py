"""Clinic pages for check-in alerts and adverse events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from needlepoint.adverse_events.services import adverse_event_record
from needlepoint.checkins import selectors, services
from needlepoint.clinics.roles import Permission
from needlepoint.web.forms.adverse_events import AdverseEventForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


@with_actor(Permission.CLINICAL_READ)
def alert_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    found = selectors.access_alerts(actor, open_only=not show_all)
    return render(request, "alerts/list.html", {"alerts": found, "show_all": show_all})


@with_actor(Permission.CLINICAL_READ)
def alert_detail(request: HttpRequest, actor: Actor, alert_id: int) -> HttpResponse:
    alert = selectors.access_alert(actor, alert_id)
    form = AdverseEventForm(initial={"onset": timezone.localdate(timezone.now(), actor.zone)})
    if request.method == "POST" and "action" in request.POST:
        try:
            services.alert_update(
                actor, alert.pk, request.POST["action"], request.POST.get("note", "")
            )
            messages.success(request, "Alert updated.")
            return redirect("alert-detail", alert_id=alert.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    elif request.method == "POST":
        form = AdverseEventForm(request.POST)
        event = submit(
            form,
            lambda **data: adverse_event_record(
                actor, alert.checkin.session_id, alert_id=alert.pk, **data
            ),
        )
        if event is not None:
            messages.success(request, f"Adverse event recorded: {event.get_kind_display()}.")
            return redirect("alert-detail", alert_id=alert.pk)
    context = {
        "alert": alert,
        "checkin": alert.checkin,
        "session": alert.checkin.session,
        "patient": alert.patient,
        "actions": alert.actions.select_related("by"),
        "events": alert.adverse_events.all(),
        "form": form,
    }
    return render(request, "alerts/detail.html", context)
