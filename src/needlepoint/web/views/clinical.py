"""Clinician pages: intake and screening, assessment, course plan, dashboard and timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses import selectors, services
from needlepoint.courses.models import Assessment
from needlepoint.courses.services import FITZPATRICK_NEEDED
from needlepoint.domain.knowledge.model import CLINIC_PRICE_SOURCE, Money, QuestionKind
from needlepoint.domain.planning import course_total
from needlepoint.intakes import services as intake_services
from needlepoint.intakes.models import Intake
from needlepoint.intakes.selectors import latest_answers, screening_in_scope
from needlepoint.patients.selectors import access_patient
from needlepoint.patients.services import patient_update
from needlepoint.records import dashboard as dashboards
from needlepoint.records.timeline import VERDICT_LABELS, patient_timeline
from needlepoint.safety.audit import audit_record
from needlepoint.web.clinical_forms import (
    AssessmentForm,
    CoursePlanForm,
    FitzpatrickForm,
    IntakeForm,
)
from needlepoint.web.forms import submit
from needlepoint.web.views.access import Actor, with_actor


def _intake_page(request: HttpRequest, actor: Actor, patient_id: str, context: str) -> HttpResponse:
    patient = access_patient(actor, patient_id)
    knowledge = clinic_knowledge(actor.clinic)
    previous = latest_answers(actor, patient.pk)
    form = IntakeForm(knowledge, request.POST or None, answers=previous)
    if request.method == "POST":
        screening = submit(
            form,
            lambda **_: intake_services.intake_record(actor, patient.pk, form.answers(), context),
        )
        if screening is not None:
            return redirect("screening-detail", screening_id=screening.pk)
    return render(
        request,
        "clinical/intake.html",
        {"form": form, "patient": patient, "changed": bool(previous)},
    )


@with_actor(Permission.INTAKE_RECORD)
def intake_new(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    return _intake_page(request, actor, patient_id, Intake.Context.INITIAL)


@with_actor(Permission.CLINICAL_READ)
def screening_detail(request: HttpRequest, actor: Actor, screening_id: int) -> HttpResponse:
    screening = screening_in_scope(actor, screening_id, Permission.CLINICAL_READ)
    audit_record(
        actor, "screening.read", "patient", screening.patient_id, detail={"screening": screening.pk}
    )
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
        "verdict": VERDICT_LABELS[screening.verdict],
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
    return render(request, "clinical/screening.html", context)


@with_actor(Permission.ASSESSMENT_RECORD)
def assessment_new(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = access_patient(actor, patient_id)
    form = AssessmentForm(clinic_knowledge(actor.clinic), request.POST or None)
    if request.method == "POST":
        assessment = submit(
            form,
            lambda qualitative_grade, scar_types, notes, **_: services.assessment_record(
                actor,
                patient.pk,
                qualitative_grade=qualitative_grade,
                zones=form.zones(),
                scar_types=scar_types,
                notes=notes,
            ),
        )
        if assessment is not None:
            return redirect("assessment-detail", assessment_id=assessment.pk)
    return render(request, "clinical/assessment_form.html", {"form": form, "patient": patient})


@with_actor(Permission.ASSESSMENT_RECORD)
def assessment_score(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Live scores as the counts are typed (HTMX); nothing is saved or read."""
    knowledge = clinic_knowledge(actor.clinic)
    form = AssessmentForm(knowledge, request.POST)
    form.is_valid()  # invalid counts are left out of the preview; saving names them
    scores, problem = None, ""
    grade = form.cleaned_data.get("qualitative_grade") or 1
    try:
        scores = services.assessment_scores(
            {"qualitative_grade": grade, "zones": form.zones()}, knowledge
        )
    except ValidationError as error:
        problem = " ".join(error.messages)
    return render(
        request,
        "clinical/_scores.html",
        {"scores": scores, "problem": problem, "knowledge": knowledge},
    )


@with_actor(Permission.CLINICAL_READ)
def assessment_detail(request: HttpRequest, actor: Actor, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(actor, assessment_id)
    knowledge = clinic_knowledge(actor.clinic)
    return render(
        request,
        "clinical/assessment.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "knowledge": knowledge,
            "zone_labels": {name: zone.label for name, zone in knowledge.zones.items()},
        },
    )


