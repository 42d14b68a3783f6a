"""Reads of outcomes: the measures a clinic asks, a course's scores and schedule, and the
follow-ups overdue. `access_*` functions are the door (scoped to the actor's clinic, a patient
to their own courses, audited); `course_scores` serves callers that already passed one."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Assessment, Course, Session
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


def clinic_questionnaires(actor: Actor) -> list[Questionnaire]:
    """The clinic's own questionnaires, for its admins (no patient data)."""
    actor.require(Permission.STAFF_MANAGE)
    return list(Questionnaire.objects.filter(clinic=actor.clinic).order_by("code"))


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


# A course's sessions that count for its schedule, read with it (`to_attr="live_sessions"`).
LIVE_SESSIONS = Prefetch(
    "sessions",
    queryset=Session.objects.exclude(status=Session.Status.CANCELLED).only(
        "course_id", "number", "scheduled_at", "ended_at", "status"
    ),
    to_attr="live_sessions",
)


def _session_times(course: Course) -> list[SessionTimes]:
    sessions = getattr(course, "live_sessions", None)
    if sessions is None:
        sessions = list(
            Session.objects.filter(clinic_id=course.clinic_id, course=course)
            .exclude(status=Session.Status.CANCELLED)
            .only("number", "scheduled_at", "ended_at", "status")
        )
    return [
        SessionTimes(
            s.number,
            s.scheduled_at,
            s.ended_at if s.status == Session.Status.SIGNED else None,
        )
        for s in sessions
    ]


Answered = dict[tuple[Timepoint, int | None], datetime]


def _answered(clinic_id: int, course_ids: list[int], respondent: Respondent) -> dict[int, Answered]:
    """When `respondent` answered each timepoint of each course, by course id: one read."""
    found: dict[int, Answered] = {pk: {} for pk in course_ids}
    rows = MeasureResponse.objects.filter(
        clinic_id=clinic_id, course_id__in=course_ids, respondent=respondent
    ).values_list("course_id", "timepoint", "session_number", "taken_at")
    for course_id, timepoint, number, taken_at in rows:
        found[course_id][(Timepoint(timepoint), number)] = taken_at
    return found


def answered_timepoints(course: Course, respondent: Respondent) -> Answered:
    """When `respondent` answered each timepoint of the course they answered."""
    return _answered(course.clinic_id, [course.pk], respondent)[course.pk]


def course_timepoint(
    course: Course,
    timepoint: Timepoint,
    session_number: int | None,
    respondent: Respondent,
    now: datetime,
) -> Due | None:
    """One timepoint of the course as `respondent` stands with it, or None when the course
    has no such timepoint."""
    rules = clinic_knowledge(course.clinic).measures.timepoints
    schedule = course_schedule_for(course, rules, respondent, now)
    return next((due for due in schedule if due.key == (timepoint, session_number)), None)


def _day(moment: datetime, zone: tzinfo) -> str:
    return f"{timezone.localtime(moment, zone):%-d %B %Y}"


def closed_reason(course: Course, due: Due, respondent: Respondent, zone: tzinfo) -> str:
    """Why a timepoint that is not open cannot be answered now, for the respondent to read."""
    if due.state is State.ANSWERED:
        first = answered_timepoints(course, respondent)[due.key]
        return f"{due.label}: already answered on {_day(first, zone)}; those answers are kept."
    if due.state is State.UPCOMING:
        return f"{due.label}: this opens on {_day(due.opens, zone)}."
    return f"{due.label}: this closed on {_day(due.overdue_after, zone)}."


@dataclass(frozen=True)
class Task:
    """A timepoint open for a respondent, with the measures they answer at it."""

    course: Course
    due: Due
    measures: tuple[Measure, ...]


def course_schedule_for(
    course: Course,
    rules: Rules,
    respondent: Respondent,
    now: datetime,
    answered: Answered | None = None,
) -> tuple[Due, ...]:
    """The course's timepoints as `respondent` stands with them at `now` (`answered`: when
    they answered which, if already read)."""
    if answered is None:
        answered = answered_timepoints(course, respondent)
    return course_schedule(_session_times(course), rules, now, answered)


