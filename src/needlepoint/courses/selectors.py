"""Reads of assessments, courses and sessions: scoped to the actor's clinic and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import record_in_scope
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.intakes.models import Screening
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read
from needlepoint.safety.models import Lot
from needlepoint.safety.selectors import lot_in_scope

M = TypeVar("M", Assessment, Course, Session)


def assessment_in_scope(actor: Actor, assessment_id: object, permission: Permission) -> Assessment:
    return record_in_scope(
        actor, Assessment.objects.select_related("patient"), assessment_id, permission
    )


def course_in_scope(actor: Actor, course_id: object, permission: Permission) -> Course:
    return record_in_scope(
        actor, Course.objects.select_related("patient", "assessment"), course_id, permission
    )


def session_in_scope(actor: Actor, session_id: object, permission: Permission) -> Session:
    queryset = Session.objects.select_related("patient", "course", "screening", "cartridge_lot")
    session = record_in_scope(actor, queryset, session_id, permission)
    # The practitioner and the signer (most often one member) with their users in one read of
    # its own: joined too, the eleven tables cost PostgreSQL more to plan than it costs to run.
    ids = {key for key in (session.practitioner_id, session.signed_by_id) if key is not None}
    staff = Staff.objects.select_related("user").in_bulk(ids) if ids else {}
    for relation in (Session.practitioner, Session.signed_by):
        key = getattr(session, relation.field.attname)
        relation.field.set_cached_value(session, staff.get(key) if key is not None else None)
    return session


def access_session(actor: Actor, session_id: object) -> Session:
    session = session_in_scope(actor, session_id, Permission.CLINICAL_READ)
    audit_read(actor, "session.read", "patient", session.patient_id, detail={"session": session.pk})
    return session


def access_course(actor: Actor, course_id: object) -> Course:
    course = course_in_scope(actor, course_id, Permission.CLINICAL_READ)
    audit_read(actor, "course.read", "patient", course.patient_id, detail={"course": course.pk})
    return course


def access_assessment(actor: Actor, assessment_id: object) -> Assessment:
    assessment = assessment_in_scope(actor, assessment_id, Permission.CLINICAL_READ)
    audit_read(
        actor,
        "assessment.read",
        "patient",
        assessment.patient_id,
        detail={"assessment": assessment.pk},
    )
    return assessment


def clinic_day(actor: Actor, day: date) -> tuple[datetime, datetime]:
    """The start and end of a calendar day in the clinic's time zone."""
    zone = ZoneInfo(actor.clinic.time_zone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def access_lot_sessions(actor: Actor, lot_id: object) -> tuple[Lot, list[Session]]:
    """Who was treated with this lot: every session that used it, as cartridge or product."""
    actor.require(Permission.CLINICAL_READ)
    lot = lot_in_scope(actor, lot_id)
    sessions = list(
        Session.objects.filter(clinic=actor.clinic)
        .filter(Q(cartridge_lot=lot) | Q(product_lots=lot))
        .select_related("patient", "practitioner__user")
        .distinct()
        .order_by("started_at", "scheduled_at")
    )
    audit_read(
        actor,
        "lot.sessions",
        "lot",
        lot.pk,
        detail={"patients": sorted({str(s.patient_id) for s in sessions})},
    )
    return lot, sessions


SUMMARY_SIZE = 10  # assessments and courses a patient's page lists, the latest first


@dataclass(frozen=True)
class ClinicalSummary:
    screening: Screening | None
    assessments: list[Assessment]
    courses: list[Course]
    more_assessments: bool = False
    more_courses: bool = False


def _latest(rows: QuerySet[M]) -> tuple[list[M], bool]:
    found = list(rows[: SUMMARY_SIZE + 1])
    return found[:SUMMARY_SIZE], len(found) > SUMMARY_SIZE


def access_clinical_summary(actor: Actor, patient_id: object) -> ClinicalSummary:
    """The latest screening, assessments and courses of a patient, for their page."""
    patient = patient_in_scope(actor, patient_id, Permission.CLINICAL_READ)
    mine = {"clinic_id": patient.clinic_id, "patient": patient}
    screening = (
        Screening.objects.filter(**mine)
        .select_related("intake", "override")
        .order_by("-intake__version")
        .first()
    )
    assessments, more_assessments = _latest(
        Assessment.objects.filter(**mine).order_by("-assessed_at", "-pk")
    )
    courses, more_courses = _latest(
        Course.objects.filter(**mine).order_by("-created_at", "-pk").prefetch_related("sessions")
    )
    summary = ClinicalSummary(screening, assessments, courses, more_assessments, more_courses)
    audit_read(actor, "clinical.summary", "patient", patient.pk)
    return summary
