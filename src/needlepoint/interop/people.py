"""The clinic, its staff and lots, its patients and their consents, as mapper inputs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet

from needlepoint.clinics.models import Clinic, Staff
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import consent, device, organization, patient, provenance
from needlepoint.interop.refs import person, staff_id, with_person
from needlepoint.patients.models import Consent, Patient
from needlepoint.safety.models import Lot


def clinic_id(clinic: Clinic) -> str:
    return ids.of("clinic", clinic.pk)


def clinic_rows(clinic: Clinic) -> QuerySet[Clinic]:
    return Clinic.objects.filter(pk=clinic.pk)


def clinic_inputs(record: Clinic, clinic: Clinic) -> Iterator[object]:
    yield organization.Clinic(
        id=clinic_id(record),
        slug=record.slug,
        name=record.name,
        phone=record.phone,
        email=record.email,
        address=record.address,
    )


def staff_rows(clinic: Clinic) -> QuerySet[Staff]:
    return Staff.objects.filter(clinic=clinic).select_related("user")


def staff_inputs(staff: Staff, clinic: Clinic) -> Iterator[object]:
    yield organization.StaffMember(
        id=staff_id(staff.pk),
        organization_id=clinic_id(clinic),
        name=staff.user.full_name,
        email=staff.user.email,
        role=staff.role,
        role_label=staff.get_role_display(),
        profession=staff.profession,
        licence_number=staff.licence_number,
    )


def lot_rows(clinic: Clinic) -> QuerySet[Lot]:
    return Lot.objects.filter(clinic=clinic)


def lot_inputs(lot: Lot, clinic: Clinic) -> Iterator[object]:
    yield device.Lot(
        id=ids.of("lot", lot.pk),
        organization_id=clinic_id(clinic),
        kind=lot.kind,
        manufacturer=lot.manufacturer,
        product_name=lot.product_name,
        lot_number=lot.lot_number,
        expiry_date=lot.expiry_date,
        recalled_at=lot.recalled_at,
        recall_reason=lot.recall_reason,
    )


def patient_rows(clinic: Clinic) -> QuerySet[Patient]:
    return Patient.objects.filter(clinic=clinic)


def patient_inputs(record: Patient, clinic: Clinic) -> Iterator[object]:
    yield patient.Patient(
        id=str(record.pk),
        organization_id=clinic_id(clinic),
        clinic_slug=clinic.slug,
        record_number=record.record_number,
        given_name=record.given_name,
        family_name=record.family_name,
        birth_date=record.date_of_birth,
        gender=record.sex,
        language=record.preferred_language,
        active=not record.archived,
        phone=record.phone,
        email=record.email,
        address=record.address,
        fitzpatrick=record.fitzpatrick,
    )


def consent_rows(clinic: Clinic) -> QuerySet[Consent]:
    # Not the drawn signature nor the form's text: the Consent names the form's version.
    rows = Consent.objects.filter(clinic=clinic).select_related("template")
    rows = rows.defer("signature_drawing", "template__body").prefetch_related("revocations")
    return with_person(rows, "recorded_by", clinic.pk)


def consent_inputs(record: Consent, clinic: Clinic) -> Iterator[object]:
    withdrawn: dict[str, datetime] = {}
    for revocation in record.revocations.all():
        for use in revocation.uses:
            withdrawn.setdefault(use, revocation.revoked_at)
    consent_id = str(record.pk)
    yield consent.Consent(
        id=consent_id,
        patient_id=str(record.patient_id),
        organization_id=clinic_id(clinic),
        kind=record.template.kind,
        template=f"{record.template.kind}-v{record.template.version}",
        signed_at=record.signed_at,
        signed_name=record.signed_name,
        photo_uses=tuple(record.photo_uses),
        withdrawals=tuple(
            consent.Withdrawal(use, withdrawn[use]) for use in record.photo_uses if use in withdrawn
        ),
        revoked_at=record.revoked_at,
    )
    yield provenance.Record(
        id=ids.part(consent_id, "provenance"),
        targets=(("Consent", consent_id),),
        recorded=record.signed_at,
        agents=(provenance.Agent("enterer", person(record, "recorded_by")),),
    )
