"""Writes for assessments, courses and sessions: one transaction each, audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge, validation_error
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Addendum, Assessment, Course, Session
from needlepoint.courses.selectors import assessment_in_scope, course_in_scope, session_in_scope
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.planning import CoursePlan, parse_plan_request, plan_course
from needlepoint.domain.scars import Scores, parse_assessment, score
from needlepoint.domain.serialization import to_json
from needlepoint.intakes.models import Intake, Screening
from needlepoint.intakes.services import intake_record
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record
from needlepoint.safety.models import Lot
from needlepoint.safety.services import lot_refusal

MAX_SESSIONS = 12


class ChartConflict(Exception):
    """Someone else saved the chart since it was opened; nothing was overwritten."""

    def __init__(self, session: Session) -> None:
        super().__init__(
            "This chart was changed by someone else since you opened it. "
            "Their version is shown; your entries are kept below for you to re-apply."
        )
        self.session = session


def assessment_scores(data: Mapping[str, object], knowledge: Knowledge) -> Scores:
    """Score counts without saving (live scoring as counts are typed)."""
    try:
        return score(parse_assessment(dict(data), knowledge), knowledge)
    except InvalidInput as error:
        raise validation_error(error) from None


@transaction.atomic
def assessment_record(
    actor: Actor,
    patient_id: object,
    *,
    qualitative_grade: int,
    zones: Mapping[str, object],
    scar_types: Sequence[str],
    notes: str = "",
) -> Assessment:
    patient = patient_in_scope(actor, patient_id, Permission.ASSESSMENT_RECORD)
    knowledge = clinic_knowledge(actor.clinic)
    scores = assessment_scores({"qualitative_grade": qualitative_grade, "zones": zones}, knowledge)
    unknown = sorted(set(scar_types) - set(knowledge.scar_types))
    if unknown:
        raise ValidationError({"scar_types": f"Unknown scar types: {', '.join(unknown)}."})
    assessment = Assessment.objects.create(
        clinic=actor.clinic,
        patient=patient,
        qualitative_grade=qualitative_grade,
        zones=dict(zones),
        scar_types=sorted(set(scar_types)),
        scores=to_json(scores),
        notes=notes,
        assessed_by=actor.user.staff,
    )
    audit_record(
        actor, "assessment.record", "patient", patient.pk, detail={"assessment": assessment.pk}
    )
    return assessment


def course_suggestion(actor: Actor, assessment: Assessment) -> CoursePlan:
    """The rules engine's plan for an assessment, within the clinic's prices and limits."""
    knowledge = clinic_knowledge(actor.clinic)
    zones = sorted(assessment.zones) or ["left_cheek", "right_cheek"]
    request = {
        "scar_types": assessment.scar_types,
        "qualitative_grade": assessment.qualitative_grade,
        "fitzpatrick": assessment.patient.fitzpatrick or 1,
        "zones": zones,
    }
    try:
        return plan_course(parse_plan_request(request, knowledge), knowledge)
    except InvalidInput as error:
        raise validation_error(error) from None


def _check_plan(
    knowledge: Knowledge, sessions: int, interval_weeks: int, depths: Mapping[str, float]
) -> None:
    errors: dict[str, str] = {}
    if not 1 <= sessions <= MAX_SESSIONS:
        errors["sessions_planned"] = f"Plan between 1 and {MAX_SESSIONS} sessions."
    shortest = knowledge.course.minimum_interval_weeks
    if interval_weeks < shortest:
        errors["interval_weeks"] = f"Sessions must be at least {shortest} weeks apart."
    for zone, depth in depths.items():
        if zone not in knowledge.zones:
            errors["zone_depths_mm"] = f"Unknown zone: {zone}."
        elif not 0 < depth <= knowledge.zones[zone].limit_mm:
            limit = knowledge.zones[zone].limit_mm
            errors["zone_depths_mm"] = (
                f"{knowledge.zones[zone].label}: {depth:g} mm is above the clinic's limit of "
                f"{limit:g} mm."
            )
    if not depths:
        errors["zone_depths_mm"] = "Plan at least one zone."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(
    actor: Actor,
    assessment_id: object,
    *,
    sessions_planned: int,
    interval_weeks: int,
    zone_depths_mm: Mapping[str, float],
    adjuncts: Sequence[str],
    price_per_session: Decimal,
    first_session_at: datetime,
) -> Course:
    """Make a course from an assessment, edited within the clinic's limits, and propose its
    sessions on the calendar at the planned interval."""
    assessment = assessment_in_scope(actor, assessment_id, Permission.COURSE_PLAN)
    knowledge = clinic_knowledge(actor.clinic)
    suggestion = course_suggestion(actor, assessment)
    if not suggestion.suitable:
        reasons = " ".join(reason.text for reason in suggestion.reasons)
        raise ValidationError(f"Microneedling is not suitable for this assessment: {reasons}")
    _check_plan(knowledge, sessions_planned, interval_weeks, zone_depths_mm)
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
        zone_depths_mm={zone: float(depth) for zone, depth in zone_depths_mm.items()},
        adjuncts=sorted(set(adjuncts)),
        price_per_session=price_per_session,
        currency=actor.clinic.currency,
        suggestion=to_json(suggestion),
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


@transaction.atomic
def session_start(actor: Actor, session_id: object, answers: Mapping[str, object]) -> Screening:
    """Re-screen on a short "anything changed?" intake; treatment may start unless it blocks."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    if session.status != Session.Status.SCHEDULED:
        raise ValidationError("This session has already been started or closed.")
    screening = intake_record(actor, session.patient_id, answers, Intake.Context.PRE_SESSION)
    session.screening = screening
    session.save(update_fields=["screening"])
    audit_record(
        actor,
        "session.rescreen",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "verdict": screening.verdict},
    )
    return screening


