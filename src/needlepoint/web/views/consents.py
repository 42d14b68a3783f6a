"""Consent pages: the clinic's templates (admins), a patient's consents (staff), and the same
for patients in the portal: read, sign with a typed name (and optionally a drawing), revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from needlepoint.billing.selectors import access_course_terms
from needlepoint.clinics.roles import Permission, Role, allows
from needlepoint.patients import consents, selectors
from needlepoint.patients.models import Consent, ConsentKind, Patient, PhotoUse
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, client_ip, with_actor

PHOTO_USE_HELP = {
    PhotoUse.CLINICAL_RECORD: "Kept in your record to follow your treatment; seen by the "
    "clinic's staff only.",
    PhotoUse.TEACHING: "Shown to health professionals in teaching or publications, with your "
    "name and identifying details removed.",
    PhotoUse.MARKETING: "Used on the clinic's website, social media or printed material; you "
    "may be recognisable.",
}


class ConsentTemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, label="Consent for")
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        label="Text",
        help_text="Plain text; a blank line starts a new paragraph.",
    )


class ConsentSignForm(forms.Form):
    template_id = forms.IntegerField(widget=forms.HiddenInput)
    photo_uses = forms.MultipleChoiceField(
        choices=PhotoUse.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Photographs of my treatment may be used for",
    )
    signed_name = forms.CharField(  # required: the service checks it with the other fields
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"aria-required": "true", "autocomplete": "off"}),
        label="Full name (typed signature)",
        help_text="Typing the signer's full name signs this consent.",
    )
    signer = forms.ChoiceField(
        choices=Consent.Signer.choices,
        initial=Consent.Signer.PATIENT,
        required=False,
        widget=forms.RadioSelect,
        label="Who signs",
    )
    signer_relationship = forms.CharField(
        max_length=100,
        required=False,
        label="Relationship to the patient (a representative only)",
        help_text="For example: mother, legal guardian.",
    )
    signature_drawing = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str, by_patient: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != ConsentKind.PHOTO:
            del self.fields["photo_uses"]
        if by_patient:  # in the portal the patient signs for themselves
            del self.fields["signer"], self.fields["signer_relationship"]

    def clean_signer(self) -> str:
        return self.cleaned_data["signer"] or Consent.Signer.PATIENT


class ConsentRevokeForm(forms.Form):
    uses = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Withdraw consent for these uses",
    )
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, consent: Consent, by_patient: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        uses = consent.uses_now
        if consent.template.kind == ConsentKind.PHOTO and len(uses) > 1:
            field = self.fields["uses"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(u, PhotoUse(u).label) for u in uses]
            self.fields["uses"].initial = uses
        else:
            del self.fields["uses"]
        if by_patient:
            self.fields["reason"].required = False
            self.fields["reason"].label = "Reason (optional)"
        else:
            self.fields["reason"].label = "Reason, or how the patient asked"
            self.fields["reason"].help_text = "For example: asked by phone on 3 March."


def _list_url(actor: Actor, patient: Patient) -> str:
    if actor.role is Role.PATIENT:
        return reverse("portal-consents")
    return reverse("patient-consents", args=[patient.pk])


def _sign_url(actor: Actor, patient: Patient, kind: str) -> str:
    if actor.role is Role.PATIENT:
        return reverse("portal-consent-sign", args=[kind])
    return reverse("patient-consent-sign", args=[patient.pk, kind])


# Consent templates (clinic admins).


@with_actor(Permission.CONSENT_TEMPLATE_MANAGE)
def consent_templates(request: HttpRequest, actor: Actor) -> HttpResponse:
    templates = list(selectors.consent_template_list(actor))
    kinds = [
        (kind, label, [t for t in templates if t.kind == kind])
        for kind, label in ConsentKind.choices
    ]
    return render(request, "consents/templates.html", {"kinds": kinds})


@with_actor(Permission.CONSENT_TEMPLATE_MANAGE)
def consent_template_publish(request: HttpRequest, actor: Actor) -> HttpResponse:
    kind = request.GET.get("kind", ConsentKind.TREATMENT)
    current = selectors.consent_template_active(actor, kind) if kind in ConsentKind.values else None
    initial = {"kind": kind}
    if current is not None:
        initial.update(title=current.title, body=current.body)
    form = ConsentTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        template = submit(form, lambda **data: consents.consent_template_publish(actor, **data))
        if template is not None:
            messages.success(
                request,
                f"Version {template.version} of “{template.title}” is published; "
                "patients sign it from now on.",
            )
            return redirect("consent-templates")
    return render(request, "consents/template_form.html", {"form": form, "current": current})


# A patient's consents: staff pages and the portal share these.


def _consent_list(request: HttpRequest, actor: Actor, patient_id: object) -> HttpResponse:
    status = selectors.access_consents(actor, patient_id)
    patient = selectors.patient_in_scope(actor, patient_id, Permission.PATIENT_READ)
    can_record = allows(actor.role, Permission.CONSENT_RECORD)
    forms_to_sign = (
        [
            (label, selectors.consent_template_active(actor, kind), _sign_url(actor, patient, kind))
            for kind, label in ConsentKind.choices
        ]
        if can_record
        else []
    )
    context = {
        "patient": patient,
        "status": status,
        "forms_to_sign": forms_to_sign,
        "can_record": can_record,
        "portal": actor.role is Role.PATIENT,
    }
    return render(request, "consents/list.html", context)


def _consent_sign(
    request: HttpRequest, actor: Actor, patient_id: object, kind: str
) -> HttpResponse:
    if kind not in ConsentKind.values:
        raise Http404("No such kind of consent.")
    patient = selectors.patient_in_scope(actor, patient_id, Permission.CONSENT_RECORD)
    template = selectors.consent_template_active(actor, kind)
    list_url = _list_url(actor, patient)
    if template is None:
        messages.error(request, "The clinic has no consent form of this kind yet.")
        return redirect(list_url)
    if request.method == "POST" and request.POST.get("template_id") != str(template.pk):
        messages.error(
            request,
            "The clinic updated this consent while it was open. Please read the current "
            "version and sign again.",
        )
        return redirect(request.path)
    terms = (
        access_course_terms(actor, patient.pk)
        if kind == ConsentKind.TREATMENT
        and allows(actor.role, actor.record_permission(Permission.BILLING_READ))
        else None
    )
    signed_terms = terms.as_signed() if terms is not None else {}
    terms_digest = terms.digest if terms is not None else ""
    if request.method == "POST" and request.POST.get("terms_digest", "") != terms_digest:
        messages.error(
            request,
            "The course or its price changed while this consent was open. Please read it "
            "again and sign.",
        )
        return redirect(request.path)
    form = ConsentSignForm(
        request.POST or None,
        kind=kind,
        by_patient=actor.role is Role.PATIENT,
        initial={"template_id": template.pk},
    )
    if request.method == "POST":
        consent = submit(
            form,
            lambda template_id, **data: consents.consent_sign(
                actor, patient.pk, template_id, ip=client_ip(request), terms=signed_terms, **data
            ),
        )
        if consent is not None:
            messages.success(request, f"“{template.title}” is signed.")
            return redirect(list_url)
    photo_uses = (
        [(box, PHOTO_USE_HELP[PhotoUse(box.data["value"])]) for box in form["photo_uses"]]
        if "photo_uses" in form.fields
        else []
    )
    context = {
        "patient": patient,
        "template": template,
        "form": form,
        "photo_uses": photo_uses,
        "portal": actor.role is Role.PATIENT,
        "list_url": list_url,
        "terms": terms,
        "terms_digest": terms_digest,
    }
    return render(request, "consents/sign.html", context)


def _consent_revoke(request: HttpRequest, actor: Actor, consent_id: str) -> HttpResponse:
    consent = selectors.consent_in_scope(actor, consent_id, Permission.CONSENT_RECORD)
    by_patient = actor.role is Role.PATIENT
    list_url = _list_url(actor, consent.patient)
    if by_patient and consent.template.kind != ConsentKind.PHOTO:
        messages.error(
            request,
            "To withdraw your consent to treatment, please tell the clinic; they will record it.",
        )
        return redirect(list_url)
    form = ConsentRevokeForm(request.POST or None, consent=consent, by_patient=by_patient)
    if request.method == "POST" and consent.revoked_at is None:
        revoked = submit(
            form,
            lambda uses=None, **data: consents.consent_revoke(actor, consent.pk, uses=uses, **data),
        )
        if revoked is not None:
            messages.success(request, "The withdrawal is recorded.")
            return redirect(list_url)
    context = {"consent": consent, "form": form, "portal": by_patient, "list_url": list_url}
    return render(request, "consents/revoke.html", context)


@with_actor(Permission.PATIENT_READ)
def patient_consents(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    return _consent_list(request, actor, patient_id)


@with_actor(Permission.PATIENT_READ)
def patient_consents_summary(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    """What is consented now: a fragment for the patient's page."""
    status = selectors.access_consents(actor, patient_id)
    context = {"status": status, "list_url": reverse("patient-consents", args=[patient_id])}
    return render(request, "consents/_summary.html", context)


