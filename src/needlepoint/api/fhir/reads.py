"""/fhir/R4/ reads: Needlepoint's CodeSystems and Questionnaires (public: they hold no patient
data), and with a token the read and search of every record type and a patient's
`$everything`, through interop's audited reads."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from needlepoint.api.auth import request_actor
from needlepoint.api.fhir.responses import PUBLIC, base_url, fhir_response
from needlepoint.fhir.bundle import searchset
from needlepoint.interop.definitions import definition
from needlepoint.interop.reads import (
    access_patient_everything,
    access_resource,
    access_resource_search,
)
from needlepoint.interop.search import CURSOR, read_search
from needlepoint.interop.sources import RECORD_TYPES

router = Router()


def _record_type(resource_type: str) -> str:
    if resource_type not in RECORD_TYPES:
        raise Http404(f"This server has no resource type {resource_type!r}.")
    return resource_type


@router.get("/CodeSystem/{code_system_id}", **PUBLIC)  # type: ignore[arg-type]
def code_system_read(request: HttpRequest, code_system_id: str) -> HttpResponse:
    return fhir_response(definition("CodeSystem", code_system_id))


@router.get("/Questionnaire/{questionnaire_id}", **PUBLIC)  # type: ignore[arg-type]
def questionnaire_read(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    return fhir_response(definition("Questionnaire", questionnaire_id))


@router.get("/Patient/{patient_id}/$everything")
def patient_everything(request: HttpRequest, patient_id: str) -> HttpResponse:
    resources = access_patient_everything(request_actor(request), patient_id)
    links = {"self": request.build_absolute_uri()}
    return fhir_response(searchset(resources, base_url(request), links, total=len(resources)))


@router.get("/{resource_type}/{resource_id}")
def resource_read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    resource = access_resource(request_actor(request), _record_type(resource_type), resource_id)
    return fhir_response(resource)


@router.get("/{resource_type}")
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
    return fhir_response(searchset(page.resources, base_url(request), links))