def timepoint_measures(
    clinic: Clinic, timepoint: Timepoint, respondent: Respondent
) -> tuple[Measure, ...]:
    """What `respondent` is asked at `timepoint` in the clinic (no patient data)."""
    return measures_at(clinic_measures(clinic).values(), timepoint, respondent)


def open_tasks(
    course: Course,
    rules: Rules,
    respondent: Respondent,
    measures: Mapping[str, Measure],
    now: datetime,
    answered: Answered | None = None,
) -> list[Task]:
    """The course's timepoints open for `respondent` at `now` with a measure they answer."""
    found = []
    for due in course_schedule_for(course, rules, respondent, now, answered):
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
    courses = list(
        Course.objects.filter(
            clinic=actor.clinic, patient_id=actor.patient_id, status__in=ASKED_STATUSES
        )
        .order_by("created_at", "pk")
        .prefetch_related(LIVE_SESSIONS)
    )
    answered = _answered(actor.clinic.pk, [c.pk for c in courses], Respondent.PATIENT)
    tasks = [
        task
        for course in courses
        for task in open_tasks(
            course, rules, Respondent.PATIENT, measures, now, answered[course.pk]
        )
    ]
    audit_read(actor, "outcome.tasks", "patient", actor.patient_id)
    return tasks


@dataclass(frozen=True)
class CourseOutcomes:
    course: Course
    scores: list[Score]
    schedule: tuple[Due, ...]  # as the patient stands with it
    clinician_tasks: list[Task]  # open for the clinician (empty for a patient)
    # The milestone (the last session, a follow-up) open now with no assessment since it
    # opened: the clinician's re-assessment is due (None for a patient).
    reassessment_due: Due | None


def _reassessment_due(course: Course, rules: Rules, now: datetime) -> Due | None:
    sessions = _session_times(course)
    last = max((s.number for s in sessions), default=None)
    for due in course_schedule(sessions, rules, now):
        milestone = due.timepoint.follow_up or (
            due.timepoint is Timepoint.PRE_SESSION and due.session_number == last
        )
        if milestone and due.state is State.OPEN:
            since = Assessment.objects.filter(
                clinic_id=course.clinic_id, patient_id=course.patient_id, assessed_at__gte=due.opens
            )
            return None if since.exists() else due
    return None


def access_course_outcomes(actor: Actor, course_id: object) -> CourseOutcomes:
    """A course's scores and schedule: clinical staff of its clinic, or its own patient."""
    course = course_in_scope(actor, course_id, actor.record_permission(Permission.CLINICAL_READ))
    now = timezone.now()
    measures = clinic_measures(actor.clinic)
    rules = clinic_knowledge(actor.clinic).measures.timepoints
    rows = MeasureResponse.objects.filter(clinic_id=course.clinic_id, course=course)
    staff = actor.role is not Role.PATIENT
    outcomes = CourseOutcomes(
        course,
        _scores(rows, measures),
        course_schedule_for(course, rules, Respondent.PATIENT, now),
        open_tasks(course, rules, Respondent.CLINICIAN, measures, now) if staff else [],
        _reassessment_due(course, rules, now) if staff else None,
    )
    audit_read(actor, "outcome.read", "patient", course.patient_id, detail={"course": course.pk})
    return outcomes


def access_course_timepoint(
    actor: Actor, course_id: object, timepoint: Timepoint, session_number: int | None
) -> tuple[Course, Due | None]:
    """A course's timepoint as the actor answers it (a patient their own course), audited."""
    course = course_in_scope(actor, course_id, actor.record_permission(Permission.CLINICAL_READ))
    respondent = Respondent.PATIENT if actor.role is Role.PATIENT else Respondent.CLINICIAN
    due = course_timepoint(course, timepoint, session_number, respondent, timezone.now())
    audit_read(actor, "outcome.read", "patient", course.patient_id, detail={"course": course.pk})
    return course, due


def followups_overdue(clinic: Clinic, now: datetime) -> QuerySet[FollowUp]:
    """The clinic's follow-ups past their due time without the patient's answers, the longest
    overdue first (the partial index of unanswered follow-ups by due time); the dashboard
    reads them a page at a time, through its audited door."""
    return (
        FollowUp.objects.filter(clinic=clinic, answered_at__isnull=True, due_at__lt=now)
        .select_related("patient")
        .order_by("due_at", "id")
    )
