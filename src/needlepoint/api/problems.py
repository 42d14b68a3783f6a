"""Errors as RFC 9457 problem-details JSON."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from needlepoint.clinics.actors import actor_for
from needlepoint.clinics.records import OutOfScope
from needlepoint.courses.sessions import ChartConflict, ChartSigned
from needlepoint.safety.security import refusal_record

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Invalid input",
    429: "Too many requests",
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
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="needlepoint"'
    return response


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
    return problem(request, exc.status_code, str(exc))


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
    api.add_exception_handler(ChartConflict, lambda r, e: problem(r, 409, str(e)))
    api.add_exception_handler(ChartSigned, _chart_signed)


def _chart_signed(request: HttpRequest, error: ChartSigned | type[ChartSigned]) -> HttpResponse:
    assert isinstance(error, ChartSigned)
    return problem(request, 409, str(error), draft_addendum_id=error.draft.pk)