def _check_treatable(session: Session) -> None:
    if session.screening is None:
        raise ValidationError("Re-screen the patient before charting this session.")
    session.screening.refresh_from_db()
    if session.screening.blocks_treatment():
        raise ValidationError(
            "The screening blocks treatment: acknowledge its precautions or record an override."
        )


def _check_chart(
    knowledge: Knowledge,
    session: Session,
    zones: Mapping[str, Mapping[str, Any]],
    cartridge_lot: Lot | None,
    product_lots: Sequence[Lot],
    on: datetime,
) -> None:
    errors: dict[str, str] = {}
    for zone, values in zones.items():
        limit = knowledge.zones[zone].limit_mm if zone in knowledge.zones else None
        depth = float(values.get("depth_mm") or 0)
        if limit is None:
            errors["zones"] = f"Unknown zone: {zone}."
        elif not 0 < depth <= limit:
            errors[f"zones.{zone}"] = (
                f"{knowledge.zones[zone].label}: {depth:g} mm is refused; the clinic's limit is "
                f"{limit:g} mm."
            )
        passes = values.get("passes")
        if passes is not None and not 1 <= int(passes) <= 20:
            errors[f"zones.{zone}"] = "Passes must be between 1 and 20."
    for field, lots in (("cartridge_lot", [cartridge_lot]), ("product_lots", product_lots)):
        for lot in lots:
            if lot is None:
                continue
            if lot.clinic_id != session.clinic_id:
                errors[field] = "Unknown lot."
            elif (refusal := lot_refusal(lot, on)) is not None:
                errors[field] = refusal
    if errors:
        raise ValidationError(errors)


CHART_FIELDS = (
    "anaesthetic",
    "numbing_applied_at",
    "numbing_removed_at",
    "device",
    "device_id",
    "cartridge_lot",
    "zones",
    "endpoint",
    "adjuncts",
    "immediate_reactions",
    "started_at",
    "ended_at",
)


