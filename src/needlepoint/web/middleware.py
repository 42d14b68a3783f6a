"""Request id for every request, signing out idle sessions, refusing NUL in page input, and
the headers that keep patient data out of caches and the browser's powerful features off."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseBase
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from needlepoint.clinics.actors import actor_for
from needlepoint.safety.request_context import new_request_id, set_request_id

Handler = Callable[[HttpRequest], HttpResponse]
View = Callable[..., HttpResponseBase]  # a view, whatever response it streams or renders
PAGE_VIEW_MODULES = ("needlepoint.web.", "django.contrib.")  # the API checks its own input
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


# Features no page uses are off for every page; the camera is on only where a view says so.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
CAMERA_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")


def uses_camera(view: View) -> View:
    """Mark a view whose page takes photos with the device's camera."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.uses_camera = True  # type: ignore[attr-defined]
        return response

    return wrapped


class PrivateResponseMiddleware:
    """Every page and API response may carry patient data: no browser or proxy stores it
    (`Cache-Control: no-store`). Static files are answered before this middleware and keep
    their caching. The Permissions-Policy turns off the features no page needs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        camera = getattr(response, "uses_camera", False)
        response["Permissions-Policy"] = CAMERA_POLICY if camera else PERMISSIONS_POLICY
        return response


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


class NulInputMiddleware:
    """A page's query string or form carrying NUL gets a 400 naming the field before any view
    reads it: no database stores or searches NUL (PostgreSQL refuses it with an error). Other
    control characters reach the forms and the model layer's text rule, which name the field
    on the form."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(view, "__module__", "").startswith(PAGE_VIEW_MODULES):
            return None
        for data in (request.GET, request.POST):
            for name, values in data.lists():
                if "\0" in name or any("\0" in value for value in values):
                    field = name.replace("\0", "")
                    return HttpResponseBadRequest(
                        f"{field}: must not contain a NUL character",
                        content_type="text/plain; charset=utf-8",
                    )
        return None
