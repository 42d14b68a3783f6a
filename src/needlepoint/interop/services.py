"""The import: a folder of `<Type>.ndjson` created in a clinic in one transaction, or nothing
at all when anything is refused. An operator's run on the host (no actor), audited once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from needlepoint.clinics.models import Clinic
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import device, patient
from needlepoint.interop.imports import ImportPlan, Refusal, import_plan
from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_record
from needlepoint.safety.models import Lot


class ImportRefused(Exception):
    def __init__(self, refused: list[Refusal]) -> None:
        super().__init__(f"{len(refused)} problems")
        self.refused = refused


@dataclass(frozen=True)
class Imported:
    created: Counter[str]  # resource type -> records created
    left_out: Counter[str]  # resource type -> resources read but not imported by this release
    ids: dict[str, str]  # the folder's `Type/id` -> the new record's


def _lot(clinic: Clinic, lot: device.Lot) -> Lot:
    return Lot(
        clinic=clinic,
        kind=lot.kind,
        manufacturer=lot.manufacturer,
        product_name=lot.product_name,
        lot_number=lot.lot_number,
        expiry_date=lot.expiry_date,
        recalled_at=lot.recalled_at,
        recall_reason=lot.recall_reason,
    )


def _patient(clinic: Clinic, person: patient.Patient) -> Patient:
    return Patient(
        clinic=clinic,
        record_number=person.record_number,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.birth_date,
        sex=person.gender,
        phone=person.phone,
        email=person.email,
        address=person.address,
        fitzpatrick=person.fitzpatrick,
        preferred_language=person.language,
        archived=not person.active,
    )


def _create(plan: ImportPlan, clinic: Clinic) -> dict[str, str]:
    """Every record of the plan saved, each checked as the app checks it; the refusals of
    those it does not pass are added to the plan."""
    made: dict[str, str] = {}
    rows = [
        *((f"Device/{lot.id}", _lot(clinic, lot)) for lot in plan.lots),
        *((f"Patient/{person.id}", _patient(clinic, person)) for person in plan.patients),
    ]
    for key, row in rows:
        try:
            row.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                plan.refused.append(Refusal(key, name, " ".join(messages)))
            continue
        row.save()
        kind = key.partition("/")[0]
        made[key] = f"{kind}/{row.pk if kind == 'Patient' else ids.of('lot', row.pk)}"
    return made


def _continue_record_numbers(clinic: Clinic, patients: list[patient.Patient]) -> None:
    """Move the clinic's next record number past the imported ones in its own series, so no
    new patient is given one of theirs."""
    prefix = f"{clinic.record_prefix}-"
    numbers = [
        int(number)
        for person in patients
        if person.record_number.startswith(prefix)
        and (number := person.record_number.removeprefix(prefix)).isdigit()
    ]
    if numbers:
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        locked.next_record_number = max(locked.next_record_number, max(numbers) + 1)
        locked.save(update_fields=["next_record_number"])


@transaction.atomic
def clinic_import(clinic: Clinic, folder: Path) -> Imported:
    """Create the folder's records in `clinic`; `ImportRefused` (and nothing written) when
    any resource is refused."""
    plan = import_plan(folder, clinic)
    made = {} if plan.refused else _create(plan, clinic)
    if plan.refused:
        raise ImportRefused(plan.refused)  # which rolls back what was saved
    _continue_record_numbers(clinic, plan.patients)
    created = Counter(key.partition("/")[0] for key in made)
    audit_record(
        None,
        "clinic.fhir_import",
        "clinic",
        clinic.pk,
        clinic_id=clinic.pk,
        detail={
            "from": plan.organization.slug if plan.organization else None,
            "created": dict(created),
            "left_out": dict(plan.left_out),
        },
    )
    return Imported(created, plan.left_out, made)
