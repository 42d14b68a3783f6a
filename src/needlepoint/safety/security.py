"""Security events: lookups refused outside the actor's clinic or role, and failed or
locked-out sign-ins. They go to the audit trail under `security.` actions, in the chain of
the clinic concerned, so its admin lists them on the audit page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Staff
from needlepoint.clinics.records import OutOfScope
from needlepoint.safety.audit import audit_record

SECURITY_EVENTS = "security."
ACCESS_REFUSED = "security.access_refused"
SIGNIN_FAILED = "security.signin_failed"
SIGNIN_LOCKED_OUT = "security.signin_locked_out"
TWO_FACTOR_FAILED = "security.two_factor_failed"  # a wrong code, at sign-in or enrolment


def refusal_record(actor: Actor, refused: OutOfScope) -> None:
    """A record looked up outside the actor's scope (answered 404): who asked, for what."""
    audit_record(actor, ACCESS_REFUSED, refused.object_type, refused.key)


def signin_failure_record(action: str, email: str, request: HttpRequest | None) -> None:
    """A failed (or locked-out) sign-in, in the chain of the clinic the account belongs to;
    an address that is no staff member's goes to the system chain."""
    email = email[:254]
    member = Staff.objects.filter(user__email__iexact=email).first() if email else None
    client = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    audit_record(
        None,
        action,
        "user",
        member.user_id if member else "",
        detail={"email": email, "client": client},
        clinic_id=member.clinic_id if member else None,
    )


def on_signin_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **_: Any
) -> None:
    signin_failure_record(SIGNIN_FAILED, str(credentials.get("username") or ""), request)


def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **_: Any
) -> None:
    signin_failure_record(SIGNIN_LOCKED_OUT, username or "", request)
