"""Clinic pages: the patient registry."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.clinics.roles import Permission, allows
from needlepoint.courses.selectors import access_clinical_summary
from needlepoint.patients import selectors, services
from needlepoint.scheduling.selectors import access_patient_appointments
from needlepoint.web.forms.patients import PatientEditForm, PatientForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


def page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@with_actor(Permission.PATIENT_READ)
def patient_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    archived = request.GET.get("archived") == "1"
    # A clinic admin's "include archived" also shows restricted records.
    restricted = archived and allows(actor.role, Permission.PATIENT_DATA_RIGHTS)
    page = selectors.access_patients(
        actor,
        query,
        page=page_number(request),
        include_archived=archived,
        include_restricted=restricted,
    )
    context = {"page": page, "q": query, "archived": archived}
    partial = request.headers.get("HX-Request") == "true"
    template = "patients/_results.html" if partial else "patients/list.html"
    return render(request, template, context)


@with_actor(Permission.PATIENT_CREATE)
def patient_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST":
        patient = submit(form, lambda **data: services.patient_create(actor, **data))
        if patient is not None:
            messages.success(request, f"{patient.full_name} was added.")
            return redirect("patient-detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "title": "New patient"})


@with_actor(Permission.PATIENT_READ)
def patient_detail(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = selectors.access_patient(actor, patient_id)
    clinical = (
        access_clinical_summary(actor, patient.pk)
        if allows(actor.role, Permission.CLINICAL_READ)
        else None
    )
    appointments = (
        access_patient_appointments(actor, patient.pk)
        if allows(actor.role, Permission.CALENDAR_READ)
        else None
    )
    context = {"patient": patient, "clinical": clinical, "appointments": appointments}
    return render(request, "patients/detail.html", context)


@with_actor(Permission.PATIENT_UPDATE)
def patient_edit(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = selectors.access_patient(actor, patient_id)
    form = PatientEditForm(request.POST or None, instance=patient)
    if request.method == "POST":
        saved = submit(form, lambda **data: services.patient_update(actor, patient.pk, **data))
        if saved is not None:
            messages.success(request, "Changes saved.")
            return redirect("patient-detail", patient_id=patient.pk)
    context = {"form": form, "title": f"Edit {patient.full_name}", "patient": patient}
    return render(request, "patients/form.html", context)


@require_POST
@with_actor(Permission.PATIENT_UPDATE)
def patient_confirm(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    services.prospect_confirm(actor, patient_id)
    messages.success(request, "Details confirmed: no longer a prospect.")
    return redirect("patient-detail", patient_id=patient_id)
