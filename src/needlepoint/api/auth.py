"""API authentication: the web session, or a personal bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from needlepoint.accounts.tokens import token_user
from needlepoint.clinics.actors import Actor, actor_for


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), django_auth]


def request_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]
    if actor is None:
        raise HttpError(403, "Your account has no role in a clinic.")
    return actor
