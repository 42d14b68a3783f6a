"""A patient's data rights, for clinic admins: the whole record as a zip, restriction and
erasure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from needlepoint.clinics.roles import Permission
from needlepoint.patients import selectors, services
from needlepoint.records.export import access_patient_export
from needlepoint.records.services import erasable_from, patient_erase
from needlepoint.web.forms.patients import PatientEraseForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


@with_actor(Permission.PATIENT_DATA_RIGHTS)
def patient_export(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    exported = access_patient_export(actor, patient_id)
    response = HttpResponse(exported.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
    return response


@with_actor(Permission.PATIENT_DATA_RIGHTS)
def patient_erase_page(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = selectors.access_patient(actor, patient_id)
    form = PatientEraseForm(request.POST or None)
    if request.method == "POST":
        erased = submit(form, lambda **data: patient_erase(actor, patient.pk, **data))
        if erased is not None:
            messages.success(request, f"Record {erased.record_number} was erased.")
            return redirect("patient-list")
    context = {"patient": patient, "form": form, "erasable_from": erasable_from(patient)}
    return render(request, "patients/erase.html", context)


@require_POST
@with_actor(Permission.PATIENT_DATA_RIGHTS)
def patient_restrict_action(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    try:
        if request.POST.get("lift"):
            services.patient_restriction_lift(actor, patient_id)
            messages.success(request, "The restriction was lifted.")
        else:
            services.patient_restrict(actor, patient_id, request.POST.get("reason", ""))
            messages.success(request, "The record is restricted.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("patient-detail", patient_id=patient_id)
