"""Patients sign in to the portal with an e-mailed one-time link or code: no password."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from needlepoint.accounts.models import SignInLink, User
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record

LINK_LIFETIME = timedelta(minutes=30)
MAX_CODE_ATTEMPTS = 5


def _digest(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


def _send_link(patient: Patient, base_url: str) -> None:
    """Void older links, make a new one and e-mail it with its code."""
    user = patient.user
    assert user is not None
    SignInLink.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    token, code = secrets.token_urlsafe(32), f"{secrets.randbelow(10**6):06d}"
    SignInLink.objects.create(
        user=user,
        token_digest=_digest(token),
        code_digest=_digest(f"{user.pk}:{code}"),
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    clinic = patient.clinic
    link = base_url.rstrip("/") + reverse("portal-sign-in-link", args=[token])
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    send_mail(
        f"Your sign-in link for {clinic.name}",
        f"Hello {patient.given_name},\n\n"
        f"Open this link to sign in to your {clinic.name} patient portal:\n{link}\n\n"
        f"Or enter this code on the sign-in page: {code}\n\n"
        f"The link and the code work once, for {minutes} minutes. If you did not ask to sign "
        f"in, ignore this e-mail.\n\n{clinic.name}" + (f"\n{clinic.phone}" if clinic.phone else ""),
        None,
        [user.email],
    )


@transaction.atomic
def portal_invite(actor: Actor, patient_id: object, base_url: str) -> Patient:
    """Give a patient a portal account (no password) and e-mail them a sign-in link."""
    patient = patient_in_scope(actor, patient_id, Permission.PATIENT_UPDATE)
    email = patient.email.strip().lower()
    if not email:
        raise ValidationError({"email": "Add the patient's e-mail address first."})
    if patient.user is None:
        if User.objects.filter(email=email).exists():
            raise ValidationError({"email": "Another account already uses this e-mail address."})
        user = User(email=email, full_name=patient.full_name)
        user.set_unusable_password()
        user.save()
        patient.user = user
        patient.save(update_fields=["user"])
    _send_link(patient, base_url)
    audit_record(actor, "portal.invite", "patient", patient.pk)
    return patient


@transaction.atomic
def portal_link_request(email: str, base_url: str) -> None:
    """E-mail a new link if the address belongs to a patient with a portal account; say
    nothing either way (no one learns who is a patient)."""
    patient = (
        Patient.objects.select_related("user", "clinic")
        .filter(user__email=email.strip().lower(), user__is_active=True, archived=False)
        .first()
    )
    if patient is not None:
        _send_link(patient, base_url)
        audit_record(
            None, "portal.link_request", "patient", patient.pk, clinic_id=patient.clinic_id
        )


class SignInRefused(Exception):
    """The link or code is wrong, used or expired."""


def _redeem(link: SignInLink | None) -> User:
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise SignInRefused("This sign-in link or code has expired or was already used.")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    patient = Patient.objects.get(user=link.user)
    audit_record(None, "portal.sign_in", "patient", patient.pk, clinic_id=patient.clinic_id)
    return link.user


@transaction.atomic
def portal_link_redeem(token: str) -> User:
    link = SignInLink.objects.select_for_update().filter(token_digest=_digest(token)).first()
    return _redeem(link)


def portal_code_redeem(email: str, code: str) -> User:
    outcome = _check_code(email, code)
    if isinstance(outcome, str):
        raise SignInRefused(outcome)
    return outcome


@transaction.atomic
def _check_code(email: str, code: str) -> User | str:
    """The user, or why not; a wrong code is counted (and kept: no exception rolls it back)."""
    link = (
        SignInLink.objects.select_for_update()
        .filter(user__email=email.strip().lower(), used_at__isnull=True)
        .first()
    )
    if link is None or link.expires_at <= timezone.now():
        return "This sign-in code has expired or was already used. Ask for a new one."
    if not hmac.compare_digest(link.code_digest, _digest(f"{link.user_id}:{code.strip()}")):
        link.failed_attempts += 1
        if link.failed_attempts >= MAX_CODE_ATTEMPTS:
            link.used_at = timezone.now()
        link.save(update_fields=["failed_attempts", "used_at"])
        return "That code is not right. Check the e-mail, or ask for a new code."
    return _redeem(link)
