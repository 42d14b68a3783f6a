"""/fhir/R4/: the FHIR R4 REST API. `metadata` (public) says what it serves; `reads` has the
reads, searches and `$everything`, `bulk` the Bulk Data `$export`. Answers are
`application/fhir+json`, errors OperationOutcomes (`responses`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI

from needlepoint import __version__
from needlepoint.api.auth import AUTH, THROTTLE
from needlepoint.api.fhir import bulk, reads
from needlepoint.api.fhir.responses import PUBLIC, base_url, fhir_response, install
from needlepoint.fhir.capability import (
    BULK_DATA,
    BULK_EXPORT,
    EVERYTHING,
    GROUP_EXPORT,
    PATIENT_EXPORT,
    Supported,
    capability_statement,
)
from needlepoint.interop.definitions import DEFINITION_TYPES
from needlepoint.interop.search import search_params
from needlepoint.interop.sources import RECORD_TYPES

SECURITY = (
    "A personal token (`needlepoint token create --email …`) as `Authorization: Bearer "
    "<token>`, as for /api/v1: it reads the records of its holder's clinic that their role "
    "may read; $export is a clinic admin's. metadata, CodeSystem and Questionnaire need no "
    "token."
)
OPERATIONS = {
    "Patient": (("everything", EVERYTHING), ("export", PATIENT_EXPORT)),
    "Group": (("export", GROUP_EXPORT),),
}

api = NinjaAPI(
    title="Needlepoint FHIR R4",
    version="R4",
    auth=AUTH,
    throttle=[THROTTLE],
    urls_namespace="fhir-r4",
    openapi_url=None,
    docs_url=None,
)
install(api)


@api.get("/metadata", **PUBLIC)  # type: ignore[arg-type]
def capability_read(request: HttpRequest) -> HttpResponse:
    supported = [
        Supported(
            resource_type,
            search=search_params(resource_type),
            operations=OPERATIONS.get(resource_type, ()),
        )
        for resource_type in RECORD_TYPES
    ]
    supported += [Supported(resource_type) for resource_type in DEFINITION_TYPES]
    statement = capability_statement(
        version=__version__,
        date=timezone.now().date().isoformat(),
        url=base_url(request),
        supported=supported,
        operations=[("export", BULK_EXPORT)],
        instantiates=[BULK_DATA],
        security=SECURITY,
    )
    return fhir_response(statement)


# Bulk first: its `bulk/<id>` would otherwise be read as a resource type and id.
api.add_router("", bulk.router)
api.add_router("", reads.router)
