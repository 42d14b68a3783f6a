"""Reads of intakes and screenings, scoped to the actor's clinic and audited."""

from __future__ import annotations

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.domain.triage import PatientContext
from needlepoint.intakes.models import Intake, Screening
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_read


def screening_in_scope(actor: Actor, screening_id: object, permission: Permission) -> Screening:
    actor.require(permission)
    screenings = Screening.objects.filter(clinic=actor.clinic).select_related("intake", "patient")
    if actor.role is Role.PATIENT:
        screenings = screenings.filter(patient_id=actor.patient_id)
    key = record_key(screening_id, "screening")
    screening = screenings.filter(pk=key).first()
    if screening is None:
        raise OutOfScope("screening", key)
    return screening


def access_screening(actor: Actor, screening_id: object) -> Screening:
    """Read one screening (clinical read), as `screening_in_scope` finds it, audited."""
    screening = screening_in_scope(actor, screening_id, Permission.CLINICAL_READ)
    audit_read(
        actor, "screening.read", "patient", screening.patient_id, detail={"screening": screening.pk}
    )
    return screening


def access_latest_intake(actor: Actor, patient_id: object) -> Intake | None:
    """The patient's newest intake (audited when there is one)."""
    patient = patient_in_scope(actor, patient_id, Permission.INTAKE_RECORD)
    intake = Intake.objects.filter(patient=patient).order_by("-version").first()
    if intake is not None:
        audit_read(actor, "intake.read", "patient", patient.pk, detail={"version": intake.version})
    return intake


def access_latest_answers(actor: Actor, patient_id: object) -> dict[str, object]:
    """The newest intake's answers as screened, to prefill the next one ("anything
    changed?"): a months_ago answer is its date, so the next screening counts on from it."""
    intake = access_latest_intake(actor, patient_id)
    return dict(intake.answers) if intake else {}


def patient_context(patient: Patient) -> PatientContext:
    """What triage and the warning signs weigh from a patient's record, already read through
    its door: the Fitzpatrick type and the findings of the latest screening."""
    screening = Screening.objects.filter(patient=patient).order_by("-intake__version").first()
    findings = screening.findings if screening is not None else []
    return PatientContext(
        fitzpatrick=patient.fitzpatrick,
        findings=frozenset(str(finding["code"]) for finding in findings),
    )


def latest_findings(
    actor: Actor, patient_id: object, permission: Permission = Permission.CLINICAL_READ
) -> frozenset[str]:
    """The finding codes of the patient's latest screening (none before any), e.g.
    `anticoagulation` or `herpes_history`, for the rules that plan or triage around them.
    Scoped to the actor's clinic; not audited: the decision that uses them is."""
    return patient_context(patient_in_scope(actor, patient_id, permission)).findings
