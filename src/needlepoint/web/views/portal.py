"""The patient portal: sign-in by e-mailed link or code, my plan, today's aftercare, check-ins."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from needlepoint.checkins import selectors, services
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.domain.knowledge.model.recovery import MAX_INTENSITY, SymptomKind
from needlepoint.domain.triage import Symptoms
from needlepoint.notify.aftercare import session_aftercare
from needlepoint.outcomes.selectors import access_my_outcome_tasks
from needlepoint.patients import portal_access
from needlepoint.patients.selectors import access_patient
from needlepoint.safety import selectors as safety_selectors
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor

BACKEND = "needlepoint.clinics.backends.ActorBackend"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


class EmailForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address")


class CodeForm(EmailForm):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        label="The 6-digit code from the e-mail",
        error_messages={"invalid": "Enter the 6 digits from the e-mail."},
    )


def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a link; the answer is the same whether or not the address is known."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        portal_access.portal_link_request(
            form.cleaned_data["email"], _base_url(request), get_client_ip_address(request) or ""
        )
        messages.info(
            request,
            "If this address belongs to a patient of the clinic, a sign-in link "
            "and code are on their way. They work once, for 30 minutes.",
        )
        return redirect("portal-sign-in-code")
    return render(request, "portal/sign_in.html", {"form": form})


def sign_in_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = portal_access.portal_code_redeem(
                form.cleaned_data["email"], form.cleaned_data["code"]
            )
        except portal_access.SignInRefused as refused:
            form.add_error("code", str(refused))
        else:
            login(request, user, backend=BACKEND)
            return redirect("portal")
    return render(request, "portal/sign_in_code.html", {"form": form})


def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a button to press, so that mail scanners opening links use nothing."""
    if request.method == "POST":
        try:
            user = portal_access.portal_link_redeem(token)
        except portal_access.SignInRefused as refused:
            return render(
                request, "portal/sign_in_link.html", {"problem": str(refused)}, status=410
            )
        login(request, user, backend=BACKEND)
        return redirect("portal")
    return render(request, "portal/sign_in_link.html", {})


@with_actor(patients=True)
def portal(request: HttpRequest, actor: Actor) -> HttpResponse:
    patient = access_patient(actor, actor.patient_id)
    context: dict[str, Any] = {
        "patient": patient,
        "next_session": selectors.next_session(actor, patient.pk),
        "outcome_tasks": access_my_outcome_tasks(actor),
    }
    session = selectors.latest_treated_session(actor, patient.pk)
    if session is not None:
        now = timezone.now()
        items = session_aftercare(session).items
        context.update(
            session=session,
            today=[item for item in items if item.starts_at <= now < item.ends_at],
            coming=[item for item in items if item.starts_at > now],
            next_checkin=selectors.next_checkin_due(actor, session),
            now=now,
        )
    return render(request, "portal/home.html", context)


class CheckInForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=services.MAX_NOTE,
        label="Anything else you want to tell the clinic?",
    )

    def __init__(self, knowledge: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scales, self.flags = [], []
        for name, course in knowledge.recovery.items():
            if course.kind is SymptomKind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=course.label,
                    coerce=int,
                    initial=0,
                    widget=forms.RadioSelect,
                    choices=[(n, str(n)) for n in range(MAX_INTENSITY + 1)],
                    help_text="0 = none, 10 = the worst you can imagine",
                )
                self.scales.append(name)
            else:
                self.fields[name] = forms.BooleanField(label=course.label, required=False)
                self.flags.append(name)

    def symptoms(self) -> Symptoms:
        data = self.cleaned_data
        return Symptoms(
            {n: data[n] for n in self.scales}, frozenset(n for n in self.flags if data.get(n))
        )


@with_actor(patients=True)
def checkin_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = CheckInForm(clinic_knowledge(actor.clinic), request.POST or None)
    if request.method == "POST":
        checkin = submit(
            form, lambda note, **_: services.checkin_submit(actor, form.symptoms(), note)
        )
        if checkin is not None:
            return redirect("portal-checkin", checkin_id=checkin.pk)
    return render(request, "portal/checkin_form.html", {"form": form})


@with_actor(patients=True)
def checkin_result(request: HttpRequest, actor: Actor, checkin_id: int) -> HttpResponse:
    checkin = selectors.access_checkin(actor, checkin_id)
    return render(
        request, "portal/checkin_result.html", {"checkin": checkin, "clinic": actor.clinic}
    )


@with_actor(patients=True)
def checkin_history(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request, "portal/checkins.html", {"checkins": selectors.access_my_checkins(actor)}
    )


@with_actor(patients=True)
def access_log(request: HttpRequest, actor: Actor) -> HttpResponse:
    accesses = safety_selectors.access_my_access_log(actor)
    return render(request, "portal/access_log.html", {"accesses": accesses, "clinic": actor.clinic})


@require_POST
@with_actor(Permission.PATIENT_UPDATE)
def portal_invite(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    try:
        patient = portal_access.portal_invite(actor, patient_id, _base_url(request))
        messages.success(request, f"A sign-in link was e-mailed to {patient.email}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("patient-detail", patient_id=patient_id)
