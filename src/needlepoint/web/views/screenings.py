"""Intake and screening pages: the clinician records an intake and reviews its screening
(acknowledging precautions, overriding a block); the patient answers before the visit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.domain.knowledge.model.contraindications import QuestionKind
from needlepoint.intakes import services as intake_services
from needlepoint.intakes.models import Intake
from needlepoint.intakes.selectors import access_latest_answers, access_screening
from needlepoint.patients.selectors import access_patient
from needlepoint.web.forms.screenings import IntakeForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


def _intake_page(request: HttpRequest, actor: Actor, patient_id: str, context: str) -> HttpResponse:
    patient = access_patient(actor, patient_id)
    knowledge = clinic_knowledge(actor.clinic)
    previous = access_latest_answers(actor, patient.pk)
    form = IntakeForm(knowledge, request.POST or None, answers=previous)
    if request.method == "POST":
        screening = submit(
            form,
            lambda **_: intake_services.intake_record(
                actor, patient.pk, form.intake(actor.today), context
            ),
        )
        if screening is not None:
            return redirect("screening-detail", screening_id=screening.pk)
    return render(
        request,
        "screenings/intake.html",
        {"form": form, "patient": patient, "changed": bool(previous)},
    )


@with_actor(Permission.INTAKE_RECORD)
def intake_new(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    return _intake_page(request, actor, patient_id, Intake.Context.INITIAL)


@with_actor(Permission.CLINICAL_READ)
def screening_detail(request: HttpRequest, actor: Actor, screening_id: int) -> HttpResponse:
    screening = access_screening(actor, screening_id)
    if request.method == "POST":
        note, code = request.POST.get("note", ""), request.POST.get("finding_code", "")
        try:
            if "override" in request.POST:
                intake_services.screening_override(
                    actor, screening.pk, request.POST.get("reason", "")
                )
                messages.success(request, "Override recorded.")
            else:
                intake_services.screening_acknowledge(actor, screening.pk, code, note)
                messages.success(request, "Precaution acknowledged.")
            return redirect("screening-detail", screening_id=screening.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    knowledge = clinic_knowledge(actor.clinic)
    context = {
        "screening": screening,
        "patient": screening.patient,
        "verdict": screening.get_verdict_display(),
        "open": {f["code"] for f in screening.unacknowledged()},
        "acknowledgements": {
            a.finding_code: a
            for a in screening.acknowledgements.select_related("practitioner__user")
        },
        "sources": knowledge.sources,
        "questions": {q.name: q.text for q in knowledge.questions},
        "months_ago": {q.name for q in knowledge.questions if q.kind is QuestionKind.MONTHS_AGO},
        "session": screening.sessions.first(),
    }
    return render(request, "screenings/detail.html", context)


@with_actor(patients=True)
def portal_intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The patient answers the medical-history questions before the visit. The verdict is for
    the clinic: the patient is only told the answers reached it."""
    knowledge = clinic_knowledge(actor.clinic)
    form = IntakeForm(
        knowledge, request.POST or None, answers=access_latest_answers(actor, actor.patient_id)
    )
    if request.method == "POST":
        saved = submit(
            form,
            lambda **_: intake_services.intake_record(
                actor, actor.patient_id, form.intake(actor.today)
            ),
        )
        if saved is not None:
            messages.success(
                request, "Thank you. Your clinic will go through your answers with you."
            )
            return redirect("portal")
    return render(request, "portal/intake.html", {"form": form})
