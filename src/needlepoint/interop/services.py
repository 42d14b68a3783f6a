"""interop's writes, each audited in the clinic's trail.

The import: a folder of `<Type>.ndjson` created in a clinic in one transaction, or nothing
at all when anything is refused; an operator's run on the host (no actor), audited once for the
run and once per patient.

Bulk Data exports asked for and deleted: the request is the clinic's records leaving, so one
event names what was asked for; the job then runs on the queue after the request's
transaction commits, never in the request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission
from needlepoint.clinics.services import staff_enrol
from needlepoint.fhir import ids
from needlepoint.fhir.mappers import device, patient
from needlepoint.fhir.mappers.organization import StaffMember
from needlepoint.interop.bulk import bulk_export_in_scope, remove_files
from needlepoint.interop.clinical_import import import_clinical
from needlepoint.interop.groups import group_key
from needlepoint.interop.import_target import Target
from needlepoint.interop.imports import ImportPlan, Refusal, import_plan
from needlepoint.interop.jobs import bulk_export_job
from needlepoint.interop.models import BulkExport
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
    matched_staff: dict[str, str]  # the folder's `Practitioner/id` -> the clinic's member
    new_staff: list[str]  # the e-mail addresses of the members created
    left_out: dict[str, Counter[str]]  # why -> resource type -> resources read, not imported
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


def _staff(target: Target, plan: ImportPlan) -> None:
    """The folder's Practitioners as the clinic's members: those matched, and those created
    with an account that cannot sign in until it is given a password (ADR 29)."""
    for key, member in plan.matched_staff.items():
        target.rows[key], target.ids[key] = member, f"Practitioner/{ids.of('staff', member.pk)}"
    target.each([(f"Practitioner/{m.id}", m) for m in plan.new_staff], _enrolled)


def _enrolled(target: Target, key: str, member: StaffMember) -> None:
    staff = staff_enrol(
        target.clinic,
        email=member.email,
        full_name=member.name,
        role=member.role,
        password=None,
        profession=member.profession,
        licence_number=member.licence_number,
    )
    target.made(key, staff)


def _saved(target: Target, key: str, row: Lot | Patient) -> None:
    row.full_clean()
    row.save()
    target.made(key, row, row.pk if isinstance(row, Patient) else None)


def _create(plan: ImportPlan, target: Target) -> None:
    """Every record of the plan saved, each checked as the app checks it; the refusals of
    those it does not pass are gathered in the target."""
    clinic = target.clinic
    _staff(target, plan)
    rows: list[tuple[str, Lot | Patient]] = [
        *((f"Device/{lot.id}", _lot(clinic, lot)) for lot in plan.lots),
        *((f"Patient/{person.id}", _patient(clinic, person)) for person in plan.patients),
    ]
    target.each(rows, _saved)
    import_clinical(target, plan.records)


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
    if plan.refused:
        raise ImportRefused(plan.refused)
    target = Target(clinic, plan.folder, plan.signatures)
    _create(plan, target)
    if target.refused:
        raise ImportRefused(target.refused)  # which rolls back what was saved
    _continue_record_numbers(clinic, plan.patients)
    matched = {key: target.ids[key] for key in plan.matched_staff}
    created = Counter(key.partition("/")[0] for key in target.ids if key not in matched)
    source = plan.organization.slug if plan.organization else None
    for patient_id, records in target.by_patient.items():
        detail = {"from": source, "created": dict(records)}
        audit_record(
            None, "patient.fhir_import", "patient", patient_id, clinic_id=clinic.pk, detail=detail
        )
    audit_record(
        None,
        "clinic.fhir_import",
        "clinic",
        clinic.pk,
        clinic_id=clinic.pk,
        detail={
            "from": source,
            "created": dict(created),
            "staff_matched": len(matched),
            "left_out": {reason: dict(counts) for reason, counts in plan.left_out.items()},
        },
    )
    new_staff = [member.email for member in plan.new_staff]
    return Imported(created, matched, new_staff, plan.left_out, dict(target.ids))


def bulk_export_start(
    actor: Actor,
    level: BulkExport.Level,
    types: Sequence[str],
    since: datetime | None,
    request_url: str,
    group: str = "",
) -> BulkExport:
    """Queue an export of the actor's clinic (a clinic admin's, as the whole export is); at
    the group level, of Group `group` of the clinic (404 when it has none by that id)."""
    actor.require(Permission.PATIENT_DATA_RIGHTS)
    if level == BulkExport.Level.GROUP and group_key(actor.clinic, group) is None:
        raise OutOfScope("Group", group, object_type="Group")
    with transaction.atomic():
        export = BulkExport.objects.create(
            clinic=actor.clinic,
            requested_by=actor.user,
            level=level,
            group=group,
            types=list(types),
            since=since,
            request_url=request_url,
        )
        detail = {
            "export": str(export.pk),
            "level": level.value,
            **({"group": group} if group else {}),
            "types": list(types) or "all",
            "since": since.isoformat() if since else None,
        }
        audit_record(actor, "clinic.fhir_bulk_export", "clinic", actor.clinic.pk, detail=detail)
        transaction.on_commit(lambda: bulk_export_job(str(export.pk)))
    return export


def bulk_export_delete(actor: Actor, export_id: object) -> None:
    """Cancel an export (a running job stops at its next progress note) and remove its files."""
    export = bulk_export_in_scope(actor, export_id)
    with transaction.atomic():
        BulkExport.objects.filter(pk=export.pk).update(
            status=BulkExport.Status.CANCELLED, files=[], finished_at=timezone.now()
        )
        detail = {"export": str(export.pk)}
        audit_record(
            actor, "clinic.fhir_bulk_export_delete", "clinic", actor.clinic.pk, detail=detail
        )
        transaction.on_commit(lambda: remove_files(export.pk))
