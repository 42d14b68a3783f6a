"""The clinic's public booking page, where a new patient asks for a consultation, and the front
desk's list of those requests."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission
from needlepoint.patients import consultations
from needlepoint.web.forms.consultations import ConsultationForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


def public_booking(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=slug)
    form = ConsultationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("public-booking-sent", slug=slug)
        client = get_client_ip_address(request) or ""
        try:
            sent = submit(
                form,
                lambda **_: consultations.consultation_request(
                    clinic, client=client, **form.request_fields()
                ),
            )
        except consultations.TooManyRequests:
            status = 429
            form.add_error(
                None,
                "Too many requests have come from here in the last hour. Please try later"
                + (f", or call the clinic on {clinic.phone}." if clinic.phone else "."),
            )
        else:
            if sent is not None:
                return redirect("public-booking-sent", slug=slug)
    context = {"clinic": clinic, "form": form, "shown": ConsultationForm.shown_now()}
    return render(request, "consultations/public_booking.html", context, status=status)


def public_booking_sent(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=slug)
    return render(request, "consultations/public_booking_sent.html", {"clinic": clinic})


@with_actor(Permission.APPOINTMENT_BOOK)
def consultation_requests(request: HttpRequest, actor: Actor) -> HttpResponse:
    requests = consultations.access_consultation_requests(actor)
    return render(request, "consultations/requests.html", {"requests": requests})


@require_POST
@with_actor(Permission.APPOINTMENT_BOOK)
def consultation_request_close(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponse:
    try:
        consultations.consultation_request_close(actor, request_id, request.POST.get("status", ""))
        messages.success(request, "The request is closed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("consultation-requests")
