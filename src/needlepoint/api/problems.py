"""Errors as RFC 9457 problem-details JSON: the API's handlers answer its own errors, and a
middleware turns any other error response under /api/ (an unknown URL, a method not allowed, a
server error, a refused CSRF token) into one, so every API error has the same shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from needlepoint.clinics.actors import actor_for
from needlepoint.clinics.records import OutOfScope
from needlepoint.courses.sessions import ChartConflict, ChartSigned
from needlepoint.safety.security import refusal_record
from needlepoint.scheduling.services import SlotTaken

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
}


def problem(
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extensions: Any,
) -> HttpResponse:
    """An RFC 9457 problem; `extensions` are extra members (e.g. the id of a kept draft)."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extensions)
    response = JsonResponse(body, status=status, content_type=PROBLEM_JSON)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="needlepoint"'
    return response


def document(schema: dict[str, Any]) -> None:
    """Every operation documents its errors as problem JSON: 400 (an unreadable body), 429 (a
    rate limit) and 500 everywhere; 401 and 403 when it needs a signed-in actor; 404 when its
    path names a record; 422 when it takes input; and the errors its route declares."""
    reference = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            statuses = {"400", "429", "500"}
            if operation.get("security"):
                statuses |= {"401", "403"}
            if "{" in path:
                statuses.add("404")
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add("422")
            # Ninja keys responses by int; one key per status, as the JSON will have.
            responses = {str(code): r for code, r in operation.get("responses", {}).items()}
            for status in statuses | {code for code in responses if int(code) >= 400}:
                title = TITLES.get(int(status), "Error")
                responses[status] = {"description": title, "content": reference}
            operation["responses"] = responses


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid input"
    return problem(request, 422, detail, errors)


def _django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "body", "message": message} for message in exc.messages]
    return problem(request, 422, "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)


def _refused(request: HttpRequest, refused: OutOfScope | type[OutOfScope]) -> HttpResponse:
    """A record outside the caller's scope: recorded as refused, answered like an unknown id."""
    assert isinstance(refused, OutOfScope)
    actor = actor_for(getattr(request, "auth", None))
    if actor is not None:
        refusal_record(actor, refused)
    return problem(request, 404, str(refused))


def _http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    if isinstance(exc.__cause__, ValidationError):  # the body parser's refusal, wrapped by ninja
        return _validation(request, exc.__cause__)
    return problem(request, exc.status_code, str(exc))


def _bad_request(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # A malformed multipart body, too many fields, an oversized body: Django's 400s.
    return problem(request, 400, str(exc) or "The request could not be read.")


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(DjangoValidationError, _django_validation)
    api.add_exception_handler(
        AuthenticationError,
        lambda r, e: problem(r, 401, "Sign in, or send 'Authorization: Bearer <token>'."),
    )
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, lambda r, e: problem(r, 404, str(e) or "Not found."))
    api.add_exception_handler(OutOfScope, _refused)
    api.add_exception_handler(
        PermissionDenied, lambda r, e: problem(r, 403, str(e) or "Forbidden.")
    )
    for bad_request in (BadRequest, SuspiciousOperation, MultiPartParserError):
        api.add_exception_handler(bad_request, _bad_request)
    api.add_exception_handler(ChartConflict, lambda r, e: problem(r, 409, str(e)))
    api.add_exception_handler(ChartSigned, _chart_signed)
    api.add_exception_handler(SlotTaken, lambda r, e: problem(r, 409, str(e)))


def _chart_signed(request: HttpRequest, error: ChartSigned | type[ChartSigned]) -> HttpResponse:
    assert isinstance(error, ChartSigned)
    return problem(request, 409, str(error), draft_addendum_id=error.draft.pk)


class ProblemMiddleware:
    """Any error response under /api/ that is not problem JSON yet becomes one; its body (an
    HTML page, a traceback in debug) is not passed on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and response.get("Content-Type", "").split(";")[0] != PROBLEM_JSON
        ):
            status = response.status_code
            replaced = problem(request, status, TITLES.get(status, "Error") + ".")
            for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
