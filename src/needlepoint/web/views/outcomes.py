"""Outcome measures in the portal ("How are your scars?") and on the course page (the
clinician's GAIS at milestone visits)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from needlepoint.clinics.roles import Permission
from needlepoint.domain.knowledge.model.measures import Respondent, Timepoint
from needlepoint.domain.measures import State
from needlepoint.outcomes import selectors, services
from needlepoint.web.forms.outcomes import MeasuresForm
from needlepoint.web.forms.shared import submit
from needlepoint.web.views.access import Actor, with_actor


def _timepoint(value: str) -> Timepoint:
    try:
        return Timepoint(value)
    except ValueError:
        raise Http404("No such timepoint.") from None


def _answer(
    request: HttpRequest,
    actor: Actor,
    respondent: Respondent,
    course_id: int,
    timepoint: str,
    session_number: int | None,
) -> HttpResponse | str:
    """The form of a timepoint, or (once its answers are saved) the timepoint's label."""
    point = _timepoint(timepoint)
    course, due = selectors.access_course_timepoint(actor, course_id, point, session_number)
    if due is None:
        raise Http404("No such timepoint.")
    form = MeasuresForm(
        selectors.timepoint_measures(actor.clinic, point, respondent),
        request.POST if request.method == "POST" else None,
    )
    closed = (
        ""
        if due.state is State.OPEN
        else selectors.closed_reason(course, due, respondent, actor.zone)
    )
    if request.method == "POST":
        saved = submit(
            form,
            lambda **_: services.measure_response_record(
                actor, course.pk, point.value, session_number, form.answers()
            ),
        )
        if saved is not None:
            return due.label
    return render(
        request,
        "outcomes/form.html",
        {"form": form, "due": due, "closed": closed, "course": course, "patient": course.patient},
    )


@with_actor(patients=True)
def portal_outcomes(
    request: HttpRequest,
    actor: Actor,
    course_id: int,
    timepoint: str,
    session_number: int | None = None,
) -> HttpResponse:
    answered = _answer(request, actor, Respondent.PATIENT, course_id, timepoint, session_number)
    if isinstance(answered, HttpResponse):
        return answered
    messages.success(request, f"Thank you: your answers ({answered.lower()}) are with the clinic.")
    return redirect("portal")


@with_actor(Permission.ASSESSMENT_RECORD)
def course_outcomes(
    request: HttpRequest,
    actor: Actor,
    course_id: int,
    timepoint: str,
    session_number: int | None = None,
) -> HttpResponse:
    answered = _answer(request, actor, Respondent.CLINICIAN, course_id, timepoint, session_number)
    if isinstance(answered, HttpResponse):
        return answered
    messages.success(request, f"Rating recorded ({answered.lower()}).")
    return redirect("course-detail", course_id=course_id)
