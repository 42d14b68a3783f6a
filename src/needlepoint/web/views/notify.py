"""Aftercare files (the .ics of a session, the printable handout), the patient's calendar
feed and mail preferences, one-click unsubscribe, and the staff view of a patient's mail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from needlepoint.clinics.roles import Permission
from needlepoint.notify import selectors, services
from needlepoint.notify.aftercare import AftercareNotReady
from needlepoint.notify.calendar import aftercare_calendar
from needlepoint.notify.models import MailPreference
from needlepoint.notify.tokens import unsubscribe_patient_id
from needlepoint.patients.selectors import access_patient
from needlepoint.reports.handouts import access_aftercare_handout
from needlepoint.web.views.access import Actor, with_actor


class MailPreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MailPreference
        fields = ("reminders", "checkin_prompts", "milestones")
        help_texts = {
            "reminders": "An e-mail the day before each booked session.",
            "checkin_prompts": "A request to tell the clinic how your skin is, on the days "
            "after a session.",
            "milestones": "When an aftercare instruction ends, with those that still apply.",
        }


def _not_ready(error: AftercareNotReady) -> Http404:
    return Http404(str(error))


def _ics(actor: Actor, session_id: int) -> HttpResponse:
    try:
        care = selectors.access_session_aftercare(actor, session_id, use="ics")
    except AftercareNotReady as error:
        raise _not_ready(error) from None
    ics = aftercare_calendar(
        care.aftercare, care.performed_at, timezone.now(), str(care.session.pk)
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="aftercare-session-{session_id}.ics"'
    return response


def _handout(actor: Actor, session_id: int) -> HttpResponse:
    try:
        pdf = access_aftercare_handout(actor, session_id)
    except AftercareNotReady as error:
        raise _not_ready(error) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aftercare-session-{session_id}.pdf"'
    return response


@with_actor(Permission.CLINICAL_READ)
def session_ics(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    return _ics(actor, session_id)


@with_actor(Permission.CLINICAL_READ)
def session_handout(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    return _handout(actor, session_id)


@with_actor(patients=True)
def portal_session_ics(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    return _ics(actor, session_id)


@with_actor(patients=True)
def portal_session_handout(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    return _handout(actor, session_id)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's calendar, for calendar apps: the secret token is the only key."""
    response = HttpResponse(
        selectors.access_calendar_by_token(token), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@with_actor(patients=True)
def portal_calendar(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor, actor.patient_id)
            messages.success(request, "Your calendar address no longer works.")
        else:
            services.calendar_feed_renew(actor, actor.patient_id)
            messages.success(request, "Your new calendar address is ready. The old one stops.")
        return redirect("portal-calendar")
    url = selectors.access_calendar_feed_url(
        actor, actor.patient_id, request.build_absolute_uri("/")
    )
    context = {
        "feed_url": url,
        "webcal_url": "webcal" + url[url.index(":") :] if url else None,
    }
    return render(request, "notify/portal_calendar.html", context)


@with_actor(patients=True)
def portal_mail_preferences(request: HttpRequest, actor: Actor) -> HttpResponse:
    preference = selectors.access_mail_preferences(actor, actor.patient_id)
    form = MailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.mail_preference_update(actor, actor.patient_id, **form.cleaned_data)
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("portal-mail-preferences")
    return render(request, "notify/portal_mail.html", {"form": form})


@csrf_exempt  # a mail program's one-click POST (RFC 8058) has no CSRF token; the link's does
@never_cache
@require_http_methods(["GET", "POST"])
def mail_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (links get opened by mail scanners); POST unsubscribes."""
    if request.method == "POST":
        patient = services.mail_unsubscribe(token)
        return render(request, "notify/unsubscribed.html", {"clinic": patient.clinic})
    if unsubscribe_patient_id(token) is None:
        raise Http404("This unsubscribe link is not valid.")
    return render(request, "notify/unsubscribe.html")


@with_actor(Permission.PATIENT_UPDATE)
def patient_notifications(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    """Staff: the patient's calendar address (revocable), mail choices and latest e-mails."""
    if request.method == "POST":
        revoked = services.calendar_feed_revoke(actor, patient_id)
        messages.success(
            request, "The calendar address was revoked." if revoked else "There was none."
        )
        return redirect("patient-notifications", patient_id=patient_id)
    patient = access_patient(actor, patient_id)
    context = {
        "patient": patient,
        "feed": selectors.access_calendar_feed(actor, patient.pk),
        "preference": selectors.access_mail_preferences(actor, patient.pk),
        "outbox": selectors.access_patient_mail(actor, patient.pk),
    }
    return render(request, "notify/patient.html", context)
