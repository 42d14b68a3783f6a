"""Resolving the signed-in actor for a page, with its role check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from needlepoint.clinics import two_factor
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission, Role
from needlepoint.safety.security import refusal_record

View = Callable[..., HttpResponseBase]
TWO_FACTOR_PAGES = {"verify": "two-factor-verify", "enrol": "two-factor-enrol"}


def session_verified(request: HttpRequest) -> bool:
    return two_factor.session_verified(request.user)


def client_ip(request: HttpRequest) -> str | None:
    """Where a signature or an acceptance came from, as recorded with it. REMOTE_ADDR only:
    behind a reverse proxy, the proxy must set it to the client's address."""
    return request.META.get("REMOTE_ADDR") or None


def with_actor(
    permission: Permission | None = None,
    *,
    patients: bool = False,
    before_two_factor: bool = False,
) -> Callable[[View], View]:
    """Pass the actor to the view; sign-in page for anonymous users, 403 for the wrong role.

    A record refused outside the actor's scope is recorded (after the view's transaction).
    Staff who owe two-factor (a code, or an enrolment their clinic requires) are sent to do it
    first, so no page shows them patient data before; only the enrolment page itself
    (`before_two_factor`) is open to them.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = actor_for(request.user)
            if actor is None or (actor.role is Role.PATIENT) != patients:
                raise PermissionDenied("This page is not available to your account.")
            step = two_factor.two_factor_step(actor, verified=session_verified(request))
            if step is not None and not before_two_factor:
                return redirect_to_login(request.get_full_path(), reverse(TWO_FACTOR_PAGES[step]))
            if permission is not None:
                actor.require(permission)
            try:
                return view(request, actor, *args, **kwargs)
            except OutOfScope as refused:
                refusal_record(actor, refused)
                raise

        return wrapper

    return decorate


__all__ = ["Actor", "client_ip", "session_verified", "with_actor"]
