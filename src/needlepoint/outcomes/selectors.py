"""Reads of outcomes: the measures a clinic asks, a course's scores and schedule, and the
follow-ups overdue. `access_*` functions are the door (scoped to the actor's clinic, a patient
to their own courses, audited); `course_scores` serves callers that already passed one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course, Session
from needlepoint.courses.selectors import course_in_scope
from needlepoint.domain.knowledge.model.measures import (
    Measure,
    Respondent,
    Timepoint,
    TimepointRule,
)
from needlepoint.domain.measures import (
    Due,
    Score,
    SessionTimes,
    State,
    course_schedule,
    measures_at,
    score_of,
)
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.instrument import questionnaire_measure
from needlepoint.outcomes.models import FollowUp, MeasureResponse, Questionnaire
from needlepoint.safety.audit import audit_read

logger = logging.getLogger(__name__)
Rules = Mapping[Timepoint, TimepointRule]

OVERDUE_LIST_SIZE = 20  # follow-ups overdue the dashboard lists, the longest overdue first


def clinic_measures(clinic: Clinic) -> dict[str, Measure]:
    """The built-in measures and the clinic's own questionnaires, by code. A stored
    questionnaire that no longer reads (a stricter reader) is left out and logged."""
    measures = dict(clinic_knowledge(clinic).measures.measures)
    built_in = frozenset(measures)
    for questionnaire in Questionnaire.objects.filter(clinic=clinic):
        try:
            measures[questionnaire.code] = questionnaire_measure(questionnaire.resource, built_in)
        except FhirMappingError as error:
            logger.warning("questionnaire %s of clinic %s: %s", questionnaire.pk, clinic.pk, error)
    return measures


def _scores(rows: QuerySet[MeasureResponse], measures: Mapping[str, Measure]) -> list[Score]:
    return [
        score_of(
            measures[row.measure],
            Timepoint(row.timepoint),
            row.session_number,
            row.taken_at,
            row.score,
        )
        for row in rows.order_by("taken_at", "pk")
        if row.measure in measures
    ]


def course_scores(clinic_id: int, course_id: int) -> list[Score]:
    """Every scored response of the course, in time order. Not audited: callers have passed
    an `access_*` door for the course's patient."""
    clinic = Clinic.objects.get(pk=clinic_id)
    rows = MeasureResponse.objects.filter(clinic_id=clinic_id, course_id=course_id)
    return _scores(rows, clinic_measures(clinic))


def _session_times(course: Course) -> list[SessionTimes]:
    sessions = Session.objects.filter(clinic_id=course.clinic_id, course=course).exclude(
        status=Session.Status.CANCELLED
    )
    return [
        SessionTimes(
            s.number,
            s.scheduled_at,
            s.ended_at if s.status == Session.Status.SIGNED else None,
        )
        for s in sessions.only("number", "scheduled_at", "ended_at", "status")
    ]


def answered_timepoints(
    course: Course, respondent: Respondent
) -> dict[tuple[Timepoint, int | None], datetime]:
    """When `respondent` answered each timepoint of the course they answered."""
    rows = MeasureResponse.objects.filter(
        clinic_id=course.clinic_id, course=course, respondent=respondent
    ).values_list("timepoint", "session_number", "taken_at")
    return {(Timepoint(t), n): at for t, n, at in rows}


@dataclass(frozen=True)
class Task:
    """A timepoint open for a respondent, with the measures they answer at it."""

    course: Course
    due: Due
    measures: tuple[Measure, ...]


def course_schedule_for(
    course: Course, rules: Rules, respondent: Respondent, now: datetime
) -> tuple[Due, ...]:
    """The course's timepoints as `respondent` stands with them at `now`."""
    return course_schedule(
        _session_times(course), rules, now, answered_timepoints(course, respondent)
    )


def open_tasks(
    course: Course,
    rules: Rules,
    respondent: Respondent,
    measures: Mapping[str, Measure],
    now: datetime,
) -> list[Task]:
    """The course's timepoints open for `respondent` at `now` with a measure they answer."""
    found = []
    for due in course_schedule_for(course, rules, respondent, now):
        asked = measures_at(measures.values(), due.timepoint, respondent)
        if due.state is State.OPEN and asked:
            found.append(Task(course, due, asked))
    return found


# Courses whose timepoints a patient is asked about: not stopped.
ASKED_STATUSES = (Course.Status.PLANNED, Course.Status.ACTIVE, Course.Status.COMPLETED)


def access_my_outcome_tasks(actor: Actor, now: datetime | None = None) -> list[Task]:
    """The patient's own open timepoints (the portal's "How are your scars?"), audited."""
    actor.require(Permission.CHECKIN_SUBMIT)
    now = now or timezone.now()
    measures = clinic_measures(actor.clinic)
    rules = clinic_knowledge(actor.clinic).measures.timepoints
    courses = Course.objects.filter(
        clinic=actor.clinic, patient_id=actor.patient_id, status__in=ASKED_STATUSES
    ).order_by("created_at", "pk")
    tasks = [
        task
        for course in courses
        for task in open_tasks(course, rules, Respondent.PATIENT, measures, now)
    ]
    audit_read(actor, "outcome.tasks", "patient", actor.patient_id)
    return tasks


@dataclass(frozen=True)
class CourseOutcomes:
    course: Course
    scores: list[Score]
    schedule: tuple[Due, ...]  # as the patient stands with it
    clinician_tasks: list[Task]  # open for the clinician (empty for a patient)
    measures: Mapping[str, Measure]


def access_course_outcomes(actor: Actor, course_id: object) -> CourseOutcomes:
    """A course's scores and schedule: clinical staff of its clinic, or its own patient."""
    course = course_in_scope(actor, course_id, actor.record_permission(Permission.CLINICAL_READ))
    now = timezone.now()
    measures = clinic_measures(actor.clinic)
    rules = clinic_knowledge(actor.clinic).measures.timepoints
    rows = MeasureResponse.objects.filter(clinic_id=course.clinic_id, course=course)
    clinician = (
        open_tasks(course, rules, Respondent.CLINICIAN, measures, now)
        if actor.role is not Role.PATIENT
        else []
    )
    outcomes = CourseOutcomes(
        course,
        _scores(rows, measures),
        course_schedule_for(course, rules, Respondent.PATIENT, now),
        clinician,
        measures,
    )
    audit_read(actor, "outcome.read", "patient", course.patient_id, detail={"course": course.pk})
    return outcomes


def access_followups_overdue(
    actor: Actor, now: datetime | None = None, limit: int = OVERDUE_LIST_SIZE
) -> list[FollowUp]:
    """The clinic's follow-ups past their due time without the patient's answers, the longest
    overdue first, at most `limit`: one indexed read, audited once."""
    actor.require(Permission.CLINICAL_READ)
    now = now or timezone.now()
    found = list(
        FollowUp.objects.filter(clinic=actor.clinic, answered_at__isnull=True, due_at__lt=now)
        .select_related("patient")
        .order_by("due_at", "id")[:limit]
    )
    audit_read(
        actor,
        "outcome.followups_overdue",
        "course",
        detail={"patients": sorted({str(f.patient_id) for f in found})},
    )
    return found
