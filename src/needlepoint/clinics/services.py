"""Writes for clinics and staff: one transaction each, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.roles import Permission
from needlepoint.clinics.selectors import staff_member
from needlepoint.safety.audit import audit_record


@transaction.atomic
def staff_create(
    actor: Actor,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str,
    profession: str = "",
    licence_number: str = "",
) -> Staff:
    actor.require(Permission.STAFF_MANAGE)
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists."})
    user = User(email=email, full_name=full_name)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    staff = Staff(
        user=user,
        clinic=actor.clinic,
        role=role,
        profession=profession,
        licence_number=licence_number,
    )
    staff.full_clean()
    staff.save()
    audit_record(actor, "staff.create", "staff", staff.pk, detail={"email": email, "role": role})
    return staff


@transaction.atomic
def staff_update(actor: Actor, staff_id: int, *, is_active: bool, **fields: Any) -> Staff:
    """Change a member's role, profession, licence or name, or (de)activate their account."""
    actor.require(Permission.STAFF_MANAGE)
    staff = staff_member(actor, staff_id)
    if staff.user == actor.user and not is_active:
        raise ValidationError("You cannot deactivate your own account.")
    full_name = fields.pop("full_name", staff.user.full_name)
    for name, value in fields.items():
        setattr(staff, name, value)
    staff.full_clean()
    staff.save()
    staff.user.full_name, staff.user.is_active = full_name, is_active
    staff.user.save(update_fields=["full_name", "is_active"])
    audit_record(
        actor,
        "staff.update",
        "staff",
        staff.pk,
        detail={"fields": sorted(fields), "active": is_active},
    )
    return staff
