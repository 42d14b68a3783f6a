"""Reading a folder of `<Type>.ndjson` for import, and what it would create: every line parsed,
every reference resolved (inside the folder, or to a record of the target clinic), the
records mapped back with the `fhir` mappers. Nothing is written here; each problem is a
`Refusal` naming the resource, the element and the reason."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from needlepoint.accounts.models import User
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import FHIR_ID, RESOURCE_TYPE, Resource
from needlepoint.fhir.mappers import device, organization, patient, provenance
from needlepoint.fhir.mappers.organization import StaffMember
from needlepoint.fhir.mapping import from_resources
from needlepoint.interop.import_groups import CLINICAL_INPUTS, clinical_records
from needlepoint.interop.sources import sources_of
from needlepoint.patients.models import Patient

# The records whose Provenance says who signed them (the others' is made again on export).
SIGNED_TYPES = ("Consent", "Procedure")


@dataclass(frozen=True)
class Refusal:
    resource: str  # `Type/id`, or `<Type>.ndjson:<line>` before the id is known
    path: str  # the element, e.g. `Patient.birthDate`; empty for the whole resource
    reason: str

    def __str__(self) -> str:
        where = f"{self.resource}: {self.path}" if self.path else self.resource
        return f"{where}: {self.reason}"


@dataclass
class ImportPlan:
    """The records the folder holds for the target clinic, and what was refused."""

    folder: set[str] = field(default_factory=set)  # every `Type/id` the folder holds
    organization: organization.Clinic | None = None
    matched_staff: dict[str, Staff] = field(default_factory=dict)  # `Practitioner/id` -> member
    new_staff: list[StaffMember] = field(default_factory=list)
    lots: list[device.Lot] = field(default_factory=list)
    patients: list[patient.Patient] = field(default_factory=list)
    records: dict[str, object] = field(default_factory=dict)  # `Type/id` -> a clinical input
    signatures: dict[str, provenance.Record] = field(default_factory=dict)  # by target
    left_out: dict[str, Counter[str]] = field(default_factory=dict)  # reason -> types
    refused: list[Refusal] = field(default_factory=list)


def _lines(folder: Path, refused: list[Refusal]) -> Iterator[tuple[str, Resource]]:
    """Each resource of the folder with where it was read, refusing what cannot be one."""
    files = sorted(folder.glob("*.ndjson"))
    if not files:
        refused.append(Refusal(str(folder), "", "holds no <Type>.ndjson file"))
    for path in files:
        with path.open(encoding="utf-8", errors="strict") as lines:
            try:
                for number, line in enumerate(lines, 1):
                    where = f"{path.name}:{number}"
                    if not line.strip():
                        continue
                    try:
                        resource = json.loads(line)
                    except json.JSONDecodeError as error:
                        refused.append(Refusal(where, "", f"not JSON ({error.msg})"))
                        continue
                    kind = resource.get("resourceType") if isinstance(resource, dict) else None
                    if kind != path.stem or not RESOURCE_TYPE.fullmatch(path.stem):
                        refused.append(Refusal(where, "resourceType", f"must be {path.stem}"))
                        continue
                    yield where, resource
            except UnicodeDecodeError:
                refused.append(Refusal(path.name, "", "is not UTF-8 text"))


def read_folder(folder: Path) -> tuple[dict[str, Resource], list[Refusal]]:
    """The folder's resources by `Type/id`, and the lines refused."""
    resources: dict[str, Resource] = {}
    refused: list[Refusal] = []
    for where, resource in _lines(folder, refused):
        resource_id = resource.get("id")
        if not isinstance(resource_id, str) or not FHIR_ID.fullmatch(resource_id):
            refused.append(Refusal(where, f"{resource['resourceType']}.id", "must be a FHIR id"))
            continue
        key = f"{resource['resourceType']}/{resource_id}"
        if key in resources:
            refused.append(Refusal(key, "", f"appears twice (again at {where})"))
            continue
        resources[key] = resource
    return resources, refused


