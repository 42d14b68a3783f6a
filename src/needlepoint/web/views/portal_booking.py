"""The portal's bookings: a patient's coming appointments, the free times for their next
session (or to move an appointment to), the "anything changed?" questions before a booking is
confirmed, and cancelling. What the rules refuse is said plainly, with the clinic's number."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.domain.booking import BookingStop
from needlepoint.intakes.selectors import access_latest_answers
from needlepoint.records.self_booking import selectors as booking_selectors
from needlepoint.records.self_booking import services as booking_services
from needlepoint.scheduling.services import SlotTaken
from needlepoint.web.forms.screenings import IntakeForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


@with_actor(patients=True)
def portal_appointments(request: HttpRequest, actor: Actor) -> HttpResponse:
    listing = booking_selectors.access_portal_appointments(actor)
    return render(request, "portal/appointments.html", {"listing": listing})


def _target(session_id: int | None, appointment_id: int | None) -> dict[str, int | None]:
    if session_id is not None:
        return {"session_id": session_id}
    return {"appointment_id": appointment_id}


def _slots_url(session_id: int | None, appointment_id: int | None) -> str:
    name = "portal-book" if session_id is not None else "portal-move"
    return reverse(name, kwargs=_target(session_id, appointment_id))


def _stopped(request: HttpRequest, stop: BookingStop) -> HttpResponse:
    return render(request, "portal/booking_stopped.html", {"stop": stop})


@with_actor(patients=True)
def portal_slots(
    request: HttpRequest,
    actor: Actor,
    session_id: int | None = None,
    appointment_id: int | None = None,
) -> HttpResponse:
    """The free times to book a session at, or to move an appointment to."""
    offer = booking_selectors.access_offer(
        actor, session_id=session_id, appointment_id=appointment_id
    )
    if offer.stop is not None:
        return _stopped(request, offer.stop)
    confirm = "portal-book-confirm" if session_id is not None else "portal-move-confirm"
    context = {
        "offer": offer,
        "days": offer.days(actor),
        "confirm_url": reverse(confirm, kwargs=_target(session_id, appointment_id)),
    }
    return render(request, "portal/booking_slots.html", context)


def _chosen_time(request: HttpRequest) -> datetime | None:
    try:
        chosen = datetime.fromisoformat(request.POST.get("starts_at") or request.GET["starts_at"])
    except (KeyError, ValueError):
        return None
    return chosen if chosen.tzinfo is not None else None


def _revision(request: HttpRequest) -> int:
    """The appointment's revision the page was shown at; one that is not a number matches
    none, so the patient is told the appointment changed and shown it again."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


@with_actor(patients=True)
def portal_booking_confirm(
    request: HttpRequest,
    actor: Actor,
    session_id: int | None = None,
    appointment_id: int | None = None,
) -> HttpResponse:
    """The re-screening questions, then the booking (or the move) at the chosen time."""
    slots_url = _slots_url(session_id, appointment_id)
    starts_at = _chosen_time(request)
    if starts_at is None:
        messages.warning(request, "Choose one of the times offered.")
        return redirect(slots_url)
    form = IntakeForm(
        clinic_knowledge(actor.clinic),
        request.POST or None,
        answers=access_latest_answers(actor, actor.patient_id),
    )
    if request.method == "POST":

        def book(**_: Any) -> booking_services.SelfBooked:
            answers = form.intake(actor.today)
            if session_id is not None:
                return booking_services.self_book(actor, session_id, starts_at, answers)
            return booking_services.self_move(
                actor, appointment_id, starts_at, answers, _revision(request)
            )

        try:
            result = submit(form, book)
        except SlotTaken as taken:
            messages.warning(request, str(taken))
            return redirect(slots_url)
        if result is not None and result.stop is not None:
            return _stopped(request, result.stop)
        if result is not None and result.appointment is not None:
            messages.success(
                request,
                f"Booked: {_local(actor, result.appointment.starts_at)}. "
                "Please arrive at that time: numbing comes first.",
            )
            return redirect("portal-appointments")
    context = {
        "form": form,
        "starts_at": starts_at,
        "slots_url": slots_url,
        "revision": request.GET.get("revision", request.POST.get("revision", "")),
    }
    return render(request, "portal/booking_confirm.html", context)


def _local(actor: Actor, moment: datetime) -> str:
    return f"{moment.astimezone(actor.zone):%A %-d %B %Y, %H:%M}"


@require_POST
@with_actor(patients=True)
def portal_cancel(request: HttpRequest, actor: Actor, appointment_id: int) -> HttpResponse:
    try:
        stop = booking_services.self_cancel(actor, appointment_id, _revision(request))
    except SlotTaken as changed:
        messages.warning(request, str(changed))
        return redirect("portal-appointments")
    if stop is not None:
        return _stopped(request, stop)
    messages.success(request, "Your appointment is cancelled. Book a new time when you can.")
    return redirect("portal-appointments")
