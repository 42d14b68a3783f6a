"""Writes for clinics and staff: one transaction each, audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import OVERRIDES_KEY, clinic_knowledge
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.clinics.roles import Permission
from needlepoint.clinics.selectors import staff_member
from needlepoint.domain.errors import InvalidInput, KnowledgeError
from needlepoint.safety.audit import audit_record


def staff_enrol(
    clinic: Clinic,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None,
    profession: str = "",
    licence_number: str = "",
) -> Staff:
    """A new account and its staff membership in `clinic`, each checked as the app checks it;
    with no password the account cannot sign in until it is given one. The caller audits."""
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "An account with this e-mail address already exists."})
    user = User(email=email, full_name=full_name)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    staff = Staff(
        user=user,
        clinic=clinic,
        role=role,
        profession=profession,
        licence_number=licence_number,
    )
    staff.full_clean()
    staff.save()
    return staff


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
    staff = staff_enrol(
        actor.clinic,
        email=email,
        full_name=full_name,
        role=role,
        password=password,
        profession=profession,
        licence_number=licence_number,
    )
    detail = {"email": staff.user.email, "role": staff.role}
    audit_record(actor, "staff.create", "staff", staff.pk, detail=detail)
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


def default_record_prefix(slug: str) -> str:
    """Record numbers' prefix from the slug: the initials of its words (`city-skin` CS), or a
    one-word slug's first three characters (`northside` NOR)."""
    words = slug.split("-")
    prefix = "".join(word[0] for word in words) if len(words) > 1 else slug[:3]
    return prefix[:6].upper()


@transaction.atomic
def clinic_create(
    *,
    slug: str,
    name: str,
    time_zone: str,
    currency: str = "USD",
    record_prefix: str = "",
    **details: Any,
) -> Clinic:
    """A new clinic (tenant), made by an operator on the host (no actor): validated (slug
    format and unique, IANA time zone, ISO 4217 currency) and audited in its own chain."""
    unknown = set(details) - set(CLINIC_FIELDS)
    if unknown:
        raise ValueError(f"not clinic fields: {', '.join(sorted(unknown))}")
    clinic = Clinic(
        slug=slug,
        name=name,
        time_zone=time_zone,
        currency=currency,
        record_prefix=record_prefix or default_record_prefix(slug),
        **details,
    )
    clinic.full_clean()
    clinic.save()
    audit_record(
        None,
        "clinic.create",
        "clinic",
        clinic.pk,
        clinic_id=clinic.pk,
        detail={"slug": slug, "name": name, "time_zone": time_zone, "currency": currency},
    )
    return clinic


CLINIC_FIELDS = (
    "name",
    "time_zone",
    "currency",
    "phone",
    "email",
    "address",
    "latitude",
    "longitude",
    "alert_escalation_minutes",
    "require_two_factor",
    "record_retention_years",
)


@transaction.atomic
def clinic_settings_update(actor: Actor, *, overrides: dict[str, Any], **fields: Any) -> Clinic:
    """Change the clinic's details and its overrides of the clinical defaults (prices,
    per-zone depth limits, aftercare windows), validated by the rules engine's one merge."""
    actor.require(Permission.STAFF_MANAGE)
    unknown = set(fields) - set(CLINIC_FIELDS)
    if unknown:
        raise ValueError(f"not clinic fields: {', '.join(sorted(unknown))}")
    clinic = Clinic.objects.select_for_update().get(pk=actor.clinic.pk)
    for name, value in fields.items():
        setattr(clinic, name, value)
    clinic.settings = {**clinic.settings, OVERRIDES_KEY: overrides}
    try:
        clinic_knowledge(clinic)
    except (InvalidInput, KnowledgeError) as error:
        raise ValidationError(f"Clinic overrides: {error}") from None
    clinic.full_clean()
    clinic.save()
    audit_record(
        actor,
        "clinic.settings",
        "clinic",
        clinic.pk,
        detail={"fields": sorted(fields), "overrides": overrides},
    )
    return clinic
