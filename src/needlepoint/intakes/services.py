"""Recording intakes (a new version each time), screening them, and a practitioner's decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.domain import screening as rules
from needlepoint.domain.serialization import to_json
from needlepoint.intakes.models import (
    BLOCKING_VERDICTS,
    Acknowledgement,
    Intake,
    Override,
    Screening,
)
from needlepoint.intakes.selectors import screening_in_scope
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record


@transaction.atomic
def intake_record(
    actor: Actor,
    patient_id: object,
    answers: rules.Intake,
    context: str = Intake.Context.INITIAL,
) -> Screening:
    """Store the answers as the patient's next intake version and screen them today (in the
    clinic's time zone). Months since an event are kept as its date; the answers as given are
    kept beside them."""
    patient = patient_in_scope(actor, patient_id, Permission.INTAKE_RECORD)
    knowledge = clinic_knowledge(actor.clinic)
    result = rules.screen(answers, knowledge, actor.today)
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise versions
    latest = patient.intakes.aggregate(latest=Max("version"))["latest"] or 0
    intake = Intake.objects.create(
        clinic=actor.clinic,
        patient=patient,
        version=latest + 1,
        context=context,
        answers=rules.stored_answers(answers),
        answers_given=dict(answers.given),
        recorded_by=actor.user,
        recorded_by_role=actor.role.value,
    )
    screening = Screening.objects.create(
        clinic=actor.clinic,
        patient=patient,
        intake=intake,
        verdict=result.verdict.value,
        findings=to_json(result.findings),
        missing=list(result.missing),
    )
    audit_record(
        actor,
        "intake.record",
        "patient",
        patient.pk,
        detail={"intake_version": intake.version, "verdict": screening.verdict},
    )
    return screening


@transaction.atomic
def screening_acknowledge(
    actor: Actor, screening_id: int, finding_code: str, note: str
) -> Acknowledgement:
    """A practitioner accepts a precaution that needs acknowledgement, with a note."""
    screening = screening_in_scope(actor, screening_id, Permission.SCREENING_DECIDE)
    open_codes = {finding["code"] for finding in screening.unacknowledged()}
    if finding_code not in open_codes:
        raise ValidationError(
            {"finding_code": "This finding does not need (or already has) an acknowledgement."}
        )
    if not note.strip():
        raise ValidationError({"note": "Say why treatment can go ahead despite this precaution."})
    acknowledgement = Acknowledgement.objects.create(
        screening=screening,
        finding_code=finding_code,
        note=note.strip(),
        practitioner=actor.user.staff,
    )
    audit_record(
        actor,
        "screening.acknowledge",
        "patient",
        screening.patient_id,
        detail={"screening": screening.pk, "finding": finding_code},
    )
    return acknowledgement


@transaction.atomic
def screening_override(actor: Actor, screening_id: int, reason: str) -> Override:
    """A practitioner's reasoned exception to a blocking verdict (defer, not eligible,
    incomplete)."""
    screening = screening_in_scope(actor, screening_id, Permission.SCREENING_DECIDE)
    if screening.verdict not in BLOCKING_VERDICTS:
        raise ValidationError({"reason": "Only a blocking verdict can be overridden."})
    if hasattr(screening, "override"):
        raise ValidationError({"reason": "This screening has already been overridden."})
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": "Give the clinical reason for the override (at least 10 characters)."}
        )
    override = Override.objects.create(
        screening=screening, reason=reason.strip(), practitioner=actor.user.staff
    )
    audit_record(
        actor,
        "screening.override",
        "patient",
        screening.patient_id,
        detail={"screening": screening.pk, "verdict": screening.verdict},
    )
    return override
