"""One audit event per request for the patient data it read (`audit.one_read_event`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from needlepoint.safety.audit import one_read_event


class ReadAuditMiddleware:
    """Writes the request's reads as one event before its response leaves (a streamed
    body, a photo or an export, follows the event)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with one_read_event():
            return self.get_response(request)
