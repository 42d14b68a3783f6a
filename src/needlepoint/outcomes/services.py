"""Writes of outcomes: a respondent's answers at a timepoint of a course, scored by the rules
in one transaction and audited; the follow-ups of finished courses kept for the clinic.

A response is given once per respondent and timepoint, and only while the timepoint is open
(its window, `domain.measures.course_schedule`): a second submit is refused with the date of
the first, whose answers stay as they were. Answers missing or out of range are refused with
the question named; nothing is saved then.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role
from needlepoint.courses.models import Course
from needlepoint.courses.selectors import course_in_scope
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.measures import Respondent, Timepoint
from needlepoint.domain.measures import State, measure_score, measures_at
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.instrument import questionnaire_measure
from needlepoint.outcomes.models import FollowUp, MeasureResponse, Questionnaire
from needlepoint.outcomes.selectors import (
    answered_timepoints,
    clinic_measures,
    closed_reason,
    course_schedule_for,
    course_timepoint,
)
from needlepoint.safety.audit import audit_record

Answers = Mapping[str, Mapping[str, object]]  # {measure code: {item code: answer}}


def measure_response_record(
    actor: Actor,
    course_id: object,
    timepoint: str,
    session_number: int | None,
    answers: Answers,
    *,
    now: datetime | None = None,
) -> list[MeasureResponse]:
    """Record the actor's answers at one timepoint of a course: a patient their own (the
    patient-reported measures), a practitioner the clinician-rated ones. Every measure the
    respondent is asked there must be answered."""
    try:
        return _record(actor, course_id, timepoint, session_number, answers, now)
    except IntegrityError:  # a second submit raced the first past the check
        raise ValidationError(
            "These answers were already given; the first ones are kept."
        ) from None


@transaction.atomic
def _record(
    actor: Actor,
    course_id: object,
    timepoint: str,
    session_number: int | None,
    answers: Answers,
    now: datetime | None,
) -> list[MeasureResponse]:
    if actor.role is Role.PATIENT:
        actor.require(Permission.CHECKIN_SUBMIT)
        respondent = Respondent.PATIENT
        course = course_in_scope(actor, course_id, Permission.PATIENT_READ)
    else:
        respondent = Respondent.CLINICIAN
        course = course_in_scope(actor, course_id, Permission.ASSESSMENT_RECORD)
    now = now or timezone.now()
    try:
        point = Timepoint(timepoint)
    except ValueError:
        raise ValidationError({"timepoint": f"Unknown timepoint {timepoint!r}."}) from None
    due = course_timepoint(course, point, session_number, respondent, now)
    if due is None:
        raise ValidationError({"timepoint": "This course has no such timepoint."})
    if due.state is not State.OPEN:
        raise ValidationError(closed_reason(course, due, respondent, actor.zone))
    measures = clinic_measures(actor.clinic)
    asked = measures_at(measures.values(), point, respondent)
    unknown = sorted(set(answers) - {m.code for m in asked})
    if unknown:
        raise ValidationError({unknown[0]: "This measure is not asked here."})
    if not asked:
        raise ValidationError({"timepoint": "Nothing is asked of you at this timepoint."})
    rows = []
    for measure in asked:
        given = answers.get(measure.code, {})
        try:
            value = measure_score(measure, given)
        except InvalidInput as error:
            item = error.field.removeprefix("answers").lstrip(".")
            raise ValidationError(
                {f"{measure.code}.{item or measure.code}": error.message}
            ) from None
        rows.append(
            MeasureResponse(
                clinic_id=course.clinic_id,
                patient_id=course.patient_id,
                course=course,
                timepoint=point.value,
                session_number=session_number,
                measure=measure.code,
                respondent=respondent.value,
                answers=dict(given),
                score=value,
                taken_at=now,
                recorded_by=actor.user,
            )
        )
    MeasureResponse.objects.bulk_create(rows)
    if respondent is Respondent.PATIENT and point.follow_up:
        FollowUp.objects.filter(clinic_id=course.clinic_id, course=course, timepoint=point).update(
            answered_at=now
        )
    audit_record(
        actor,
        "outcome.record",
        "patient",
        course.patient_id,
        detail={
            "course": course.pk,
            "timepoint": point.value,
            "session_number": session_number,
            "respondent": respondent.value,
            "scores": {row.measure: row.score for row in rows},
        },
    )
    return rows


# Finished courses whose follow-ups may still be due: their last session ended this recently.
FOLLOW_UP_HORIZON = timedelta(days=400)


def course_followups_refresh(course: Course, now: datetime) -> int:
    """Keep the course's follow-up rows as its schedule has them: created once every session
    is done, moved when the last session's time changes, removed (when unanswered) once a
    session is added. Returns how many rows were created or changed."""
    rules = clinic_knowledge(course.clinic).measures.timepoints
    answered = answered_timepoints(course, Respondent.PATIENT)
    due = [
        d
        for d in course_schedule_for(course, rules, Respondent.PATIENT, now)
        if d.timepoint.follow_up
    ]
    kept = FollowUp.objects.filter(clinic_id=course.clinic_id, course=course)
    changed = (
        kept.exclude(timepoint__in=[d.timepoint for d in due])
        .filter(answered_at__isnull=True)
        .delete()[0]
    )
    for point in due:
        _, created = FollowUp.objects.update_or_create(
            clinic_id=course.clinic_id,
            course=course,
            timepoint=point.timepoint.value,
            defaults={
                "patient_id": course.patient_id,
                "opens_at": point.opens,
                "due_at": point.due,
                "overdue_after": point.overdue_after,
                "answered_at": answered.get(point.key),
            },
        )
        changed += int(created)
    return changed


def followups_refresh(now: datetime | None = None) -> int:
    """`course_followups_refresh` for every course with a session signed within the horizon
    (the worker runs it; safe to run twice or at once)."""
    now = now or timezone.now()
    courses = (
        Course.objects.filter(
            sessions__status="signed", sessions__ended_at__gt=now - FOLLOW_UP_HORIZON
        )
        .exclude(status=Course.Status.STOPPED)
        .select_related("clinic")
        .distinct()
    )
    return sum(course_followups_refresh(course, now) for course in courses)


@transaction.atomic
def questionnaire_load(
    clinic: Clinic, resource: object, *, actor: Actor | None = None
) -> tuple[Questionnaire, bool]:
    """Store a clinic's licensed instrument (a FHIR Questionnaire with its scoring rule, read
    by `fhir.instrument`), or replace the one of the same name; True when it is new. Refused,
    naming the element and why, when it does not read; a questionnaire patients have answered
    may be loaded again only unchanged in what it asks and how it scores (else under a new
    name), so recorded scores keep their meaning. `actor` is None from the command line."""
    if actor is not None:
        actor.require(Permission.STAFF_MANAGE)
    built_in = frozenset(clinic_knowledge(clinic).measures.measures)
    try:
        measure = questionnaire_measure(resource, built_in)
    except FhirMappingError as error:
        raise ValidationError({error.path: error.message}) from None
    existing = Questionnaire.objects.filter(clinic=clinic, code=measure.code).first()
    if existing is not None:
        answered = MeasureResponse.objects.filter(clinic=clinic, measure=measure.code).exists()
        before = questionnaire_measure(existing.resource, built_in)
        same = (before.items, before.table, before.respondent, before.better) == (
            measure.items,
            measure.table,
            measure.respondent,
            measure.better,
        )
        if answered and not same:
            raise ValidationError(
                {
                    "Questionnaire.name": f"{measure.code!r} has answers recorded: its items and "
                    "scoring cannot change; load the new version under another name"
                }
            )
    questionnaire, created = Questionnaire.objects.update_or_create(
        clinic=clinic,
        code=measure.code,
        defaults={
            "title": measure.label[:200],
            "resource": resource,
            "loaded_by": actor.user if actor else None,
        },
    )
    audit_record(
        actor,
        "questionnaire.load",
        "questionnaire",
        questionnaire.pk,
        detail={"code": measure.code, "items": len(measure.items), "created": created},
        clinic_id=clinic.pk,
    )
    return questionnaire, created
