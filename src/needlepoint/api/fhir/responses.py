"""FHIR JSON responses, and every error under /fhir/ as an OperationOutcome: the API's
handlers answer its own errors, and a middleware turns any other error response there (an
unknown URL, a method not allowed, a server error) into one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.throttling import AnonRateThrottle

from needlepoint.api.problems import TITLES
from needlepoint.clinics.actors import actor_for
from needlepoint.clinics.records import OutOfScope
from needlepoint.fhir.json import Resource
from needlepoint.fhir.outcome import operation_outcome
from needlepoint.fhir.search import FhirSearchError
from needlepoint.safety.security import refusal_record

FHIR_JSON = "application/fhir+json"
FHIR_PREFIX = "/fhir/"
BASE_PATH = "/fhir/R4"
# Routes that need no token (they hold no patient data), rate-limited by address instead.
PUBLIC = {"auth": None, "throttle": [AnonRateThrottle(settings.API_RATE_LIMIT)]}
SIGN_IN = "Send 'Authorization: Bearer <token>' (needlepoint token create)."


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(BASE_PATH)


def fhir_response(body: Resource, status: int = 200) -> HttpResponse:
    content_type = f"{FHIR_JSON}; charset=utf-8"
    return HttpResponse(orjson.dumps(body), status=status, content_type=content_type)


def outcome(status: int, diagnostics: str, expression: str | None = None) -> HttpResponse:
    response = fhir_response(operation_outcome(status, diagnostics, expression), status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="needlepoint"'
    return response


def _refused(request: HttpRequest, refused: OutOfScope | type[OutOfScope]) -> HttpResponse:
    """A record outside the caller's scope: recorded as refused, answered like an unknown id."""
    assert isinstance(refused, OutOfScope)
    actor = actor_for(getattr(request, "auth", None))
    if actor is not None:
        refusal_record(actor, refused)
    return outcome(404, str(refused))


def _invalid(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        f"{'.'.join(str(p) for p in e.get('loc', ()) if p not in ('query', 'path'))}: {e['msg']}"
        for e in exc.errors
    ]
    return outcome(400, "; ".join(errors) or "Invalid request.")


def _http_error(request: HttpRequest, exc: HttpError | type[HttpError]) -> HttpResponse:
    assert isinstance(exc, HttpError)
    return outcome(exc.status_code, str(exc))


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _invalid)
    api.add_exception_handler(AuthenticationError, lambda r, e: outcome(401, SIGN_IN))
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, lambda r, e: outcome(404, str(e) or "Not found."))
    api.add_exception_handler(OutOfScope, _refused)
    api.add_exception_handler(PermissionDenied, lambda r, e: outcome(403, str(e) or "Forbidden."))
    api.add_exception_handler(
        FhirSearchError, lambda r, e: outcome(400, str(e), getattr(e, "parameter", None))
    )
    for bad_request in (BadRequest, SuspiciousOperation):
        api.add_exception_handler(bad_request, lambda r, e: outcome(400, str(e) or "Bad request."))


class OutcomeMiddleware:
    """Any error response under /fhir/ that is not FHIR JSON yet becomes an OperationOutcome;
    its body (an HTML page, a traceback in debug) is not passed on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(FHIR_PREFIX)
            and response.status_code >= 400
            and response.get("Content-Type", "").split(";")[0] != FHIR_JSON
        ):
            status = response.status_code
            replaced = outcome(status, TITLES.get(status, "Error") + ".")
            for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
