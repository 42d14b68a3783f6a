"""Bulk Data `$export` over the demo: kick-off, polling, the manifest and its NDJSON files
(valid for both validators), `_type` and `_since`, `Patient/$export`, cancelling, a failed
job, and another clinic's admin refused every path with a 404."""

from __future__ import annotations

import json
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from needlepoint.accounts.tokens import token_create
from needlepoint.clinics.models import Clinic
from needlepoint.interop import bulk
from needlepoint.interop.export import EXPORT_TYPES, clinic_resources
from needlepoint.interop.models import BulkExport
from needlepoint.interop.sources import PATIENT_TYPES
from needlepoint.notify.jobs import huey
from needlepoint.patients.models import Patient
from needlepoint.patients.services import patient_restrict
from needlepoint.safety.models import AuditEvent
from tests.api.fhir.conftest import BASE, Fhir, patients_moved_to_a_new_practitioner
from tests.factories import StaffFactory
from tests.fhir.validator import validate
from tests.interop.conftest import Demo

ASYNC = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.BULK_EXPORT_DIR = tmp_path / "exports"
    huey.immediate = True
    yield
    huey.immediate = False


@pytest.fixture
def manager(fhir: Callable[[str | None], Fhir]) -> Fhir:
    """The demo's clinic manager, who may export the clinic."""
    return fhir("admin")


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Kick an export off as a committed request would: its job runs after the commit."""

    def kick_off(client: Fhir, path: str) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(path, **ASYNC)

    return kick_off


def _status_path(response: Any) -> str:
    assert response.status_code == 202, response.content
    location = response["Content-Location"]
    assert location.startswith(f"http://testserver{BASE}/bulk/")
    return location


def _manifest(client: Fhir, status: str) -> dict[str, Any]:
    response = client.get(status)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def _lines(client: Fhir, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    text = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in text.splitlines()]


def test_the_whole_async_flow_gives_the_clinics_export_in_valid_ndjson(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any]
) -> None:
    last = AuditEvent.objects.latest("pk").pk
    status = _status_path(run_jobs(manager, "$export"))
    manifest = _manifest(manager, status)
    assert manifest["request"] == f"http://testserver{BASE}/$export"
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    assert manifest["transactionTime"]
    expected = Counter(r["resourceType"] for r in clinic_resources(demo.clinic))
    assert {o["type"]: o["count"] for o in manifest["output"]} == expected
    assert set(expected) == EXPORT_TYPES
    resources = []
    for output in manifest["output"]:
        lines = _lines(manager, output["url"])
        assert len(lines) == output["count"]
        assert {r["resourceType"] for r in lines} == {output["type"]}
        resources += lines
    assert validate(resources) == {}
    export = BulkExport.objects.get()
    directory = bulk.export_dir(export.pk)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in directory.iterdir()} == {0o600}
    actions = [e.action for e in AuditEvent.objects.filter(pk__gt=last)]
    assert actions[0] == "clinic.fhir_bulk_export"
    assert actions.count("clinic.fhir_bulk_download") == len(manifest["output"])


def test_polling_a_running_export_answers_202_with_its_progress(demo: Demo, manager: Fhir) -> None:
    status = _status_path(manager.get("$export", **ASYNC))  # its job is queued, not yet run
    waiting = manager.get(status)
    assert waiting.status_code == 202
    assert waiting["X-Progress"] == "queued"
    assert int(waiting["Retry-After"]) > 0
    export = BulkExport.objects.get()
    BulkExport.objects.filter(pk=export.pk).update(status=BulkExport.Status.RUNNING, progress=1200)
    assert manager.get(status)["X-Progress"] == "1,200 resources written"
    BulkExport.objects.filter(pk=export.pk).update(status=BulkExport.Status.QUEUED)
    bulk.bulk_export_write(str(export.pk))
    assert _manifest(manager, status)["output"]


def test_type_since_and_the_patient_level_narrow_the_export(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any]
) -> None:
    def types(path: str) -> dict[str, int]:
        manifest = _manifest(manager, _status_path(run_jobs(manager, path)))
        return {o["type"]: o["count"] for o in manifest["output"]}

    assert set(types("$export?_type=Patient,Procedure")) == {"Patient", "Procedure"}
    # Nothing changed after 2999; the definitions keep no time and are always written.
    future = "_since=2999-01-01T00:00:00%2B00:00"
    assert types(f"$export?_type=Patient,Procedure&{future}") == {}
    assert {"CodeSystem", "Questionnaire"} <= set(types(f"$export?{future}"))
    assert "Patient" not in types(f"$export?{future}")
    assert set(types("$export?_type=Patient&_since=2000-01-01T00:00:00Z")) == {"Patient"}
    patients = types("Patient/$export")
    assert set(patients) <= set(PATIENT_TYPES)
    assert {"Patient", "Procedure", "Consent"} <= set(patients)
    assert types("Patient/$export?_type=Consent") == {"Consent": patients["Consent"]}


def test_a_restricted_record_is_exported_as_the_data_rights_export_keeps_it(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any]
) -> None:
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    patient_restrict(demo.admin, maya.pk, "Contests the record.")
    manifest = _manifest(manager, _status_path(run_jobs(manager, "Patient/$export")))
    exported = {o["type"]: _lines(manager, o["url"]) for o in manifest["output"]}
    assert str(maya.pk) in {r["id"] for r in exported["Patient"]}
    assert f"Patient/{maya.pk}" in {r["subject"]["reference"] for r in exported["Procedure"]}


def test_a_group_export_holds_its_patients_records_only(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any], fhir: Callable[[str | None], Fhir]
) -> None:
    newcomer = patients_moved_to_a_new_practitioner(demo, "Maya")
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    group = f"Group/staff-{newcomer.pk}-patients"
    last = AuditEvent.objects.latest("pk").pk
    manifest = _manifest(manager, _status_path(run_jobs(manager, f"{group}/$export")))
    assert manifest["request"] == f"http://testserver{BASE}/{group}/$export"
    exported = [r for o in manifest["output"] for r in _lines(manager, o["url"])]
    assert {r["resourceType"] for r in exported} <= set(PATIENT_TYPES)
    assert {"Patient", "Procedure", "Consent", "AdverseEvent"} <= {
        r["resourceType"] for r in exported
    }
    everything = fhir("admin").read(f"Patient/{maya.pk}/$everything")
    own = {
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in everything["entry"]
        if e["resource"]["resourceType"] in PATIENT_TYPES
    }
    assert {(r["resourceType"], r["id"]) for r in exported} == own
    kick_off = AuditEvent.objects.filter(pk__gt=last, action="clinic.fhir_bulk_export").get()
    assert kick_off.detail["group"] == f"staff-{newcomer.pk}-patients"
    narrowed = _manifest(manager, _status_path(run_jobs(manager, f"{group}/$export?_type=Patient")))
    assert [(o["type"], o["count"]) for o in narrowed["output"]] == [("Patient", 1)]


def test_another_clinics_or_no_group_is_a_404_and_only_a_clinic_admin_exports_one(
    demo: Demo, manager: Fhir, fhir: Callable[[str | None], Fhir]
) -> None:
    northside = Clinic.objects.get(slug="northside").staff.get(role="practitioner")
    for group in (f"staff-{northside.pk}-patients", "staff-99999-patients", "nobody"):
        response = manager.get(f"Group/{group}/$export", **ASYNC)
        assert response.status_code == 404, group
        assert response.json()["issue"][0]["code"] == "not-found"
    own = f"Group/staff-{demo.practitioner.user.staff.pk}-patients/$export"
    assert fhir("practitioner").get(own, **ASYNC).status_code == 403
    assert not BulkExport.objects.exists()


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("$export", {}),  # no Prefer: respond-async
        ("$export?_type=Spaceship", ASYNC),
        ("Patient/$export?_type=Organization", ASYNC),
        ("$export?_since=yesterday", ASYNC),
        ("$export?_since=2026-01-01T00:00:00", ASYNC),
        ("$export?_outputFormat=text/csv", ASYNC),
        ("$export?_typeFilter=Patient%3Factive%3Dtrue", ASYNC),
    ],
)
def test_bad_kick_offs_are_refused_with_an_operation_outcome(
    demo: Demo, manager: Fhir, path: str, headers: dict[str, str]
) -> None:
    body = manager.read(path, 400, **headers)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "invalid"
    assert not BulkExport.objects.exists()


def test_only_a_clinic_admin_exports(demo: Demo, fhir: Callable[[str | None], Fhir]) -> None:
    body = fhir("practitioner").read("$export", 403, **ASYNC)
    assert body["issue"][0]["code"] == "forbidden"
    assert fhir(None).read("$export", 401, **ASYNC)["issue"][0]["code"] == "login"


def test_another_clinics_admin_gets_404_on_status_files_and_delete(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any]
) -> None:
    status = _status_path(run_jobs(manager, "$export?_type=Patient"))
    file_url = _manifest(manager, status)["output"][0]["url"]
    northside = StaffFactory(clinic=Clinic.objects.get(slug="northside"), role="clinic_admin")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(northside.user)[1]}")
    for response in (other.get(status), other.get(file_url), other.delete(status)):
        assert response.status_code == 404
        assert response.json()["issue"][0]["code"] == "not-found"
    assert _lines(manager, file_url)


def test_delete_cancels_the_export_and_removes_its_files(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    status = _status_path(run_jobs(manager, "$export?_type=Patient,Device"))
    file_url = _manifest(manager, status)["output"][0]["url"]
    export = BulkExport.objects.get()
    assert any(bulk.export_dir(export.pk).iterdir())
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.client.delete(status).status_code == 202
    assert not bulk.export_dir(export.pk).exists()
    assert manager.get(status).status_code == 404
    assert manager.get(file_url).status_code == 404
    assert BulkExport.objects.get().status == BulkExport.Status.CANCELLED


def test_a_job_cancelled_while_it_runs_stops_and_leaves_no_files(
    demo: Demo, manager: Fhir, monkeypatch: Any
) -> None:
    _status_path(manager.get("$export", **ASYNC))
    export = BulkExport.objects.get()
    monkeypatch.setattr(bulk, "PROGRESS_EVERY", 2)

    def cancelled_midway(*args: Any) -> Iterator[dict[str, Any]]:
        for n, resource in enumerate(clinic_resources(demo.clinic)):
            if n == 3:
                BulkExport.objects.filter(pk=export.pk).update(status=BulkExport.Status.CANCELLED)
            yield resource

    monkeypatch.setattr(bulk, "clinic_resources", cancelled_midway)
    bulk.bulk_export_write(str(export.pk))
    assert not bulk.export_dir(export.pk).exists()
    assert BulkExport.objects.get().status == BulkExport.Status.CANCELLED


def test_a_failed_job_answers_500_and_leaves_no_files(
    demo: Demo, manager: Fhir, monkeypatch: Any, run_jobs: Callable[..., Any]
) -> None:
    def broken(*args: Any) -> Iterator[dict[str, Any]]:
        yield {"resourceType": "Patient", "id": "p"}
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk, "clinic_resources", broken)
    status = _status_path(run_jobs(manager, "$export"))
    body = manager.read(status, 500)
    assert body["issue"][0]["severity"] == "fatal"
    assert "the disk is full" in body["issue"][0]["diagnostics"]
    assert not bulk.export_dir(BulkExport.objects.get().pk).exists()


def test_finished_exports_expire_after_a_week_and_their_files_go(
    demo: Demo, manager: Fhir, run_jobs: Callable[..., Any]
) -> None:
    old_status = _status_path(run_jobs(manager, "$export?_type=Patient"))
    _status_path(run_jobs(manager, "$export?_type=Device"))
    old, recent = BulkExport.objects.order_by("requested_at")
    now = timezone.now()
    BulkExport.objects.filter(pk=old.pk).update(finished_at=now - bulk.KEPT_FOR - timedelta(1))
    assert bulk.bulk_exports_expire(now) == 1
    assert not bulk.export_dir(old.pk).exists()
    assert bulk.export_dir(recent.pk).exists()
    gone = manager.read(old_status, 404)
    assert "expired" in gone["issue"][0]["diagnostics"]
