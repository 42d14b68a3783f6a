"""The versioned REST API: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from needlepoint import __version__
from needlepoint.api import (
    adverse_events,
    aftercare,
    appointments,
    assessments,
    billing,
    checkins,
    consents,
    courses,
    lots,
    outcomes,
    patients,
    photos,
    problems,
    screenings,
    sessions,
)
from needlepoint.api.auth import AUTH, THROTTLE
from needlepoint.api.parser import TextCheckingParser


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        problems.document(schema)
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """An operation is named like its handler, which is named like the service it calls
        (`patient_create`, `course_plan`), not after the module it lives in."""
        return operation.view_func.__name__


api = Api(
    title="Needlepoint API",
    version="1",
    description=(
        "Microneedling courses for acne scars. Authenticate with the web session or a personal "
        "token (`needlepoint token create --email …`) sent as `Authorization: Bearer <token>`. "
        "Errors are problem-details JSON (RFC 9457). Each token may make "
        f"{THROTTLE.rate} requests; past that the answer is 429 with Retry-After. "
        f"Every read and write of patient data is audited. Server version {__version__}."
    ),
    auth=AUTH,
    throttle=[THROTTLE],
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=TextCheckingParser(),
)
problems.install(api)
api.add_router("", patients.router)
api.add_router("", lots.router)
api.add_router("", consents.router)
api.add_router("", screenings.router)
api.add_router("", assessments.router)
api.add_router("", courses.router)
api.add_router("", sessions.router)
api.add_router("", checkins.router)
api.add_router("", outcomes.router)
api.add_router("", adverse_events.router)
api.add_router("", aftercare.router)
api.add_router("", photos.router)
api.add_router("", billing.router)
api.add_router("", appointments.router)
