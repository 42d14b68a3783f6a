"""Importing the treatment: assessments with the scores the source computed, courses planned
again by the rules engine within the target clinic's limits, and sessions charted and signed
as recorded, each checked by the chart's own rules (depths, passes, lots, times)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.courses.services import assessment_plan, check_course_plan
from needlepoint.courses.sessions import gate_chart
from needlepoint.domain import charting
from needlepoint.domain.knowledge.model.planning import COURSE_SESSIONS
from needlepoint.domain.serialization import to_json
from needlepoint.fhir.mappers import assessment, careplan, session
from needlepoint.interop.import_target import Refused, Target, keep_times
from needlepoint.patients.models import Patient
from needlepoint.safety.models import Lot

SCALES = {"goodman_baron": "rows", "ecca": "items"}  # each score's points, as the engine names them


def _scores(record: assessment.Assessment) -> dict[str, object]:
    """The scores as the source computed them (FHIR carries the totals and each row's points,
    not the counts behind them)."""
    scores: dict[str, object] = {"qualitative_grade": record.qualitative_grade}
    for name, parts in SCALES.items():
        score = getattr(record, name)
        scores[name] = (
            None
            if score is None
            else {"score": score.score, "max_score": score.max_score, parts: dict(score.rows)}
        )
    return scores


def import_assessment(target: Target, key: str, record: assessment.Assessment) -> None:
    patient = target.row(f"Patient/{record.patient_id}", Patient, "Condition.subject")
    knowledge = target.knowledge
    unknown_zones = sorted(set(record.zones) - set(knowledge.zones))
    if unknown_zones:
        raise Refused("Condition.bodySite", f"unknown zone {unknown_zones[0]}")
    unknown_types = sorted(set(record.scar_types) - set(knowledge.scar_types))
    if unknown_types:
        raise Refused("Condition.evidence.code", f"unknown scar type {unknown_types[0]}")
    if not 1 <= record.qualitative_grade <= 4:
        raise Refused("Observation.valueCodeableConcept", "a qualitative grade is 1 to 4")
    row = Assessment.objects.create(
        clinic=target.clinic,
        patient=patient,
        qualitative_grade=record.qualitative_grade,
        zones={zone: {} for zone in record.zones},
        overall=None,
        scar_types=sorted(set(record.scar_types)),
        scores=_scores(record),
        notes=record.notes,
        assessed_by=target.staff(record.performer_id, "Condition.recorder"),
    )
    keep_times(row, assessed_at=record.assessed_at)
    target.made(key, row, patient.pk)


def import_course(target: Target, key: str, record: careplan.Course) -> None:
    """A course, if the target clinic's rules engine would plan it: suitable for the
    assessment, the sessions, interval and depths within that plan's limits."""
    patient = target.row(f"Patient/{record.patient_id}", Patient, "CarePlan.subject")
    made_from = target.row(f"Condition/{record.condition_id}", Assessment, "CarePlan.addresses")
    if made_from.patient_id != patient.pk:
        raise Refused("CarePlan.addresses", "is the assessment of another patient")
    knowledge = target.knowledge
    findings = target.findings_at(patient, record.created_at)
    plan = assessment_plan(knowledge, made_from, findings)
    if not plan.suitable:
        reasons = " ".join(reason.text for reason in plan.reasons)
        raise Refused("CarePlan", f"microneedling is not suitable for this assessment: {reasons}")
    zones = {zone: {"depth_mm": depth} for zone, depth in record.depth_mm.items()}
    try:
        check_course_plan(knowledge, plan, record.sessions_planned, record.interval_weeks, zones)
    except ValidationError as error:
        messages = [m for field in error.message_dict.values() for m in field]
        raise Refused.all([("CarePlan.activity", message) for message in messages]) from None
    known = {rule.code for rule in knowledge.adjuncts}
    if set(record.adjuncts) - known:
        raise Refused("CarePlan.activity.detail.code", f"adjuncts are {', '.join(sorted(known))}")
    row = Course.objects.create(
        clinic=target.clinic,
        patient=patient,
        assessment=made_from,
        status=record.status,
        sessions_planned=record.sessions_planned,
        interval_weeks=record.interval_weeks,
        zones=zones,
        adjuncts=sorted(set(record.adjuncts)),
        price_per_session=plan.cost.per_session.min if plan.cost else Decimal(0),
        currency=target.clinic.currency,
        plan=to_json(plan),
        first_session_at=record.first_session_at,
        planned_by=target.staff(record.author_id, "CarePlan.author"),
    )
    keep_times(row, created_at=record.created_at)
    target.made(key, row, patient.pk)


