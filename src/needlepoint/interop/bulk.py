"""Bulk Data `$export` (HL7 FHIR Bulk Data Access v2): what an export request asks for, the
background job that writes its NDJSON files, and where they are. An export holds the whole
clinic, every patient's records or a Group's patients' records (`interop.groups`).

An export is a row (`BulkExport`) and a directory of its own under `BULK_EXPORT_DIR` (0700,
files 0600). The job claims a queued export, streams the clinic's resources into one
`<Type>.ndjson` per type (`write_ndjson`: memory stays flat), records its progress as it
goes and stops when the export is cancelled meanwhile; a failure is recorded, its partial
files removed."""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.records import OutOfScope
from needlepoint.clinics.roles import Permission
from needlepoint.fhir.json import Resource
from needlepoint.fhir.search import FhirSearchError
from needlepoint.interop.export import EXPORT_TYPES, clinic_resources
from needlepoint.interop.groups import group_key, group_patients
from needlepoint.interop.models import BulkExport
from needlepoint.interop.ndjson import write_ndjson
from needlepoint.interop.sources import PATIENT_TYPES
from needlepoint.safety.audit import audit_read

logger = logging.getLogger(__name__)

OUTPUT_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
UNSUPPORTED = ("_elements", "_typeFilter", "patient", "includeAssociatedData")
LEVEL_TYPES = {
    BulkExport.Level.SYSTEM: frozenset(EXPORT_TYPES),
    BulkExport.Level.PATIENT: frozenset(PATIENT_TYPES),
    BulkExport.Level.GROUP: frozenset(PATIENT_TYPES),
}
PROGRESS_EVERY = 1000  # resources written between two progress notes (and cancel checks)
KEPT_FOR = timedelta(days=7)  # a finished export's files are removed after this
GONE = {
    BulkExport.Status.CANCELLED: "This export was deleted.",
    BulkExport.Status.EXPIRED: f"This export expired: files are kept {KEPT_FOR.days} days.",
}
FILE_SUFFIX = ".ndjson"


class Cancelled(Exception):
    """The export was cancelled while its job ran."""


def read_export_request(
    level: BulkExport.Level, params: Mapping[str, Sequence[str]]
) -> tuple[list[str], datetime | None]:
    """The types (empty: every type of the level) and `_since` an export request asks for."""
    for name in UNSUPPORTED:
        if params.get(name):
            raise FhirSearchError(name, "is not supported by this server")
    for value in params.get("_outputFormat", ()):
        if value not in OUTPUT_FORMATS:
            raise FhirSearchError("_outputFormat", f"{value!r}: only NDJSON is written")
    types = sorted(
        {t.strip() for value in params.get("_type", ()) for t in value.split(",")} - {""}
    )
    unknown = [t for t in types if t not in LEVEL_TYPES[level]]
    if unknown:
        raise FhirSearchError("_type", f"this export has no type {', '.join(unknown)}")
    since = None
    if params.get("_since"):
        value = params["_since"][-1].replace(" ", "+")  # a "+" offset left unescaped in a URL
        try:
            since = datetime.fromisoformat(value)
        except ValueError:
            raise FhirSearchError("_since", f"{value!r} is not a FHIR instant") from None
        if since.tzinfo is None:
            raise FhirSearchError("_since", "needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return types, since


def export_dir(export_id: object) -> Path:
    return Path(settings.BULK_EXPORT_DIR) / str(export_id)


def remove_files(export_id: object) -> None:
    shutil.rmtree(export_dir(export_id), ignore_errors=True)


def _resources(export: BulkExport) -> Iterator[Resource]:
    level_types = LEVEL_TYPES[BulkExport.Level(export.level)]
    types = export.types or (None if export.level == BulkExport.Level.SYSTEM else level_types)
    patients = None
    if export.level == BulkExport.Level.GROUP:  # its members as the job runs
        patients = group_patients(export.clinic, group_key(export.clinic, export.group))
    return clinic_resources(export.clinic, types, export.since, patients)


def _watched(export_id: uuid.UUID, resources: Iterable[Resource]) -> Iterator[Resource]:
    """The resources, noting the count every `PROGRESS_EVERY`; stops if the export was
    cancelled meanwhile."""
    for written, resource in enumerate(resources, 1):
        yield resource
        if written % PROGRESS_EVERY == 0:
            running = BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.RUNNING)
            if not running.update(progress=written):
                raise Cancelled


