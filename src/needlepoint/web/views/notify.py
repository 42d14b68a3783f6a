"""Aftercare files (the .ics of a session, the printable handout), the patient's calendar
feed, message preferences and consent to texts, one-click unsubscribe, the staff view of a
patient's messages, and a clinic's own message texts."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from needlepoint.clinics.roles import Permission
from needlepoint.notify import selectors, services
from needlepoint.notify.aftercare import AftercareNotReady
from needlepoint.notify.calendar import aftercare_calendar
from needlepoint.notify.models import Channel, MailKind, SmsConsent
from needlepoint.notify.tokens import unsubscribe_patient_id
from needlepoint.patients.selectors import access_patient
from needlepoint.reports.handouts import access_aftercare_handout
from needlepoint.web.forms.notify import (
    MailPreferenceForm,
    MessageTemplateForm,
    OnCallNumberForm,
    PortalSmsConsentForm,
    SmsWithdrawalForm,
    StaffSmsConsentForm,
    TextPreferenceForm,
)
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


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


def _active(consents: list[SmsConsent]) -> SmsConsent | None:
    return consents[0] if consents and consents[0].active else None


@with_actor(patients=True)
def portal_mail_preferences(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The patient's e-mail and text choices, and their consent to texts."""
    patient_id = actor.patient_id
    preference = selectors.access_mail_preferences(actor, patient_id)
    consent = _active(selectors.access_sms_consents(actor, patient_id))
    action = request.POST.get("action", "email") if request.method == "POST" else ""
    data = request.POST or None
    forms = {
        "email": MailPreferenceForm(data if action == "email" else None, instance=preference),
        "texts": TextPreferenceForm(data if action == "texts" else None, instance=preference),
        "consent": PortalSmsConsentForm(
            data if action == "consent" else None, initial={"phone": preference.patient.phone}
        ),
    }
    if action == "withdraw":
        services.sms_consent_withdraw(actor, patient_id)
        messages.success(request, "The clinic no longer sends you texts.")
        return redirect("portal-mail-preferences")
    if action:
        if action not in forms:
            return HttpResponseBadRequest("Unknown action.")
        form = forms[action]
        saved = submit(
            form,
            (lambda phone, agree: services.sms_consent_give(actor, patient_id, phone=phone))
            if action == "consent"
            else (lambda **choices: services.mail_preference_update(actor, patient_id, **choices)),
        )
        if saved is not None:
            messages.success(
                request, "You will get texts at this number." if action == "consent" else "Saved."
            )
            return redirect("portal-mail-preferences")
    return render(
        request,
        "notify/portal_mail.html",
        {
            "email_form": forms["email"],
            "text_form": forms["texts"],
            "consent_form": forms["consent"],
            "consent": consent,
        },
    )


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
    """Staff: the patient's calendar address (revocable), message choices, consent to texts
    (recorded or withdrawn saying how the patient asked) and latest messages."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    consent_form = StaffSmsConsentForm(request.POST if action == "sms_consent" else None)
    withdrawal_form = SmsWithdrawalForm(request.POST if action == "sms_withdraw" else None)
    if action == "sms_consent":
        if submit(
            consent_form, lambda **data: services.sms_consent_give(actor, patient_id, **data)
        ):
            messages.success(request, "The patient's consent to texts is recorded.")
            return redirect("patient-notifications", patient_id=patient_id)
    elif action == "sms_withdraw":
        if (
            submit(
                withdrawal_form,
                lambda **data: services.sms_consent_withdraw(actor, patient_id, **data),
            )
            is not None
        ):
            messages.success(request, "No more texts go to the patient.")
            return redirect("patient-notifications", patient_id=patient_id)
    elif request.method == "POST":
        revoked = services.calendar_feed_revoke(actor, patient_id)
        messages.success(
            request, "The calendar address was revoked." if revoked else "There was none."
        )
        return redirect("patient-notifications", patient_id=patient_id)
    patient = access_patient(actor, patient_id)
    consents = selectors.access_sms_consents(actor, patient.pk)
    context = {
        "patient": patient,
        "feed": selectors.access_calendar_feed(actor, patient.pk),
        "preference": selectors.access_mail_preferences(actor, patient.pk),
        "consents": consents,
        "consent": _active(consents),
        "consent_form": consent_form,
        "withdrawal_form": withdrawal_form,
        "outbox": selectors.access_patient_mail(actor, patient.pk),
    }
    return render(request, "notify/patient.html", context)


@with_actor(Permission.STAFF_MANAGE)
def message_texts(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A clinic admin's own words for each kind of message and channel (or the defaults)."""
    on_call = OnCallNumberForm(
        request.POST if request.POST.get("action") == "on_call" else None,
        initial={"phone": selectors.clinic_on_call_number(actor)},
    )
    if on_call.is_bound:
        if submit(on_call, partial(services.on_call_number_set, actor)) is not None:
            messages.success(request, "The on-call number is saved.")
            return redirect("message-texts")
        return render(
            request, "notify/message_texts.html", {"rows": _text_rows(actor), "on_call": on_call}
        )
    kind, channel = request.POST.get("kind", ""), request.POST.get("channel", "")
    if request.method == "POST":
        if kind not in MailKind.values or channel not in Channel.values:
            return HttpResponseBadRequest("Unknown kind of message or channel.")
        if request.POST.get("action") == "reset":
            services.message_template_reset(actor, kind=kind, channel=channel)
            messages.success(request, "The default text is back.")
            return redirect("message-texts")
    posted = MessageTemplateForm(request.POST or None, auto_id=f"id_{kind}_{channel}_%s")
    saved = (
        submit(posted, partial(services.message_template_save, actor, kind=kind, channel=channel))
        if request.method == "POST"
        else None
    )
    if saved is not None:
        messages.success(request, "The clinic's text is saved.")
        return redirect("message-texts")
    rows = _text_rows(actor, posted if request.method == "POST" else None, kind, channel)
    return render(request, "notify/message_texts.html", {"rows": rows, "on_call": on_call})


def _text_rows(
    actor: Actor, posted: MessageTemplateForm | None = None, kind: str = "", channel: str = ""
) -> list[tuple[selectors.MessageText, MessageTemplateForm]]:
    """Each kind and channel with its form: the one posted (with its errors), else a fresh one."""
    return [
        (
            row,
            posted
            if posted is not None and (row.kind, row.channel) == (kind, channel)
            else MessageTemplateForm(
                initial={"text": row.text}, auto_id=f"id_{row.kind}_{row.channel}_%s"
            ),
        )
        for row in selectors.clinic_message_texts(actor)
    ]
