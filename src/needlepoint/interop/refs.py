"""Ids and references shared by the readers: who a user is in FHIR terms, in this clinic."""

from __future__ import annotations

from typing import Any

from needlepoint.fhir import ids
from needlepoint.fhir.errors import FhirMappingError

CHUNK = 500  # rows read per query while streaming: memory stays flat as the clinic grows
USER_ROLES = ("staff", "patient")  # select_related() paths from a user to who they are


def staff_id(pk: object) -> str:
    return ids.of("staff", pk)


def person(user: Any, clinic_id: int) -> tuple[str, str]:
    """The Practitioner or Patient behind `user` in this clinic (with `staff` and `patient`
    selected alongside it)."""
    staff = getattr(user, "staff", None)
    if staff is not None and staff.clinic_id == clinic_id:
        return "Practitioner", staff_id(staff.pk)
    patient = getattr(user, "patient", None)
    if patient is not None and patient.clinic_id == clinic_id:
        return "Patient", str(patient.pk)
    raise FhirMappingError("agent", f"user {user.pk} is neither staff nor a patient here")


def related(user_field: str) -> list[str]:
    return [f"{user_field}__{role}" for role in USER_ROLES]
