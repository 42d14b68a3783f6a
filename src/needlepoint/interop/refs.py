"""Ids and references shared by the readers: who a user is in FHIR terms, in this clinic."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Case, F, Model, QuerySet, When

from needlepoint.fhir import ids
from needlepoint.fhir.errors import FhirMappingError

CHUNK = 500  # rows read per query while streaming: memory stays flat as the clinic grows
USER_ROLES = ("staff", "patient")  # the relations from a user to who they are

M = TypeVar("M", bound=Model)


def staff_id(pk: object) -> str:
    return ids.of("staff", pk)


def with_person(rows: QuerySet[M], user_field: str, clinic_id: int) -> QuerySet[M]:
    """`rows` with the key of who each row's `user_field` is in the clinic, as
    `<user_field>_staff` and `<user_field>_patient` (None when not that): two keys in the
    row, not the user's, staff's and patient's rows."""

    def key(role: str) -> Case:
        here = When(
            **{f"{user_field}__{role}__clinic_id": clinic_id}, then=F(f"{user_field}__{role}__id")
        )
        return Case(here)

    annotated: QuerySet[M] = rows.annotate(
        **{f"{user_field}_{role}": key(role) for role in USER_ROLES}
    )
    return annotated


def person(row: Any, user_field: str) -> tuple[str, str]:
    """The Practitioner or Patient behind the row's `user_field` (read `with_person`)."""
    staff = getattr(row, f"{user_field}_staff")
    if staff is not None:
        return "Practitioner", staff_id(staff)
    patient = getattr(row, f"{user_field}_patient")
    if patient is not None:
        return "Patient", str(patient)
    user = getattr(row, f"{user_field}_id")
    raise FhirMappingError("agent", f"user {user} is neither staff nor a patient here")
