"""Who is acting: a signed-in user resolved to a role in one clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission, Role, allows

if TYPE_CHECKING:
    from needlepoint.accounts.models import User

# What `actor_for` reads of a user: joined into the query that loads the user, so resolving the
# actor costs no further query.
ACTOR_RELATED = ("staff__clinic", "patient__clinic")
# API tokens are issued to staff only: their user needs no patient joined (two joins fewer).
STAFF_RELATED = ("staff__clinic",)


@dataclass(frozen=True)
class Actor:
    user: User
    role: Role
    clinic: Clinic
    patient_id: Any = None  # set for patients: the one record they may see

    @property
    def zone(self) -> ZoneInfo:
        """The clinic's time zone: patients and staff see clinic-local times."""
        return ZoneInfo(self.clinic.time_zone)

    @property
    def today(self) -> date:
        """Today in the clinic's time zone: the day an intake is screened on."""
        return timezone.localdate(timezone=self.zone)

    def record_permission(self, staff_permission: Permission) -> Permission:
        """The right to reach a patient's record with: a patient reads their own (the scoping
        keeps them to it); staff need `staff_permission`."""
        return Permission.PATIENT_READ if self.role is Role.PATIENT else staff_permission

    def require(self, permission: Permission) -> None:
        if not allows(self.role, permission):
            raise PermissionDenied(f"Your role ({self.role.label}) may not do this.")


def actor_for(user: Any) -> Actor | None:
    """The actor behind an authenticated user, or None for users with no clinic role."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    staff = getattr(user, "staff", None)
    if staff is not None:
        return Actor(user=user, role=Role(staff.role), clinic=staff.clinic)
    patient = getattr(user, "patient", None)
    if patient is not None and not patient.archived:
        return Actor(user=user, role=Role.PATIENT, clinic=patient.clinic, patient_id=patient.pk)
    return None
