"""A clinic's whole record as FHIR R4 resources, streamed: each source reads its rows in
chunks and the mappers turn each row into its resources, so memory stays flat as the clinic
grows. `access_clinic_resources` is the door: it checks the role and audits the run once."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission
from needlepoint.fhir.json import Resource
from needlepoint.fhir.mapping import to_resources
from needlepoint.interop.definitions import code_systems
from needlepoint.interop.forms import forms
from needlepoint.interop.sources import RECORD_TYPES, SOURCES
from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_read


def clinic_inputs(
    clinic: Clinic, since: datetime | None = None, patients: QuerySet[Any] | None = None
) -> Iterator[object]:
    """Every mapper input of the clinic: its forms, then each source's records in turn (only
    those changed at or after `since`, when given; only those of `patients`, a query of
    their keys, when given)."""
    yield from forms(clinic_knowledge(clinic))
    for source in SOURCES:
        yield from source.records(clinic, since, patients)


def clinic_resources(
    clinic: Clinic,
    types: Collection[str] | None = None,
    since: datetime | None = None,
    patients: QuerySet[Any] | None = None,
) -> Iterator[Resource]:
    """The CodeSystems, then every resource of the clinic (only `types`, when given; only
    the records changed at or after `since`, when given: the definitions always; only the
    records of `patients`, when given)."""
    wanted = (lambda resource: resource["resourceType"] in types) if types else None
    for code_system in code_systems(clinic_knowledge(clinic)):
        if wanted is None or wanted(code_system):
            yield code_system
    for record in clinic_inputs(clinic, since, patients):
        for resource in to_resources(record):
            if wanted is None or wanted(resource):
                yield resource


# Every type the export makes: the definitions, then the records'.
EXPORT_TYPES = frozenset({"CodeSystem", "Questionnaire", *RECORD_TYPES})


def _access_audit(
    actor: Actor | None, clinic: Clinic, types: Collection[str] | None, since: datetime | None
) -> None:
    audit_read(
        actor,
        "clinic.fhir_export",
        "clinic",
        clinic.pk,
        clinic_id=clinic.pk,
        detail={
            "types": sorted(types) if types else "all",
            "since": since.isoformat() if since else None,
            "patients": Patient.objects.filter(clinic=clinic).count(),
        },
    )


def access_clinic_resources(
    actor: Actor, types: Collection[str] | None = None, since: datetime | None = None
) -> Iterator[Resource]:
    """The actor's clinic as FHIR resources, for a clinic admin; one audit event per run."""
    actor.require(Permission.PATIENT_DATA_RIGHTS)
    _access_audit(actor, actor.clinic, types, since)
    return clinic_resources(actor.clinic, types, since)


def access_operator_clinic_resources(
    clinic: Clinic, types: Collection[str] | None = None, since: datetime | None = None
) -> Iterator[Resource]:
    """A clinic as FHIR resources for an operator on the host (a command: no user, no role),
    audited once in the clinic's chain like an admin's run."""
    _access_audit(None, clinic, types, since)
    return clinic_resources(clinic, types, since)