def _skin_type_page(request: HttpRequest, actor: Actor, assessment: Assessment) -> HttpResponse:
    """Planning asks for an unrecorded Fitzpatrick type and saves it to the patient's record;
    no type is assumed (the latest intake's answer is offered for the practitioner to
    confirm)."""
    answered = latest_answers(actor, assessment.patient_id).get("fitzpatrick")
    form = FitzpatrickForm(request.POST or None, initial={"fitzpatrick": answered})
    if request.method == "POST":
        patient = submit(
            form,
            lambda fitzpatrick: patient_update(
                actor, assessment.patient_id, fitzpatrick=fitzpatrick
            ),
        )
        if patient is not None:
            return redirect("course-plan", assessment_id=assessment.pk)
    return render(
        request,
        "clinical/course_plan.html",
        {
            "skin_form": form,
            "assessment": assessment,
            "patient": assessment.patient,
            "asking": FITZPATRICK_NEEDED,
        },
    )


@with_actor(Permission.COURSE_PLAN)
def course_plan(request: HttpRequest, actor: Actor, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(actor, assessment_id)
    if assessment.patient.fitzpatrick is None:
        return _skin_type_page(request, actor, assessment)
    knowledge = clinic_knowledge(actor.clinic)
    suggestion = services.course_suggestion(actor, assessment)
    initial: dict[str, object] = {}
    if (
        suggestion.suitable
        and suggestion.sessions
        and suggestion.interval_weeks
        and suggestion.cost
    ):
        initial = {
            "sessions_planned": suggestion.sessions.min,
            "interval_weeks": suggestion.interval_weeks.min,
            "price_per_session": suggestion.cost.per_session.min,
            "adjuncts": [a.code for a in suggestion.adjuncts],
            "first_session_at": timezone.localtime(timezone.now()).replace(second=0, microsecond=0),
            **{f"depth__{z}": plan.suggested_mm for z, plan in suggestion.zones.items()},
        }
    form = CoursePlanForm(knowledge, suggestion, request.POST or None, initial=initial)
    if request.method == "POST":
        course = submit(
            form, lambda **_: services.course_create(actor, assessment.pk, **form.plan())
        )
        if course is not None:
            messages.success(request, f"Course planned: {course.sessions_planned} sessions.")
            return redirect("course-detail", course_id=course.pk)
    return render(
        request,
        "clinical/course_plan.html",
        {
            "form": form,
            "assessment": assessment,
            "patient": assessment.patient,
            "suggestion": suggestion,
            "sources": knowledge.sources,
        },
    )


@with_actor(Permission.CLINICAL_READ)
def course_detail(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    course = selectors.access_course(actor, course_id)
    knowledge = clinic_knowledge(actor.clinic)
    return render(
        request,
        "clinical/course.html",
        {
            "course": course,
            "patient": course.patient,
            "total": course_total(
                course.sessions_planned, Money(course.price_per_session, course.currency)
            ),
            "total_sources": [CLINIC_PRICE_SOURCE],
            "sessions": course.sessions.all(),
            "zone_labels": {name: zone.label for name, zone in knowledge.zones.items()},
        },
    )


@with_actor(Permission.CLINICAL_READ)
def timeline(request: HttpRequest, actor: Actor, patient_id: str) -> HttpResponse:
    patient = access_patient(actor, patient_id)
    return render(
        request,
        "clinical/timeline.html",
        {"patient": patient, "entries": patient_timeline(actor, patient.pk)},
    )


@with_actor(Permission.CLINICAL_READ)
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    today = timezone.localdate(timezone=actor.zone)
    return render(
        request,
        "clinical/dashboard.html",
        {"board": dashboards.dashboard(actor, today), "today": today},
    )


@with_actor(patients=True)
def portal_intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The patient answers the medical-history questions before the visit. The verdict is for
    the clinic: the patient is only told the answers reached it."""
    knowledge = clinic_knowledge(actor.clinic)
    form = IntakeForm(
        knowledge, request.POST or None, answers=latest_answers(actor, actor.patient_id)
    )
    if request.method == "POST":
        saved = submit(
            form, lambda **_: intake_services.intake_record(actor, actor.patient_id, form.answers())
        )
        if saved is not None:
            messages.success(
                request, "Thank you. Your clinic will go through your answers with you."
            )
            return redirect("portal")
    return render(request, "portal/intake.html", {"form": form})
