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
from needlepoint.accounts.throttle import Limit, throttle_hit
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.patients.models import Patient
from needlepoint.patients.selectors import patient_in_scope
from needlepoint.safety.audit import audit_record

LINK_LIFETIME = timedelta(minutes=30)
# Counted per e-mail address whether or not it is a patient's, so that the answers are the same.
LINKS_PER_ADDRESS = Limit("portal-link-address", 3, 3600)
LINKS_PER_CLIENT = Limit("portal-link-client", 10, 3600)
CODE_GUESSES_PER_ADDRESS = Limit("portal-code-address", 5, 3600)
REFUSED = "That code is not right, or it has expired. Check the e-mail, or ask for a new code."


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
def portal_link_request(email: str, base_url: str, client: str) -> None:
    """E-mail a new link if the address belongs to a patient with a portal account and
    neither the address nor the client (its IP address) asked too often this hour; say
    nothing either way (no one learns who is a patient, or that a limit was reached)."""
    address = email.strip().lower()
    over_address = throttle_hit(LINKS_PER_ADDRESS, address)
    if throttle_hit(LINKS_PER_CLIENT, client) or over_address:
        return
    patient = (
        Patient.objects.select_related("user", "clinic")
        .filter(user__email=address, user__is_active=True, archived=False)
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
    """The code's user. Guesses are limited per address, across every link it was sent;
    a wrong, used, expired or unknown address's code gets the same answer."""
    address = email.strip().lower()
    wait = throttle_hit(CODE_GUESSES_PER_ADDRESS, address)
    if wait:
        minutes = -(-wait // 60)
        raise SignInRefused(
            "Too many codes were tried for this address. "
            f"Try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
    user = _check_code(address, code)
    if user is None:
        raise SignInRefused(REFUSED)
    return user


@transaction.atomic
def _check_code(address: str, code: str) -> User | None:
    """The user of the address's open link if the code is its code; a wrong code is counted
    on the link (and kept: no exception rolls it back)."""
    link = (
        SignInLink.objects.select_for_update()
        .filter(user__email=address, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        return None
    if not hmac.compare_digest(link.code_digest, _digest(f"{link.user_id}:{code.strip()}")):
        link.failed_attempts += 1
        link.save(update_fields=["failed_attempts"])
        return None
    return _redeem(link)
