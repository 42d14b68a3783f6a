"""Course pages: planning a course from an assessment (asking for the skin type first when
it is not recorded), reading it, its timeline and its summary PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from needlepoint.billing.selectors import access_course_billing
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission, allows
from needlepoint.courses import selectors, services
from needlepoint.courses.models import Assessment
from needlepoint.courses.services import FITZPATRICK_NEEDED
from needlepoint.domain.knowledge.model.planning import CLINIC_PRICE_SOURCE, Money
from needlepoint.domain.planning import course_total
from needlepoint.intakes.selectors import access_latest_answers
from needlepoint.outcomes.selectors import access_course_outcomes
from needlepoint.patients.services import patient_update
from needlepoint.records.course_timeline import access_course_timeline
from needlepoint.reports.course_summary import (
    AUDIENCES,
    access_course_summary_pdf,
    timeline_charts,
)
from needlepoint.web.forms.courses import CourseForm, FitzpatrickForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


def _skin_type_page(request: HttpRequest, actor: Actor, assessment: Assessment) -> HttpResponse:
    """Planning asks for an unrecorded Fitzpatrick type and saves it to the patient's record;
    no type is assumed (the latest intake's answer is offered for the practitioner to
    confirm)."""
    answered = access_latest_answers(actor, assessment.patient_id).get("fitzpatrick")
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
        "courses/plan.html",
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
    plan = services.course_plan(actor, assessment)
    initial: dict[str, object] = {}
    if plan.suitable and plan.sessions and plan.interval_weeks and plan.cost:
        initial = {
            "sessions_planned": plan.sessions.min,
            "interval_weeks": plan.interval_weeks.min,
            "price_per_session": plan.cost.per_session.min,
            "adjuncts": [a.code for a in plan.adjuncts],
            "first_session_at": timezone.localtime(timezone.now()).replace(second=0, microsecond=0),
            **{f"zones.{z}.depth_mm": zone.depth_mm for z, zone in plan.zones.items()},
        }
    form = CourseForm(knowledge, plan, request.POST or None, initial=initial)
    if request.method == "POST":
        course = submit(
            form, lambda **_: services.course_create(actor, assessment.pk, **form.course())
        )
        if course is not None:
            messages.success(request, f"Course planned: {course.sessions_planned} sessions.")
            return redirect("course-detail", course_id=course.pk)
    return render(
        request,
        "courses/plan.html",
        {
            "form": form,
            "assessment": assessment,
            "patient": assessment.patient,
            "plan": plan,
            "sources": knowledge.sources,
        },
    )


@with_actor(Permission.CLINICAL_READ)
def course_detail(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    course = selectors.access_course(actor, course_id)
    knowledge = clinic_knowledge(actor.clinic)
    return render(
        request,
        "courses/detail.html",
        {
            "course": course,
            "patient": course.patient,
            "total": course_total(
                course.sessions_planned, Money(course.price_per_session, course.currency)
            ),
            "total_sources": [CLINIC_PRICE_SOURCE],
            "sessions": course.sessions.all(),
            "zone_labels": {name: zone.label for name, zone in knowledge.zones.items()},
            "billing": access_course_billing(actor, course.pk)
            if allows(actor.role, Permission.BILLING_READ)
            else None,
            "outcomes": access_course_outcomes(actor, course.pk),
        },
    )


@with_actor(Permission.CLINICAL_READ)
def course_timeline(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    """The course on one page: scores and photo figures over time as charts with the
    sessions, adverse events and alerts marked; the photo series per pose; a table of each
    kind with the exact figures."""
    timeline = access_course_timeline(actor, course_id)
    return render(
        request,
        "courses/timeline.html",
        {
            "timeline": timeline,
            "course": timeline.course,
            "patient": timeline.course.patient,
            "charts": timeline_charts(timeline),
        },
    )


@with_actor(Permission.CLINICAL_READ)
def course_summary_pdf(request: HttpRequest, actor: Actor, course_id: int) -> HttpResponse:
    """The course summary `?for=patient` or `?for=doctor` (a referring doctor), as a PDF
    download."""
    audience = request.GET.get("for", "")
    if audience not in AUDIENCES:
        raise Http404("A course summary is for the patient or a doctor.")
    name, pdf = access_course_summary_pdf(actor, course_id, audience)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
