"""API authentication (the web session, or a personal bearer token) and its rate limit."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from needlepoint.accounts.tokens import token_user
from needlepoint.clinics.actors import STAFF_RELATED, Actor, actor_for
from needlepoint.clinics.roles import Role
from needlepoint.clinics.two_factor import session_verified, two_factor_step


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token, related=STAFF_RELATED)
        if user is not None:
            request.user = user
        return user


class WebSession(SessionAuth):
    """The web session, once it has passed the two-factor its staff member owes (a code, or the
    enrolment their clinic requires): until then the API treats it as signed out."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        actor = actor_for(user)
        if actor is not None and two_factor_step(actor, verified=session_verified(user)):
            return None
        return user


AUTH = [BearerToken(), WebSession()]


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per bearer token (per user for the web session's calls), counted in the
    cache after authentication; past the rate, 429 with Retry-After."""

    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str:
        header = request.headers.get("Authorization", "")
        ident = header if header.lower().startswith("bearer ") else f"user:{request.user.pk}"
        digest = hashlib.sha256(ident.encode()).hexdigest()
        return str(self.cache_format % {"scope": self.scope, "ident": digest})


THROTTLE = TokenRateThrottle(settings.API_RATE_LIMIT)


def request_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]
    if actor is None:
        raise HttpError(403, "Your account has no role in a clinic.")
    return actor


def staff_actor(request: HttpRequest) -> Actor:
    """The actor of a staff-only API (the calendar's): a patient's web session is refused, as
    patients book their own sessions in the portal, under its notice and re-screening."""
    actor = request_actor(request)
    if actor.role is Role.PATIENT:
        raise HttpError(403, "Patients book their sessions in the portal.")
    return actor
