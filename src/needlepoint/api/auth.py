"""API authentication: the web session, or a personal bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from needlepoint.accounts.tokens import token_user
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.two_factor import session_verified, two_factor_step


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
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


def request_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]
    if actor is None:
        raise HttpError(403, "Your account has no role in a clinic.")
    return actor