def _references(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every `reference` in a resource with the path of the element holding it."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield path, value["reference"]
        for name, item in value.items():
            yield from _references(item, f"{path}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _references(item, f"{path}[{index}]")


def in_clinic(reference: str, clinic: Clinic) -> bool:
    """Whether `Type/id` names a record of the clinic (as its own export names it)."""
    resource_type, _, resource_id = reference.partition("/")
    for source in sources_of(resource_type):
        key = source.key(resource_id)
        if key is not None and source.rows(clinic).filter(pk=key).exists():
            return True
    return False


def dangling_references(resources: dict[str, Resource], clinic: Clinic) -> list[Refusal]:
    """The references that resolve neither inside the folder nor to the target clinic."""
    refused = []
    for key, resource in resources.items():
        for path, reference in _references(resource, resource["resourceType"]):
            if reference not in resources and not in_clinic(reference, clinic):
                refused.append(
                    Refusal(key, path, f"{reference} is neither in the folder nor in {clinic.slug}")
                )
    return refused


def _mapped(plan: ImportPlan, key: str, kind: type, resources: list[Resource]) -> object | None:
    try:
        return from_resources(kind, resources)
    except FhirMappingError as error:
        plan.refused.append(Refusal(key, error.path, error.message))
        return None


def _fitzpatrick(resources: dict[str, Resource]) -> dict[str, str]:
    """The Fitzpatrick Observations' keys by the Patient they are about."""
    return {
        observation.get("subject", {}).get("reference", ""): key
        for key, observation in resources.items()
        if key.startswith("Observation/")
        and any(
            coding.get("code") == patient.FITZPATRICK
            for coding in observation.get("code", {}).get("coding", [])
        )
    }


def import_plan(folder: Path, clinic: Clinic) -> ImportPlan:
    """What importing `folder` into `clinic` would create, or why it is refused."""
    resources, refused = read_folder(folder)
    refused += dangling_references(resources, clinic) + other_patients(resources)
    plan = ImportPlan(set(resources), refused=refused)
    organizations = [key for key in resources if key.startswith("Organization/")]
    if len(organizations) > 1:
        plan.refused.append(
            Refusal(", ".join(organizations), "", "a folder holds the records of one clinic")
        )
    for key in organizations[:1]:
        made = _mapped(plan, key, organization.Clinic, [resources[key]])
        plan.organization = made if isinstance(made, organization.Clinic) else None
    skin_types = _fitzpatrick(resources)
    for key, resource in resources.items():
        kind = resource["resourceType"]
        if kind == "Practitioner":
            role = resources.get(f"PractitionerRole/{resource['id']}")
            member = _mapped(plan, key, StaffMember, [resource, *filter(None, [role])])
            if isinstance(member, StaffMember):
                plan.new_staff.append(member)
        elif kind == "Device":
            lot = _mapped(plan, key, device.Lot, [resource])
            if isinstance(lot, device.Lot):
                plan.lots.append(lot)
        elif kind == "Patient":
            found = [resources[skin_types[key]]] if key in skin_types else []
            person = _mapped(plan, key, patient.Patient, [resource, *found])
            if isinstance(person, patient.Patient):
                _check_patient(plan, key, person, clinic)
    _plan_clinical(plan, resources, set(skin_types.values()))
    _match_staff(plan, clinic)
    return plan


def _plan_clinical(plan: ImportPlan, resources: dict[str, Resource], taken: set[str]) -> None:
    """Each clinical record mapped back from its resources, and the signatures on them."""
    people = ("Organization", "Practitioner", "PractitionerRole", "Device", "Patient")
    taken |= {key for key, resource in resources.items() if resource["resourceType"] in people}
    found = clinical_records(resources, taken)
    for key, parts in found.records.items():
        record = _mapped(plan, key, CLINICAL_INPUTS[key.partition("/")[0]], parts)
        treated = [part for part in parts if part["resourceType"] == "Procedure"]
        if record is not None:  # a session is named by its Procedure once it has one
            plan.records[f"Procedure/{treated[0]['id']}" if treated else key] = record
    for key in found.orphans:
        reason = "a session's Procedure has the id of its Appointment, and there is none"
        plan.refused.append(Refusal(key, "Procedure.id", reason))
    for target, resource in found.provenance.items():
        if target.partition("/")[0] in SIGNED_TYPES:
            key = f"Provenance/{resource['id']}"
            signature = _mapped(plan, key, provenance.Record, [resource])
            if isinstance(signature, provenance.Record):
                plan.signatures[target] = signature
    plan.left_out = dict(found.left_out)


# Where each type names its patient (where not `subject`).
_PATIENT = defaultdict(lambda: "subject", {"Consent": "patient", "Appointment": "participant"})


def _patient_of(resource: Resource) -> str | None:
    """The Patient a resource is about (an Appointment's: its participant's)."""
    for name in ("subject", "patient", "participant"):
        for _, reference in _references(resource.get(name), name):
            if reference.startswith("Patient/"):
                return reference
    return None


def other_patients(resources: dict[str, Resource]) -> list[Refusal]:
    """Each record about a patient that refers to another patient's record (a Procedure on
    one patient's CarePlan about another)."""
    refused = []
    for key, resource in resources.items():
        patient, kind = _patient_of(resource), resource["resourceType"]
        if patient is None:
            continue
        for _, reference in _references(resource, kind):
            other = resources.get(reference)
            if other is None or other["resourceType"] == "Patient":
                continue
            if (theirs := _patient_of(other)) not in (None, patient):
                reason = f"{patient} is not the patient of {reference} ({theirs})"
                refused.append(Refusal(key, f"{kind}.{_PATIENT[kind]}", reason))
    return refused


def _match_staff(plan: ImportPlan, clinic: Clinic) -> None:
    """Each Practitioner is the target clinic's member with its licence number, else with its
    e-mail; the others are to be created, unless their e-mail is another account's."""
    members = list(Staff.objects.filter(clinic=clinic).select_related("user"))
    by_licence = {m.licence_number: m for m in members if m.licence_number}
    by_email = {m.user.email: m for m in members}
    new = []
    for member in plan.new_staff:
        email = member.email.strip().lower()
        found = by_licence.get(member.licence_number) if member.licence_number else None
        found = found or by_email.get(email)
        if found is not None:
            plan.matched_staff[f"Practitioner/{member.id}"] = found
        else:
            new.append(member)
    taken = set(
        User.objects.filter(email__in=[m.email.strip().lower() for m in new]).values_list(
            "email", flat=True
        )
    )
    for member in new:
        if member.email.strip().lower() in taken:
            reason = f"{member.email} is an account outside {clinic.slug}; match it by licence"
            key = f"Practitioner/{member.id}"
            plan.refused.append(Refusal(key, "Practitioner.telecom", reason))
    plan.new_staff = [m for m in new if m.email.strip().lower() not in taken]


def _check_patient(plan: ImportPlan, key: str, person: patient.Patient, clinic: Clinic) -> None:
    """A patient of the folder's clinic, not yet in the target clinic."""
    if plan.organization is not None and person.clinic_slug != plan.organization.slug:
        reason = f"names clinic {person.clinic_slug}, not the folder's {plan.organization.slug}"
        plan.refused.append(Refusal(key, "Patient.identifier[0].system", reason))
        return
    if Patient.objects.filter(
        clinic=clinic,
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.birth_date,
    ).exists():
        plan.refused.append(
            Refusal(key, "", f"{clinic.slug} already has a patient with this name and birth date")
        )
        return
    plan.patients.append(person)
