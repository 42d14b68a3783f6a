"""Writes of patient records: one transaction each, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission
from needlepoint.patients.models import RESTRICTION_FIELDS, Patient, Sex
from needlepoint.patients.selectors import (
    patient_in_scope,
)
from needlepoint.safety.audit import audit_record

EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "fitzpatrick",
    "preferred_language",
    "archived",
)


def _next_record_number(clinic: Clinic) -> str:
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    number = locked.next_record_number
    Clinic.objects.filter(pk=clinic.pk).update(next_record_number=number + 1)
    return f"{locked.record_prefix}-{number:05d}"


def _unknown(fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"not patient fields: {', '.join(unknown)}")


@transaction.atomic
def patient_create(actor: Actor, **fields: Any) -> Patient:
    actor.require(Permission.PATIENT_CREATE)
    _unknown(fields)
    patient = Patient(clinic=actor.clinic, **fields)
    patient.full_clean(exclude=["record_number"])
    patient.record_number = _next_record_number(actor.clinic)
    patient.save()
    audit_record(actor, "patient.create", "patient", patient.pk, detail={"fields": sorted(fields)})
    return patient


@transaction.atomic
def patient_update(actor: Actor, patient_id: object, **fields: Any) -> Patient:
    _unknown(fields)
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_UPDATE)
    changed = sorted(name for name, value in fields.items() if getattr(patient, name) != value)
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.full_clean()
    patient.save()
    audit_record(actor, "patient.update", "patient", patient.pk, detail={"changed": changed})
    return patient


@transaction.atomic
def patient_restrict(actor: Actor, patient_id: object, reason: str) -> Patient:
    """Restrict the record (a clinic admin): read-only and out of lists until lifted."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_DATA_RIGHTS)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the record is restricted."})
    patient.restricted_at, patient.restriction_reason = timezone.now(), reason
    patient.save(update_fields=sorted(RESTRICTION_FIELDS))
    audit_record(actor, "patient.restrict", "patient", patient.pk, detail={"reason": reason})
    return patient


@transaction.atomic
def patient_restriction_lift(actor: Actor, patient_id: object) -> Patient:
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_DATA_RIGHTS)
    patient.restricted_at, patient.restriction_reason = None, ""
    patient.save(update_fields=sorted(RESTRICTION_FIELDS))
    audit_record(actor, "patient.restriction_lift", "patient", patient.pk)
    return patient


PROSPECT_FIELDS = ("given_name", "family_name", "date_of_birth", "email", "phone")


@transaction.atomic
def prospect_register(clinic: Clinic, **fields: Any) -> Patient:
    """A new patient from the clinic's public booking page, marked a prospect until the front
    desk confirms their details. Someone the clinic already knows (the same e-mail address
    and date of birth) is not registered twice, and what a stranger typed never changes
    their record: the request is theirs, the record stays as it was."""
    unknown = sorted(set(fields) - set(PROSPECT_FIELDS))
    if unknown:
        raise ValueError(f"not prospect fields: {', '.join(unknown)}")
    email, born = fields.get("email", ""), fields.get("date_of_birth")
    if not email:
        raise ValidationError({"email": "Give an e-mail address the clinic can answer."})
    if born is None:
        raise ValidationError({"date_of_birth": "Give your date of birth."})
    known = Patient.objects.filter(
        clinic=clinic, email__iexact=email, date_of_birth=born, archived=False
    ).first()
    if known is not None:
        audit_record(None, "patient.prospect_known", "patient", known.pk, clinic_id=clinic.pk)
        return known
    patient = Patient(clinic=clinic, prospect=True, sex=Sex.UNKNOWN, **fields)
    patient.full_clean(exclude=["record_number"])
    patient.record_number = _next_record_number(clinic)
    patient.save()
    audit_record(None, "patient.prospect", "patient", patient.pk, clinic_id=clinic.pk)
    return patient


@transaction.atomic
def prospect_confirm(actor: Actor, patient_id: object) -> Patient:
    """The front desk has checked a prospect's details: they are a patient like any other."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_UPDATE)
    if patient.prospect:
        patient.prospect = False
        patient.save(update_fields=["prospect", "updated_at"])
        audit_record(actor, "patient.prospect_confirm", "patient", patient.pk)
    return patient


# Consent: templates (versioned, never edited), signatures and revocations.
