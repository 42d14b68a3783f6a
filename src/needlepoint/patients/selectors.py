"""Reads of patient data: the one door. Every read is scoped to the actor's clinic and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission, Role
from needlepoint.patients.models import Patient
from needlepoint.safety.audit import audit_record

MAX_PAGE_SIZE = 100


def _visible_patients(actor: Actor) -> QuerySet[Patient]:
    patients = Patient.objects.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        patients = patients.filter(pk=actor.patient_id)
    return patients


def patient_in_scope(actor: Actor, patient_id: object, permission: Permission) -> Patient:
    """The patient if the actor holds `permission` on it, else 404; not audited (callers do)."""
    actor.require(permission)
    try:
        key = uuid.UUID(str(patient_id))
    except ValueError:
        raise Http404("No such patient.") from None
    patient = _visible_patients(actor).select_related("clinic", "user").filter(pk=key).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


def access_patient(actor: Actor, patient_id: object) -> Patient:
    """Read one patient: scoped to the actor's clinic (404 outside it) and audited."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_READ)
    audit_record(actor, "patient.read", "patient", patient.pk)
    return patient


@dataclass(frozen=True)
class PatientPage:
    patients: list[Patient]
    count: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def patient_search(
    actor: Actor,
    query: str = "",
    *,
    page: int = 1,
    page_size: int = 25,
    include_archived: bool = False,
) -> PatientPage:
    """One page of the actor's patients matching `query` (name, record number, e-mail, phone)."""
    actor.require(Permission.PATIENT_READ)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page = max(page, 1)
    patients = _visible_patients(actor)
    if not include_archived:
        patients = patients.filter(archived=False)
    for term in query.split():
        patients = patients.filter(
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(record_number__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
        )
    count = patients.count()
    rows = list(patients[(page - 1) * page_size : page * page_size])
    audit_record(
        actor,
        "patient.search",
        "patient",
        detail={"query": query, "page": page, "ids": [str(p.pk) for p in rows]},
    )
    return PatientPage(rows, count, page, page_size)
