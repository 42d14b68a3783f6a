"""Scar assessment pages: recording one (with live scores as the counts are typed) and
reading it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses import selectors, services
from needlepoint.domain.scars import score
from needlepoint.patients.selectors import access_patient
from needlepoint.web.forms.assessments import AssessmentForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


@with_actor(Permission.ASSESSMENT_RECORD)
def assessment_new(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = access_patient(actor, patient_id)
    knowledge = clinic_knowledge(actor.clinic)
    form = AssessmentForm(knowledge, request.POST or None)
    if request.method == "POST":
        assessment = submit(
            form,
            lambda qualitative_grade, scar_types, notes, **_: services.assessment_record(
                actor,
                patient.pk,
                form.counts(qualitative_grade),
                scar_types=scar_types,
                notes=notes,
            ),
        )
        if assessment is not None:
            return redirect("assessment-detail", assessment_id=assessment.pk)
    return render(request, "assessments/form.html", {"form": form, "patient": patient})


@with_actor(Permission.ASSESSMENT_RECORD)
def assessment_score(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Live scores as the counts are typed (HTMX); nothing is saved or read."""
    knowledge = clinic_knowledge(actor.clinic)
    form = AssessmentForm(knowledge, request.POST)
    form.is_valid()  # invalid counts are left out of the preview; saving names them
    grade = form.cleaned_data.get("qualitative_grade") or 1
    scores = score(form.counts(grade), knowledge)
    return render(request, "assessments/_scores.html", {"scores": scores, "knowledge": knowledge})


@with_actor(Permission.CLINICAL_READ)
def assessment_detail(request: HttpRequest, actor: Actor, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(actor, assessment_id)
    knowledge = clinic_knowledge(actor.clinic)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "knowledge": knowledge,
            "zone_labels": {name: zone.label for name, zone in knowledge.zones.items()},
        },
    )
