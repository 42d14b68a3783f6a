"""Session pages: re-screening, the chart (with conflict detection), signing, addenda; and
who was treated with a lot."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses import selectors, sessions
from needlepoint.courses.models import Session
from needlepoint.domain.knowledge.model.charting import CHART_FIELDS
from needlepoint.intakes.selectors import access_latest_answers
from needlepoint.patients.selectors import access_consents
from needlepoint.records import services as records
from needlepoint.records.open_items import open_items
from needlepoint.reports.csv import Table, local
from needlepoint.safety.selectors import lot_list, lots_usable
from needlepoint.web.forms.screenings import IntakeForm
from needlepoint.web.forms.sessions import ChartForm
from needlepoint.web.views.access import Actor, with_actor
from needlepoint.web.views.exports import csv_download


def _chart_initial(session: Session) -> dict[str, Any]:
    fields = [name for name in CHART_FIELDS if name != "product_lots"]
    initial: dict[str, Any] = {name: getattr(session, name) for name in fields}
    initial["adjuncts"] = ", ".join(session.adjuncts)
    initial["revision"] = session.revision
    initial["product_lots"] = list(session.product_lots.all())
    for zone, planned in session.course.zones.items():
        charted = session.zones.get(zone, {})
        initial[f"zones.{zone}.depth_mm"] = charted.get("depth_mm", planned["depth_mm"])
        initial[f"zones.{zone}.passes"] = charted.get("passes")
    for name in ("numbing_applied_at", "numbing_removed_at", "started_at", "ended_at"):
        if initial[name]:
            initial[name] = timezone.localtime(initial[name])
    return initial


def _page_context(actor: Actor, session: Session) -> dict[str, Any]:
    addenda = list(session.addenda.all())
    return {
        "session": session,
        "patient": session.patient,
        "course": session.course,
        "consent": access_consents(actor, session.patient_id),
        "addenda": [a for a in addenda if not a.draft],
        "drafts": [a for a in addenda if a.draft and a.author_id == actor.user.pk],
    }


def _chart_form(actor: Actor, session: Session, data: Any = None) -> ChartForm:
    knowledge = clinic_knowledge(actor.clinic)
    zones = list(session.course.zones)
    lots = lot_list(actor, include_expired=True)
    return ChartForm(
        knowledge, zones, lots, lots_usable(actor), data, initial=_chart_initial(session)
    )


@with_actor(Permission.CLINICAL_READ)
def session_detail(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    session = selectors.access_session(actor, session_id)
    context = _page_context(actor, session)
    if session.locked:
        return render(request, "sessions/detail.html", context)
    if session.screening is None:
        knowledge = clinic_knowledge(actor.clinic)
        form = IntakeForm(
            knowledge,
            request.POST or None,
            answers=access_latest_answers(actor, session.patient_id),
        )
        context["open_items"] = open_items(actor, session.patient)
        if request.method == "POST" and form.is_valid():
            try:
                reviewed = request.POST.get("reviewed") == "1"
                records.session_start(
                    actor, session.pk, form.intake(actor.today), reviewed=reviewed
                )
                return redirect("session-detail", session_id=session.pk)
            except ValidationError as error:
                problems = getattr(error, "message_dict", {"__all__": error.messages})
                context["start_error"] = " ".join(problems.pop("reviewed", []))
                for problem in problems.values():
                    form.add_error(None, problem)
        return render(request, "sessions/detail.html", {**context, "intake_form": form})
    context["chart_form"] = _chart_form(actor, session)
    context["blocked"] = session.screening.blocks_treatment()
    return render(request, "sessions/detail.html", context)


@with_actor(Permission.SESSION_CHART)
def session_chart(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    session = selectors.access_session(actor, session_id)
    form = _chart_form(actor, session, request.POST)
    context = _page_context(actor, session)
    if form.is_valid():
        chart = form.chart()
        revision, lots = chart.pop("revision"), chart.pop("product_lots")
        try:
            saved = sessions.session_chart_save(
                actor, session.pk, revision=revision, product_lots=lots, **chart
            )
            if "sign" in request.POST:
                sessions.session_sign(actor, session.pk, revision=saved.revision)
                messages.success(
                    request, "Chart signed. It is now locked; corrections go in addenda."
                )
            else:
                messages.success(request, "Chart saved.")
            return redirect("session-detail", session_id=session.pk)
        except sessions.ChartSigned as signed:
            messages.warning(request, str(signed))
            return redirect("session-detail", session_id=session.pk)
        except sessions.ChartConflict as conflict:
            context["conflict"] = conflict
            data = request.POST.copy()
            data["revision"] = str(conflict.session.revision)  # saving again is a deliberate choice
            form = _chart_form(actor, session, data)
            form.is_valid()
        except ValidationError as error:
            for field, problems in getattr(
                error, "message_dict", {"__all__": error.messages}
            ).items():
                form.add_error(field if field in form.fields else None, problems)
    session.refresh_from_db()
    context.update(
        chart_form=form, blocked=bool(session.screening and session.screening.blocks_treatment())
    )
    return render(
        request, "sessions/detail.html", context, status=409 if "conflict" in context else 200
    )


@with_actor(Permission.SESSION_CHART)
def session_addendum(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    draft = request.POST.get("draft") or None
    try:
        if draft and "discard" in request.POST:
            sessions.addendum_discard(actor, session_id, draft)
            messages.success(request, "Draft addendum discarded.")
        else:
            sessions.addendum_add(actor, session_id, request.POST.get("text", ""), draft)
            messages.success(request, "Addendum added.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("session-detail", session_id=session_id)


@with_actor(Permission.CLINICAL_READ)
def lot_sessions(request: HttpRequest, actor: Actor, lot_id: int) -> HttpResponseBase:
    """Who was treated with this lot; `?format=csv` downloads the list."""
    lot, sessions = selectors.access_lot_sessions(actor, lot_id)
    if request.GET.get("format") != "csv":
        return render(request, "sessions/lot_sessions.html", {"lot": lot, "sessions": sessions})
    header = (
        "record_number", "patient", "date_of_birth", "phone", "email", "session",
        "treated_at", "practitioner", "lot_number", "lot_kind",
    )  # fmt: skip
    rows = (
        (
            s.patient.record_number,
            s.patient.full_name,
            s.patient.date_of_birth,
            s.patient.phone,
            s.patient.email,
            s.number,
            local(s.started_at or s.scheduled_at, actor.zone),
            s.practitioner.user.full_name if s.practitioner else "",
            lot.lot_number,
            lot.kind,
        )
        for s in sessions
    )
    return csv_download(Table(f"lot-{lot.lot_number}-sessions.csv", header, rows))
