"""Record ids from URLs and requests: a guessed or malformed id is a 404, never an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from needlepoint.clinics.actors import Actor
    from needlepoint.clinics.roles import Permission

M = TypeVar("M", bound=Model)

MAX_KEY = 2**63 - 1  # the largest id the databases store


class OutOfScope(Http404):
    """No such record within the actor's clinic and role: answered 404 like any unknown id,
    and recorded by the shells as a refused access (a security event for the clinic)."""

    def __init__(self, what: str, key: object, *, object_type: str = "") -> None:
        super().__init__(f"No such {what}.")
        self.object_type, self.key = object_type or what, str(key)


def record_key(value: object, what: str = "record") -> int:
    try:
        key = int(str(value))
    except ValueError:
        raise Http404(f"No such {what}.") from None
    if not 0 < key <= MAX_KEY:
        raise Http404(f"No such {what}.")
    return key


def record_in_scope(actor: Actor, queryset: QuerySet[M], pk: object, permission: Permission) -> M:
    """A row of patient data by its id, once the actor holds `permission`: of the actor's
    clinic, and for a patient their own (readers pass `actor.record_permission(...)`, so a
    patient reads their own rows and writes none they may not). Else OutOfScope."""
    from needlepoint.clinics.roles import Role

    actor.require(permission)
    queryset = queryset.filter(clinic=actor.clinic)
    if actor.role is Role.PATIENT:
        queryset = queryset.filter(patient_id=actor.patient_id)
    key = record_key(pk)
    found = queryset.filter(pk=key).first()
    if found is None:
        raise OutOfScope("record", key, object_type=queryset.model._meta.model_name or "record")
    return found
