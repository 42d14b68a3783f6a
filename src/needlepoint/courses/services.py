"""Writes for assessments and courses: one transaction each, audited (sessions: `sessions`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.courses.selectors import assessment_in_scope
from needlepoint.domain import scars
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.planning import COURSE_SESSIONS
from needlepoint.domain.planning import CoursePlan, PlanRequest, plan_course
from needlepoint.domain.serialization import to_json
from needlepoint.intakes.selectors import latest_findings
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record

UNASSESSED_ZONES = ("left_cheek", "right_cheek")  # planned when the assessment counted none


@transaction.atomic
def assessment_record(
    actor: Actor,
    patient_id: object,
    counts: scars.Assessment,
    *,
    scar_types: Sequence[str],
    notes: str = "",
) -> Assessment:
    """Store the counts (whole face or per zone) with their scores."""
    patient = patient_in_scope(actor, patient_id, Permission.ASSESSMENT_RECORD)
    knowledge = clinic_knowledge(actor.clinic)
    unknown = sorted(set(scar_types) - set(knowledge.scar_types))
    if unknown:
        raise ValidationError({"scar_types": f"Unknown scar types: {', '.join(unknown)}."})
    assessment = Assessment.objects.create(
        clinic=actor.clinic,
        patient=patient,
        qualitative_grade=counts.qualitative_grade,
        zones={
            zone: scars.scar_counts_json(zone_counts, knowledge)
            for zone, zone_counts in counts.zones.items()
        },
        overall=None
        if counts.overall is None
        else scars.scar_counts_json(counts.overall, knowledge),
        scar_types=sorted(set(scar_types)),
        scores=to_json(scars.score(counts, knowledge)),
        notes=notes,
        assessed_by=actor.user.staff,
    )
    audit_record(
        actor, "assessment.record", "patient", patient.pk, detail={"assessment": assessment.pk}
    )
    return assessment


FITZPATRICK_NEEDED = (
    "Record the patient's Fitzpatrick skin type before planning: types IV-VI get conservative "
    "settings, and no type is assumed."
)


def course_plan(actor: Actor, assessment: Assessment) -> CoursePlan:
    """The rules engine's plan for an assessment, within the clinic's prices and limits, for
    the patient's skin type and latest screening findings. An unrecorded skin type is asked
    for (a validation error on `fitzpatrick`), never assumed."""
    findings = latest_findings(actor, assessment.patient_id)
    return assessment_plan(clinic_knowledge(actor.clinic), assessment, findings)


def assessment_plan(
    knowledge: Knowledge, assessment: Assessment, findings: Iterable[str]
) -> CoursePlan:
    """`course_plan` for the clinic's `knowledge` and the screening findings given."""
    patient = assessment.patient
    if patient.fitzpatrick is None:
        raise ValidationError({"fitzpatrick": FITZPATRICK_NEEDED})
    request = PlanRequest(
        scar_types=tuple(assessment.scar_types),
        qualitative_grade=assessment.qualitative_grade,
        fitzpatrick=patient.fitzpatrick,
        zones=tuple(sorted(assessment.zones)) or UNASSESSED_ZONES,
        findings=tuple(sorted(findings)),
    )
    return plan_course(request, knowledge)


def check_course_plan(
    knowledge: Knowledge,
    plan: CoursePlan,
    sessions: int,
    interval_weeks: int,
    zones: Mapping[str, Mapping[str, float]],
) -> None:
    """The practitioner's edits, within the plan's bounds: its shortest interval and each
    zone's limit (the lowest of the clinic's, the zone's maximum and the pathway's)."""
    errors: dict[str, str] = {}
    if not COURSE_SESSIONS.min <= sessions <= COURSE_SESSIONS.max:
        errors["sessions_planned"] = (
            f"Plan between {COURSE_SESSIONS.min} and {COURSE_SESSIONS.max} sessions."
        )
    shortest = plan.minimum_interval_weeks or knowledge.course.minimum_interval_weeks
    if interval_weeks < shortest:
        errors["interval_weeks"] = f"Sessions must be at least {shortest} weeks apart in this plan."
    for zone, entry in zones.items():
        depth = entry["depth_mm"]
        if zone not in knowledge.zones:
            errors[f"zones.{zone}"] = f"Unknown zone: {zone}."
        elif zone not in plan.zones:
            errors[f"zones.{zone}"] = (
                f"{knowledge.zones[zone].label}: not a zone of this assessment's plan."
            )
        elif not 0 < depth <= plan.zones[zone].depth_limit_mm:
            errors[f"zones.{zone}.depth_mm"] = (
                f"{knowledge.zones[zone].label}: plan a depth above 0 and at most "
                f"{plan.zones[zone].depth_limit_mm:g} mm (not {depth:g} mm)."
            )
    if not zones:
        errors["zones"] = "Plan at least one zone."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(
    actor: Actor,
    assessment_id: object,
    *,
    sessions_planned: int,
    interval_weeks: int,
    zones: Mapping[str, Mapping[str, float]],
    adjuncts: Sequence[str],
    price_per_session: Decimal,
    first_session_at: datetime,
) -> Course:
    """Make a course from an assessment, edited within the clinic's limits, and propose its
    sessions on the calendar at the planned interval. `zones`: {zone: {"depth_mm": mm}}."""
    assessment = assessment_in_scope(actor, assessment_id, Permission.COURSE_PLAN)
    knowledge = clinic_knowledge(actor.clinic)
    plan = course_plan(actor, assessment)
    if not plan.suitable:
        reasons = " ".join(reason.text for reason in plan.reasons)
        raise ValidationError(f"Microneedling is not suitable for this assessment: {reasons}")
    check_course_plan(knowledge, plan, sessions_planned, interval_weeks, zones)
    known_adjuncts = {rule.code for rule in knowledge.adjuncts}
    if set(adjuncts) - known_adjuncts:
        raise ValidationError({"adjuncts": f"Choose from: {', '.join(sorted(known_adjuncts))}."})
    if price_per_session < 0:
        raise ValidationError({"price_per_session": "The price cannot be negative."})
    course = Course.objects.create(
        clinic=actor.clinic,
        patient=assessment.patient,
        assessment=assessment,
        sessions_planned=sessions_planned,
        interval_weeks=interval_weeks,
        zones={zone: {"depth_mm": float(entry["depth_mm"])} for zone, entry in zones.items()},
        adjuncts=sorted(set(adjuncts)),
        price_per_session=price_per_session,
        currency=actor.clinic.currency,
        plan=to_json(plan),
        first_session_at=first_session_at,
        planned_by=actor.user.staff,
    )
    # Same wall-clock time in the clinic's zone for every session, across DST changes.
    first_local = first_session_at.astimezone(ZoneInfo(actor.clinic.time_zone))
    Session.objects.bulk_create(
        Session(
            clinic=actor.clinic,
            patient=assessment.patient,
            course=course,
            number=number,
            scheduled_at=first_local + timedelta(weeks=interval_weeks * (number - 1)),
        )
        for number in range(1, sessions_planned + 1)
    )
    audit_record(actor, "course.create", "patient", course.patient_id, detail={"course": course.pk})
    return course