@with_actor(Permission.CONSENT_RECORD)
def patient_consent_sign(
    request: HttpRequest, actor: Actor, patient_id: str, kind: str
) -> HttpResponse:
    return _consent_sign(request, actor, patient_id, kind)


@with_actor(Permission.CONSENT_RECORD)
def consent_revoke(request: HttpRequest, actor: Actor, consent_id: str) -> HttpResponse:
    return _consent_revoke(request, actor, consent_id)


@with_actor(patients=True)
def portal_consents(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _consent_list(request, actor, actor.patient_id)


@with_actor(Permission.CONSENT_RECORD, patients=True)
def portal_consent_sign(request: HttpRequest, actor: Actor, kind: str) -> HttpResponse:
    return _consent_sign(request, actor, actor.patient_id, kind)


@with_actor(Permission.CONSENT_RECORD, patients=True)
def portal_consent_revoke(request: HttpRequest, actor: Actor, consent_id: str) -> HttpResponse:
    return _consent_revoke(request, actor, consent_id)


@with_actor(Permission.CONSENT_COUNTERSIGN)
def consent_countersign(request: HttpRequest, actor: Actor, consent_id: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        consent = consents.consent_countersign(actor, consent_id)
        messages.success(request, f"“{consent.template.title}” is countersigned.")
    except ValidationError as error:
        consent = selectors.consent_in_scope(actor, consent_id, Permission.CONSENT_COUNTERSIGN)
        messages.error(request, " ".join(error.messages))
    return redirect(_list_url(actor, consent.patient))