def bulk_export_write(export_id: str) -> None:
    """Run a queued export: write its files, then record them (or the failure). An export
    already claimed, run or cancelled is left as it is."""
    queued = BulkExport.objects.filter(pk=export_id, status=BulkExport.Status.QUEUED)
    if not queued.update(status=BulkExport.Status.RUNNING, started_at=timezone.now()):
        return
    export = BulkExport.objects.select_related("clinic").get(pk=export_id)
    Path(settings.BULK_EXPORT_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = export_dir(export.pk)
    directory.mkdir(mode=0o700)
    running = BulkExport.objects.filter(pk=export.pk, status=BulkExport.Status.RUNNING)
    try:
        counts = write_ndjson(_watched(export.pk, _resources(export)), directory)
        for path in directory.iterdir():
            path.chmod(0o600)
    except Cancelled:
        remove_files(export.pk)
        return
    except Exception as error:
        logger.exception("bulk export %s failed", export.pk)
        remove_files(export.pk)
        running.update(
            status=BulkExport.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        return
    done = running.update(
        status=BulkExport.Status.COMPLETED,
        files=[{"type": kind, "count": count} for kind, count in counts.items()],
        progress=sum(counts.values()),
        finished_at=timezone.now(),
    )
    if not done:  # cancelled while the last file was written
        remove_files(export.pk)


def bulk_exports_expire(now: datetime) -> int:
    """Remove the files of the exports that finished more than `KEPT_FOR` before `now` (of
    every clinic); how many expired."""
    finished = (BulkExport.Status.COMPLETED, BulkExport.Status.FAILED)
    old = BulkExport.objects.filter(status__in=finished, finished_at__lt=now - KEPT_FOR)
    expired = list(old.values_list("pk", flat=True))
    for export_id in expired:
        remove_files(export_id)
    BulkExport.objects.filter(pk__in=expired).update(status=BulkExport.Status.EXPIRED, files=[])
    return len(expired)


def bulk_export_in_scope(actor: Actor, export_id: object) -> BulkExport:
    """One of the clinic's exports for a clinic admin, else 404 (also once deleted or expired)."""
    actor.require(Permission.PATIENT_DATA_RIGHTS)
    try:
        key = uuid.UUID(str(export_id))
    except ValueError:
        raise Http404("No such export.") from None
    export = BulkExport.objects.filter(clinic=actor.clinic, pk=key).first()
    if export is None:
        raise OutOfScope("export", key, object_type="bulk_export")
    if export.status in GONE:
        raise Http404(GONE[BulkExport.Status(export.status)])
    return export


def manifest(export: BulkExport, file_url: Callable[[str], str]) -> dict[str, Any]:
    """The completion manifest: each file's type, address (`file_url(name)`) and count."""
    assert export.started_at is not None
    return {
        "transactionTime": export.started_at.isoformat(),
        "request": export.request_url,
        "requiresAccessToken": True,
        "output": [
            {"type": f["type"], "url": file_url(f"{f['type']}{FILE_SUFFIX}"), "count": f["count"]}
            for f in export.files
        ],
        "error": [],
    }


def access_bulk_export_file(actor: Actor, export_id: object, name: str) -> Path:
    """One NDJSON file of a completed export of the actor's clinic; audited as a read of the
    clinic's records."""
    export = bulk_export_in_scope(actor, export_id)
    kind = name.removesuffix(FILE_SUFFIX)
    listed = {f["type"] for f in export.files}
    path = export_dir(export.pk) / name
    if export.status != BulkExport.Status.COMPLETED or kind not in listed or not path.is_file():
        raise Http404("No such file in this export.")
    detail = {"export": str(export.pk), "type": kind}
    audit_read(actor, "clinic.fhir_bulk_download", "clinic", actor.clinic.pk, detail=detail)
    return path