@transaction.atomic
def session_chart_save(
    actor: Actor,
    session_id: object,
    *,
    revision: int,
    product_lots: Sequence[Lot] = (),
    **chart: Any,
) -> Session:
    """Save the chart if nobody else saved it since `revision`; refuse what is unsafe."""
    unknown = set(chart) - set(CHART_FIELDS)
    if unknown:
        raise ValidationError(f"Not chart fields: {', '.join(sorted(unknown))}.")
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.locked:
        raise ValidationError("A signed chart is locked; add an addendum instead.")
    if session.revision != revision:
        raise ChartConflict(session)
    _check_treatable(session)
    knowledge = clinic_knowledge(actor.clinic)
    zones = chart.get("zones", session.zones) or {}
    _check_chart(
        knowledge,
        session,
        zones,
        chart.get("cartridge_lot", session.cartridge_lot),
        product_lots,
        chart.get("started_at") or timezone.now(),
    )
    for name, value in chart.items():
        setattr(session, name, value)
    session.status = Session.Status.IN_PROGRESS
    session.practitioner = actor.user.staff
    session.revision += 1
    session.full_clean(exclude=["screening", "cartridge_lot", "practitioner", "signed_by"])
    session.save()
    session.product_lots.set(product_lots)
    audit_record(
        actor,
        "session.chart",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "revision": session.revision, "fields": sorted(chart)},
    )
    if session.course.status == Course.Status.PLANNED:
        Course.objects.filter(pk=session.course_id).update(status=Course.Status.ACTIVE)
    return session


REQUIRED_TO_SIGN = ("device", "zones", "endpoint", "started_at", "ended_at")


@transaction.atomic
def session_sign(actor: Actor, session_id: object, revision: int) -> Session:
    """Sign the chart as it stands at `revision`; it is locked from then on."""
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.locked:
        raise ValidationError("This chart is already signed.")
    if session.revision != revision:
        raise ChartConflict(session)
    _check_treatable(session)
    missing = [name for name in REQUIRED_TO_SIGN if not getattr(session, name)]
    if session.device and session.device != Session.Device.ROLLER and not session.cartridge_lot_id:
        missing.append("cartridge_lot")
    if missing:
        raise ValidationError(f"Complete the chart before signing: {', '.join(missing)}.")
    session.status = Session.Status.SIGNED
    session.signed_at = timezone.now()
    session.signed_by = actor.user.staff
    session.save(update_fields=["status", "signed_at", "signed_by"])
    audit_record(
        actor, "session.sign", "patient", session.patient_id, detail={"session": session.pk}
    )
    course = session.course
    if not course.sessions.exclude(
        status__in=[Session.Status.SIGNED, Session.Status.CANCELLED]
    ).exists():
        Course.objects.filter(pk=course.pk).update(status=Course.Status.COMPLETED)
    return session


@transaction.atomic
def addendum_add(actor: Actor, session_id: object, text: str) -> Addendum:
    session = session_in_scope(actor, session_id, Permission.SESSION_CHART)
    if not session.locked:
        raise ValidationError("Edit the chart itself until it is signed.")
    if not text.strip():
        raise ValidationError({"text": "Write the correction or note."})
    addendum = Addendum.objects.create(session=session, text=text.strip(), author=actor.user)
    audit_record(
        actor,
        "session.addendum",
        "patient",
        session.patient_id,
        detail={"session": session.pk, "addendum": addendum.pk},
    )
    return addendum


@transaction.atomic
def session_schedule(actor: Actor, course_id: object, scheduled_at: datetime) -> Session:
    """Add a session to a course (an extra or a rescheduled one) as its next number."""
    course = course_in_scope(actor, course_id, Permission.COURSE_PLAN)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status in (Course.Status.COMPLETED, Course.Status.STOPPED):
        raise ValidationError("This course is closed.")
    number = (course.sessions.aggregate(last=Max("number"))["last"] or 0) + 1
    if number > MAX_SESSIONS:
        raise ValidationError(f"A course has at most {MAX_SESSIONS} sessions.")
    session = Session.objects.create(
        clinic=actor.clinic,
        patient=course.patient,
        course=course,
        number=number,
        scheduled_at=scheduled_at,
    )
    Course.objects.filter(pk=course.pk).update(sessions_planned=number)
    audit_record(
        actor,
        "session.schedule",
        "patient",
        course.patient_id,
        detail={"course": course.pk, "session": session.pk},
    )
    return session
