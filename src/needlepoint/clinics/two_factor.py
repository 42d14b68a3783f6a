"""Staff two-factor authentication with django-otp: an authenticator app (a TOTP device,
active once a code from it is confirmed) and single-use recovery codes (a static device).

Every enrolment, sign-in code (right or wrong), new set of recovery codes and reset by a clinic
admin is an audit event. A wrong code is recorded in its own transaction, so the refusal that
follows does not roll the record back. django-otp throttles each device: after a wrong code the
next one is refused for a delay that doubles with each failure.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from needlepoint.accounts.models import User
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission, Role
from needlepoint.clinics.selectors import staff_member
from needlepoint.safety.audit import audit_record
from needlepoint.safety.security import TWO_FACTOR_FAILED

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

Step = Literal["verify", "enrol"]


def has_two_factor(user: User) -> bool:
    """Whether the user has an authenticator app confirmed."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def sign_in_member(user_id: int) -> User | None:
    """The active staff member a half-finished sign-in (password given, code not yet) is for."""
    return User.objects.filter(pk=user_id, is_active=True, staff__isnull=False).first()


def session_verified(user: object) -> bool:
    """Whether a request's user passed two-factor in this session (django-otp's middleware
    gives the request's user `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def two_factor_step(actor: Actor, *, verified: bool) -> Step | None:
    """What a staff session must do before it reaches patient data: enter a code when the
    member has two-factor ("verify"), set it up when their clinic requires it ("enrol")."""
    if actor.role is Role.PATIENT or verified:
        return None
    if has_two_factor(actor.user):
        return "verify"
    return "enrol" if actor.clinic.require_two_factor else None


def enrolment_device(actor: Actor) -> TOTPDevice:
    """The unconfirmed authenticator the enrolment page shows: the same one until confirmed."""
    device = TOTPDevice.objects.filter(user=actor.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor.user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _failed(actor: Actor, stage: str) -> ValidationError:
    audit_record(actor, TWO_FACTOR_FAILED, "staff", actor.user.staff.pk, detail={"stage": stage})
    return ValidationError({"code": "That code is not right, or came too soon after a wrong one."})


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrol(actor: Actor, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the enrolment device with a code from the app; returns it and the recovery
    codes, shown once (only they and the device's key are stored)."""
    if has_two_factor(actor.user):
        raise ValidationError("Two-factor is already set up; a clinic admin can reset it.")
    device = TOTPDevice.objects.filter(user=actor.user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip()):
        raise _failed(actor, "enrol")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor.user)
        audit_record(actor, "staff.two_factor_enrol", "staff", actor.user.staff.pk)
    return device, codes


def two_factor_verify(actor: Actor, code: str) -> Device:
    """The device a sign-in code belongs to: six digits are the app's, anything else is a
    recovery code (used up by this)."""
    code = code.strip().replace(" ", "").replace("-", "")
    app = TOTPDevice.objects.filter(user=actor.user, confirmed=True).first()
    if app is None:
        raise _failed(actor, "sign_in")
    device: Device | None = app
    if not (code.isdigit() and len(code) == app.digits):
        device, code = StaticDevice.objects.filter(user=actor.user).first(), code.lower()
    if device is None or not device.verify_token(code):
        raise _failed(actor, "sign_in")
    detail: dict[str, object] = {"with": "app"}
    if isinstance(device, StaticDevice):
        detail = {"with": "recovery_code", "recovery_codes_left": device.token_set.count()}
    audit_record(actor, "staff.two_factor_verify", "staff", actor.user.staff.pk, detail=detail)
    return device


@transaction.atomic
def recovery_codes_renew(actor: Actor) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    if not has_two_factor(actor.user):
        raise ValidationError("Set up two-factor first.")
    codes = _new_recovery_codes(actor.user)
    audit_record(actor, "staff.recovery_codes_renew", "staff", actor.user.staff.pk)
    return codes


@transaction.atomic
def two_factor_reset(actor: Actor, staff_id: int) -> None:
    """A clinic admin removes a member's devices (a lost phone): they enrol again at their
    next sign-in if the clinic requires two-factor, and sign in with a password until then."""
    actor.require(Permission.STAFF_MANAGE)
    member = staff_member(actor, staff_id)
    had_app = has_two_factor(member.user)
    TOTPDevice.objects.filter(user=member.user).delete()
    StaticDevice.objects.filter(user=member.user).delete()
    audit_record(
        actor,
        "staff.two_factor_reset",
        "staff",
        member.pk,
        detail={"email": member.user.email, "had_app": had_app},
    )
