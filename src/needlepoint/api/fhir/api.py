"""/fhir/R4/: the CapabilityStatement, Needlepoint's CodeSystems and Questionnaires (public:
they hold no patient data), and with a token the read and search of every record type and a
patient's `$everything`. Answers are `application/fhir+json`; errors OperationOutcomes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.throttling import AnonRateThrottle

from needlepoint import __version__
from needlepoint.api.auth import AUTH, THROTTLE, request_actor
from needlepoint.api.fhir.responses import fhir_response, install
from needlepoint.fhir.bundle import searchset
from needlepoint.fhir.capability import EVERYTHING, Supported, capability_statement
from needlepoint.interop.definitions import DEFINITION_TYPES, definition
from needlepoint.interop.reads import (
    access_patient_everything,
    access_resource,
    access_resource_search,
)
from needlepoint.interop.search import CURSOR, read_search, search_params
from needlepoint.interop.sources import RECORD_TYPES

BASE_PATH = "/fhir/R4"
SECURITY = (
    "A personal token (`needlepoint token create --email …`) as `Authorization: Bearer "
    "<token>`, as for /api/v1: it reads the records of its holder's clinic that their role "
    "may read. metadata, CodeSystem and Questionnaire need no token."
)

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
PUBLIC = {"auth": None, "throttle": [AnonRateThrottle(settings.API_RATE_LIMIT)]}


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(BASE_PATH)


def _record_type(resource_type: str) -> str:
    if resource_type not in RECORD_TYPES:
        raise Http404(f"This server has no resource type {resource_type!r}.")
    return resource_type


@api.get("/metadata", **PUBLIC)  # type: ignore[arg-type]
def capability_read(request: HttpRequest) -> HttpResponse:
    supported = [
        Supported(
            resource_type,
            search=search_params(resource_type),
            operations=(("everything", EVERYTHING),) if resource_type == "Patient" else (),
        )
        for resource_type in RECORD_TYPES
    ]
    supported += [Supported(resource_type) for resource_type in DEFINITION_TYPES]
    statement = capability_statement(
        version=__version__,
        date=timezone.now().date().isoformat(),
        url=_base(request),
        supported=supported,
        security=SECURITY,
    )
    return fhir_response(statement)


@api.get("/CodeSystem/{code_system_id}", **PUBLIC)  # type: ignore[arg-type]
def code_system_read(request: HttpRequest, code_system_id: str) -> HttpResponse:
    return fhir_response(definition("CodeSystem", code_system_id))


@api.get("/Questionnaire/{questionnaire_id}", **PUBLIC)  # type: ignore[arg-type]
def questionnaire_read(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    return fhir_response(definition("Questionnaire", questionnaire_id))


@api.get("/Patient/{patient_id}/$everything")
def patient_everything(request: HttpRequest, patient_id: str) -> HttpResponse:
    resources = access_patient_everything(request_actor(request), patient_id)
    links = {"self": request.build_absolute_uri()}
    return fhir_response(searchset(resources, _base(request), links, total=len(resources)))


@api.get("/{resource_type}/{resource_id}")
def resource_read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    resource = access_resource(request_actor(request), _record_type(resource_type), resource_id)
    return fhir_response(resource)


@api.get("/{resource_type}")
def resource_search(request: HttpRequest, resource_type: str) -> HttpResponse:
    """A page of matches; under `Prefer: handling=strict` an unknown parameter is a 400."""
    actor = request_actor(request)
    strict = "handling=strict" in request.headers.get("Prefer", "").replace(" ", "")
    params = dict(request.GET.lists())
    search = read_search(_record_type(resource_type), params, actor.zone, strict=strict)
    page = access_resource_search(actor, search)
    url = request.build_absolute_uri(request.path)
    criteria = [*search.applied, ("_count", str(search.count))]
    links = {"self": f"{url}?{urlencode(criteria)}"}
    if search.cursor is not None:
        links["self"] += f"&{urlencode({CURSOR: str(search.cursor)})}"
    if page.next is not None:
        links["next"] = f"{url}?{urlencode([*criteria, (CURSOR, str(page.next))])}"
    return fhir_response(searchset(page.resources, _base(request), links))