def _lot(target: Target, lot_id: str, path: str) -> Lot:
    return target.row(f"Device/{lot_id}", Lot, path)


def import_session(target: Target, key: str, record: session.Session) -> None:
    patient = target.row(f"Patient/{record.patient_id}", Patient, "Appointment.participant")
    course = target.row(
        f"CarePlan/{record.course_id}", Course, "Appointment.supportingInformation[0]"
    )
    if course.patient_id != patient.pk:
        raise Refused("Procedure.subject", f"is not the patient of CarePlan/{record.course_id}")
    if not 1 <= record.number <= COURSE_SESSIONS.max:
        raise Refused(
            "Appointment.description", f"a course has sessions 1 to {COURSE_SESSIONS.max}"
        )
    if course.sessions.filter(number=record.number).exists():
        raise Refused("Appointment.description", f"a second session {record.number} of the course")
    products = [_lot(target, lot, "Procedure.usedReference") for lot in record.product_lot_ids]
    row = Session(
        clinic=target.clinic,
        patient=patient,
        course=course,
        number=record.number,
        scheduled_at=record.scheduled_at,
        status=record.status,
        practitioner=target.staff(record.practitioner_id, "Procedure.performer")
        if record.practitioner_id
        else None,
        started_at=record.started_at,
        ended_at=record.ended_at,
        device=record.device,
        cartridge_lot=_lot(target, record.cartridge_lot_id, "Procedure.focalDevice")
        if record.cartridge_lot_id
        else None,
        zones={z.zone: {"depth_mm": z.depth_mm, "passes": z.passes} for z in record.zones},
        adjuncts=list(record.adjuncts),
        anaesthetic=record.anaesthetic,
        endpoint=record.endpoint,
        immediate_reactions=record.immediate_reactions,
        numbing_applied_at=record.numbing_applied_at,
        numbing_removed_at=record.numbing_removed_at,
    )
    if record.status in (Session.Status.IN_PROGRESS, Session.Status.SIGNED):
        _check_chart(target, record.id, row, products)
    row.full_clean(exclude=["screening", "cartridge_lot", "practitioner", "signed_by"])
    row.save()
    row.product_lots.set(products)
    target.made(f"Appointment/{record.id}", row, patient.pk)
    if key.startswith("Procedure/"):
        target.made(key, row)


def _check_chart(target: Target, record_id: str, row: Session, products: list[Lot]) -> None:
    """The chart's own rules, and for a signed chart its completeness and who signed it. The
    re-screening before it is the source's record, which FHIR does not carry."""
    chart = gate_chart(row, products)
    knowledge = target.knowledge
    refusals = charting.record_refusals(chart, knowledge, target.zone, timezone.now())
    if row.status == Session.Status.SIGNED:
        refusals += charting.incomplete_refusals(chart, knowledge)
        (kind, signer), row.signed_at = target.signature(f"Procedure/{record_id}", "attester")
        if kind != "Practitioner":
            raise Refused("Provenance.agent.who", "a chart is signed by a Practitioner")
        row.signed_by = target.staff(signer, "Provenance.agent.who")
    row.revision = 1
    if refusals:
        raise Refused.all([(_element(r.field), r.message) for r in refusals])


# The chart's fields as the Procedure's elements (a zone's depth and passes are its bodySite's
# Observation).
CHART_ELEMENTS = {
    "zones": "Procedure.bodySite",
    "cartridge_lot": "Procedure.focalDevice",
    "product_lots": "Procedure.usedReference",
    "started_at": "Procedure.performedPeriod.start",
    "ended_at": "Procedure.performedPeriod.end",
    "numbing_applied_at": "MedicationAdministration.effectivePeriod.start",
    "numbing_removed_at": "MedicationAdministration.effectivePeriod.end",
}


def _element(field: str) -> str:
    """The Procedure's element for a chart field (`zones.left_cheek.depth_mm`: bodySite)."""
    return CHART_ELEMENTS.get(field.partition(".")[0], "Procedure")
