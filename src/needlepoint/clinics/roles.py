"""Roles and what each may do: the one permission table of the app."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLINIC_ADMIN = "clinic_admin"
    PRACTITIONER = "practitioner"
    FRONT_DESK = "front_desk"
    PATIENT = "patient"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Permission(StrEnum):
    PATIENT_READ = "patient.read"
    PATIENT_CREATE = "patient.create"
    PATIENT_UPDATE = "patient.update"
    STAFF_MANAGE = "staff.manage"
    AUDIT_READ = "audit.read"


STAFF_ROLES = (Role.CLINIC_ADMIN, Role.PRACTITIONER, Role.FRONT_DESK)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLINIC_ADMIN: frozenset(Permission),
    Role.PRACTITIONER: frozenset(
        {Permission.PATIENT_READ, Permission.PATIENT_CREATE, Permission.PATIENT_UPDATE}
    ),
    Role.FRONT_DESK: frozenset(
        {Permission.PATIENT_READ, Permission.PATIENT_CREATE, Permission.PATIENT_UPDATE}
    ),
    # A patient reads only their own record; the scoping is done by the access functions.
    Role.PATIENT: frozenset({Permission.PATIENT_READ}),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]
