"""`needlepoint fhir export`: one valid NDJSON file per type holding what the export streams,
counts, `--type`, one audit event per run, and bad input refused in one line with nothing
written."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from django.utils import timezone

from needlepoint.cli.main import cli
from needlepoint.interop.export import EXPORT_TYPES, clinic_resources
from needlepoint.patients.models import Patient
from needlepoint.patients.services import patient_update
from needlepoint.safety.models import AuditEvent
from tests.interop.conftest import Demo


def _export(*args: str) -> Result:
    return CliRunner().invoke(cli, ["fhir", "export", *args])


def _read(out: Path) -> dict[str, list[dict[str, Any]]]:
    files: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(out.iterdir()):
        assert path.suffix == ".ndjson"
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n")
        files[path.stem] = [json.loads(line) for line in text.splitlines()]
    return files


def _by_type(resources: Any) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for resource in json.loads(json.dumps(list(resources))):
        grouped[resource["resourceType"]].append(resource)
    return dict(grouped)


def test_writes_every_resource_once_in_its_types_file_and_audits_once(
    demo: Demo, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    result = _export("--clinic", "demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    files = _read(out)
    assert files == _by_type(clinic_resources(demo.clinic))
    assert set(files) == EXPORT_TYPES
    total = sum(len(resources) for resources in files.values())
    assert f"Demo Clinic: {total:,} resources in {len(EXPORT_TYPES)} files" in result.output
    assert re.search(rf"Patient.ndjson +{len(files['Patient'])}\n", result.output)
    event = AuditEvent.objects.get(action="clinic.fhir_export")
    assert (event.clinic_id, event.actor_user_id) == (demo.clinic.pk, None)
    assert event.detail["types"] == "all"


def test_type_keeps_only_those_types(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _export("--clinic", "demo", "--out", str(out), "--type", "Patient, Procedure")
    assert result.exit_code == 0, result.output
    assert set(_read(out)) == {"Patient", "Procedure"}
    assert AuditEvent.objects.get(action="clinic.fhir_export").detail["types"] == [
        "Patient",
        "Procedure",
    ]


def test_since_keeps_the_records_changed_from_then_and_the_clinics_own(
    demo: Demo, tmp_path: Path
) -> None:
    mark = timezone.now()
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    patient_update(demo.admin, maya.pk, phone="+1 212 555 0199")
    out = tmp_path / "since"
    result = _export("--clinic", "demo", "--out", str(out), "--since", mark.isoformat())
    assert result.exit_code == 0, result.output
    files = _read(out)
    assert [patient["id"] for patient in files["Patient"]] == [str(maya.pk)]
    assert {"Organization", "Practitioner", "PractitionerRole", "CodeSystem"} <= set(files)
    assert not {"Condition", "CarePlan", "Appointment", "Consent", "AdverseEvent"} & set(files)
    event = AuditEvent.objects.get(action="clinic.fhir_export")
    assert event.detail["since"] == mark.isoformat()
    everything = tmp_path / "everything"
    _export("--clinic", "demo", "--out", str(everything), "--since", "2000-01-01T00:00:00Z")
    assert _read(everything) == _by_type(clinic_resources(demo.clinic))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinic", "nowhere"], "--clinic: no clinic with slug 'nowhere'"),
        (["--type", "Patient,Encounter"], "--type: not an exported resource type: Encounter"),
        (["--out", "occupied"], "is not empty; choose a new or empty directory"),
        (["--out", "occupied/file.txt"], "is not a directory"),
        (["--since", "yesterday"], "--since: must be an ISO 8601 date-time"),
        (["--since", "2026-11-01T00:00:00"], "--since: must include a UTC offset"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("occupied").mkdir()
    Path("occupied/file.txt").write_text("mine")
    given = {"--clinic": "demo", "--out": "new", **dict(zip(args[::2], args[1::2], strict=True))}
    result = _export(*[part for pair in given.items() for part in pair])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0, result.output
    assert message in result.output
    assert not Path("new").exists()
    assert [p.name for p in Path("occupied").iterdir()] == ["file.txt"]
    assert not AuditEvent.objects.filter(action="clinic.fhir_export").exists()
