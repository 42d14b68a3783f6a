"""Bulk Data `$export` (FHIR Bulk Data Access v2) for a clinic admin's token: the kick-off
(`$export`, `Patient/$export`, `Group/<id>/$export`) answers 202 with the status URL in
`Content-Location`; the status answers 202 with `X-Progress` while the job runs, then the
manifest; each NDJSON file downloads with the same token; DELETE cancels the export and
removes its files."""

from __future__ import annotations

import json

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router
from ninja.errors import HttpError

from needlepoint.api.auth import request_actor
from needlepoint.api.fhir.responses import outcome
from needlepoint.interop.bulk import (
    access_bulk_export_file,
    bulk_export_in_scope,
    manifest,
    read_export_request,
)
from needlepoint.interop.models import BulkExport
from needlepoint.interop.services import bulk_export_delete, bulk_export_start

router = Router()
NDJSON = "application/fhir+ndjson"
RETRY_AFTER = "5"  # seconds between polls of a running export


def _kick_off(request: HttpRequest, level: BulkExport.Level, group: str = "") -> HttpResponse:
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise HttpError(400, "An export runs in the background: send 'Prefer: respond-async'.")
    actor = request_actor(request)
    types, since = read_export_request(level, dict(request.GET.lists()))
    url = request.build_absolute_uri()
    export = bulk_export_start(actor, level, types, since, url, group)
    response = HttpResponse(status=202)
    status = reverse("fhir-r4:bulk_export_status", args=[export.pk])
    response["Content-Location"] = request.build_absolute_uri(status)
    return response


@router.get("/$export")
def bulk_export_clinic(request: HttpRequest) -> HttpResponse:
    """The whole clinic: its definitions and every record (`_type`, `_since`)."""
    return _kick_off(request, BulkExport.Level.SYSTEM)


@router.get("/Patient/$export")
def bulk_export_patients(request: HttpRequest) -> HttpResponse:
    """Every patient's records (FHIR's Patient compartment; `_type`, `_since`)."""
    return _kick_off(request, BulkExport.Level.PATIENT)


@router.get("/Group/{group_id}/$export")
def bulk_export_group(request: HttpRequest, group_id: str) -> HttpResponse:
    """The records of a Group's patients (a practitioner's; `_type`, `_since`)."""
    return _kick_off(request, BulkExport.Level.GROUP, group_id)


@router.get("/bulk/{export_id}", url_name="bulk_export_status")
def bulk_export_status(request: HttpRequest, export_id: str) -> HttpResponse:
    export = bulk_export_in_scope(request_actor(request), export_id)
    if export.status == BulkExport.Status.FAILED:
        return outcome(500, f"The export failed: {export.error}")
    if export.status != BulkExport.Status.COMPLETED:
        response = HttpResponse(status=202)
        response["X-Progress"] = (
            f"{export.progress:,} resources written"
            if export.status == BulkExport.Status.RUNNING
            else "queued"
        )
        response["Retry-After"] = RETRY_AFTER
        return response

    def file_url(name: str) -> str:
        return request.build_absolute_uri(
            reverse("fhir-r4:bulk_export_file", args=[export.pk, name])
        )

    body = json.dumps(manifest(export, file_url), separators=(",", ":"))
    return HttpResponse(body, content_type="application/json")


@router.delete("/bulk/{export_id}")
def bulk_export_cancel(request: HttpRequest, export_id: str) -> HttpResponse:
    bulk_export_delete(request_actor(request), export_id)
    return HttpResponse(status=202)


@router.get("/bulk/{export_id}/{file_name}", url_name="bulk_export_file")
def bulk_export_file(request: HttpRequest, export_id: str, file_name: str) -> FileResponse:
    path = access_bulk_export_file(request_actor(request), export_id, file_name)
    return FileResponse(path.open("rb"), content_type=NDJSON)
