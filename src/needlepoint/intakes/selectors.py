"""Reads of intakes and screenings, scoped to the actor's clinic and audited."""

from __future__ import annotations

from django.http import Http404

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import record_key
from needlepoint.clinics.roles import Permission, Role
from needlepoint.intakes.models import Intake, Screening
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record


def screening_in_scope(actor: Actor, screening_id: object, permission: Permission) -> Screening:
    actor.require(permission)
    screenings = Screening.objects.filter(clinic=actor.clinic).select_related("intake", "patient")
    if actor.role is Role.PATIENT:
        screenings = screenings.filter(patient_id=actor.patient_id)
    screening = screenings.filter(pk=record_key(screening_id, "screening")).first()
    if screening is None:
        raise Http404("No such screening.")
    return screening


def latest_answers(actor: Actor, patient_id: object) -> dict[str, object]:
    """The newest intake's answers, to prefill the next one ("anything changed?")."""
    patient = patient_in_scope(actor, patient_id, Permission.INTAKE_RECORD)
    intake = Intake.objects.filter(patient=patient).order_by("-version").first()
    if intake is not None:
        audit_record(
            actor, "intake.read", "patient", patient.pk, detail={"version": intake.version}
        )
    return dict(intake.answers) if intake else {}
