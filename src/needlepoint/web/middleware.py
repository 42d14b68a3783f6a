"""Request id for every request, and signing out idle sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from needlepoint.clinics.actors import actor_for
from needlepoint.safety.request_context import new_request_id, set_request_id

Handler = Callable[[HttpRequest], HttpResponse]
LAST_SEEN_KEY = "needlepoint_last_seen"
TOUCH_EVERY_SECONDS = 30  # saves a session write per request; idle limits are minutes


class RequestIdMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        set_request_id(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class IdleTimeoutMiddleware:
    """Ends a signed-in session that has not been used for IDLE_TIMEOUT_SECONDS."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                minutes = settings.IDLE_TIMEOUT_SECONDS // 60
                messages.info(
                    request, f"You were signed out after {minutes} minutes without activity."
                )
            elif now - last_seen >= TOUCH_EVERY_SECONDS or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class ClinicTimeZoneMiddleware:
    """Dates and times on pages are shown in the signed-in clinic's time zone."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for(getattr(request, "user", None))
        if actor is None:
            timezone.deactivate()
        else:
            timezone.activate(actor.zone)
        return self.get_response(request)
