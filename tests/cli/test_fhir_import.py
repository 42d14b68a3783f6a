"""`needlepoint fhir import`: the demo's export imported into a new clinic exports again with
the same content; a folder with anything wrong (a line that is not JSON, a reference to
nothing, a record of another clinic, a patient already there) is refused with the resource,
the element and the reason, and nothing is written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from needlepoint.accounts.models import User
from needlepoint.cli.main import cli
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.patients.models import Patient
from needlepoint.patients.services import patient_create
from needlepoint.safety.models import AuditEvent, Lot
from tests.conftest import as_actor
from tests.factories import StaffFactory
from tests.interop.conftest import Demo

IMPORTED = ("Device", "Patient", "Observation")


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["fhir", *args])


def _export(slug: str, out: Path) -> dict[str, list[dict[str, Any]]]:
    result = _run("export", "--clinic", slug, "--out", str(out))
    assert result.exit_code == 0, result.output
    return {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()]
        for path in out.iterdir()
    }


def _normalised(files: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The imported types' resources without their ids, a patient named by record number,
    the clinic by a placeholder."""
    numbers = {f"Patient/{p['id']}": p["identifier"][0]["value"] for p in files["Patient"]}
    own = [
        resource
        for kind in IMPORTED
        for resource in files.get(kind, [])
        if kind != "Observation" or resource["code"]["coding"][0]["code"] == "fitzpatrick-skin-type"
    ]
    texts = []
    for resource in own:
        text = json.dumps({k: v for k, v in resource.items() if k != "id"}, sort_keys=True)
        text = re.sub(r'"Patient/[^"]+"', lambda m: f'"{numbers[m.group(0)[1:-1]]}"', text)
        text = re.sub(r"Organization/clinic-\d+", "Organization", text)
        texts.append(re.sub(r"identifier/clinic/[a-z0-9-]+/", "identifier/clinic/-/", text))
    return sorted(texts)


def _new_clinic(slug: str = "copy", prefix: str = "CP") -> Clinic:
    result = CliRunner().invoke(
        cli, ["clinic", "create", "--slug", slug, "--name", "Copy", "--time-zone",
              "America/New_York", "--record-prefix", prefix],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return Clinic.objects.get(slug=slug)


def _from_another_installation(clinic: Clinic) -> None:
    """Free the e-mail addresses of the exported clinic's staff, as on another installation
    (an address is one account's on an installation)."""
    for user in User.objects.filter(staff__clinic=clinic):
        user.email = f"old.{user.email}"
        user.save(update_fields=["email"])


def test_an_export_imported_into_a_new_clinic_exports_the_same_content(
    demo: Demo, tmp_path: Path
) -> None:
    first = _export("demo", tmp_path / "demo")
    _from_another_installation(demo.clinic)
    copy = _new_clinic()
    result = _run("import", str(tmp_path / "demo"), "--clinic", "copy")
    assert result.exit_code == 0, result.output
    patients = Patient.objects.filter(clinic=demo.clinic).count()
    lots = Lot.objects.filter(clinic=demo.clinic).count()
    assert f"created {lots} Device, {patients} Patient" in result.output
    assert "left out" in result.output
    assert "Procedure" in result.output
    again = _export("copy", tmp_path / "copy")
    assert _normalised(again) == _normalised(first)
    fitzpatrick = [r for r in again["Observation"] if r["id"].endswith("fitzpatrick-skin-type")]
    assert (
        len(fitzpatrick) == Patient.objects.filter(clinic=copy, fitzpatrick__isnull=False).count()
    )
    assert len(fitzpatrick) > 0
    event = AuditEvent.objects.get(action="clinic.fhir_import")
    assert (event.clinic_id, event.actor_user_id) == (copy.pk, None)
    staff = Staff.objects.filter(clinic=demo.clinic).count()
    assert event.detail["created"] == {"Device": lots, "Patient": patients, "Practitioner": staff}
    assert event.detail["from"] == "demo"


def test_practitioners_are_matched_by_licence_or_e_mail_else_created_unable_to_sign_in(
    demo: Demo, tmp_path: Path
) -> None:
    _export("demo", tmp_path / "demo")
    exported = {m.user.email: m for m in Staff.objects.filter(clinic=demo.clinic)}
    practitioner, admin = demo.practitioner.user.staff, demo.admin.user.staff
    _from_another_installation(demo.clinic)
    copy = _new_clinic()
    licensed = StaffFactory(
        clinic=copy, role="practitioner", licence_number=practitioner.licence_number
    )
    same_email = StaffFactory(clinic=copy, role="clinic_admin", user__email=admin.user.email)
    result = _run("import", str(tmp_path / "demo"), "--clinic", "copy")
    assert result.exit_code == 0, result.output
    for member in (practitioner, admin):
        assert f"staff matched: Practitioner/staff-{member.pk} is the clinic's" in result.output
    created = Staff.objects.filter(clinic=copy).exclude(pk__in=[licensed.pk, same_email.pk])
    assert {m.user.email for m in created} == set(exported) - {
        practitioner.user.email,
        admin.user.email,
    }
    for member in created:
        old = exported[member.user.email]
        assert (member.role, member.profession, member.licence_number, member.user.full_name) == (
            old.role, old.profession, old.licence_number, old.user.full_name
        )  # fmt: skip
        assert not member.user.has_usable_password()
        assert f"staff created: {member.user.email} (cannot sign in" in result.output
    event = AuditEvent.objects.get(action="clinic.fhir_import")
    assert event.detail["staff_matched"] == 2
    assert event.detail["created"]["Practitioner"] == created.count() > 0


def test_a_practitioner_whose_e_mail_is_another_clinics_account_is_refused(
    demo: Demo, tmp_path: Path
) -> None:
    _export("demo", tmp_path / "demo")
    _new_clinic()
    result = _run("import", str(tmp_path / "demo"), "--clinic", "copy")
    assert result.exit_code == 2
    assert re.search(
        r"refused Practitioner/staff-\d+: Practitioner.telecom: \S+@demo.needlepoint.test is an "
        r"account outside copy; match it by licence",
        result.output,
    ), result.output


def test_new_patients_are_numbered_after_the_imported_ones_of_the_same_series(
    demo: Demo, tmp_path: Path
) -> None:
    _export("demo", tmp_path / "demo")
    _from_another_installation(demo.clinic)
    copy = _new_clinic(prefix="DC")
    assert _run("import", str(tmp_path / "demo"), "--clinic", "copy").exit_code == 0
    admin = as_actor(StaffFactory(clinic=copy, role="clinic_admin"))
    made = patient_create(
        admin, given_name="New", family_name="Person", date_of_birth="1990-01-01", sex="female"
    )
    count = Patient.objects.filter(clinic=demo.clinic).count()
    assert made.record_number == f"DC-{count + 1:05d}"


def _edit(folder: Path, kind: str, change: Any) -> None:
    """Rewrite `<kind>.ndjson` line by line: `change` returns the new line, or None to drop."""
    path = folder / f"{kind}.ndjson"
    lines = [change(line) for line in path.read_text().splitlines()]
    path.write_text("".join(f"{line}\n" for line in lines if line is not None))


def _first_only(change: Any) -> Any:
    seen = []

    def once(line: str) -> str | None:
        seen.append(line)
        return change(line) if len(seen) == 1 else line

    return once


def _patient_field(name: str, value: Any) -> Any:
    def change(line: str) -> str:
        return json.dumps({**json.loads(line), name: value})

    return _first_only(change)


CASES = {
    "a line that is not JSON": (
        "Patient", _first_only(lambda line: line[:-5]), r"Patient.ndjson:1: not JSON",
    ),
    "a reference to nothing": (
        "Patient", _patient_field("managingOrganization", {"reference": "Organization/clinic-999"}),
        r"Patient/[0-9a-f-]+: Patient.managingOrganization: Organization/clinic-999 is neither in "
        r"the folder nor in copy",
    ),
    "a procedure for a patient not in the folder": (
        "Patient", lambda line: None if '"given":["Maya"]' in line else line,
        r"Procedure/session-\d+: Procedure.subject: Patient/[0-9a-f-]+ is neither in the folder",
    ),
    "a resource its mapper refuses": (
        "Patient", _patient_field("gender", "femalex"),
        r"Patient/[0-9a-f-]+: Patient.gender: must be one of female, male, other, unknown",
    ),
    "a patient of another clinic": (
        "Patient",
        _patient_field("identifier", [{"system": "https://needlepoint.example/fhir/identifier/"
                                       "clinic/elsewhere/record-number", "value": "X-1"}]),
        r"Patient/[0-9a-f-]+: Patient.identifier\[0\].system: names clinic elsewhere, not the "
        r"folder's demo",
    ),
    "a resource in another type's file": (
        "Device", _first_only(lambda line: line.replace('"Device"', '"Patient"', 1)),
        r"Device.ndjson:1: resourceType: must be Device",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_a_folder_with_anything_wrong_is_refused_whole(
    demo: Demo, tmp_path: Path, case: str
) -> None:
    kind, change, refusal = CASES[case]
    folder = tmp_path / "demo"
    _export("demo", folder)
    _edit(folder, kind, change)
    copy = _new_clinic()
    result = _run("import", str(folder), "--clinic", "copy")
    assert result.exit_code == 2
    assert re.search(rf"refused {refusal}", result.output), result.output
    assert result.output.strip().endswith("refused; nothing was imported into copy")
    assert not Patient.objects.filter(clinic=copy).exists()
    assert not Lot.objects.filter(clinic=copy).exists()
    assert not AuditEvent.objects.filter(action="clinic.fhir_import").exists()


def test_a_second_import_and_two_clinics_in_one_folder_are_refused(
    demo: Demo, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    _export("demo", folder)
    _from_another_installation(demo.clinic)
    copy = _new_clinic()
    assert _run("import", str(folder), "--clinic", "copy").exit_code == 0
    again = _run("import", str(folder), "--clinic", "copy")
    assert again.exit_code == 2
    assert "copy already has a patient with this name and birth date" in again.output
    assert Patient.objects.filter(clinic=copy).count() == demo.clinic.patients.count()
    northside = tmp_path / "northside"
    _export("northside", northside)
    both = tmp_path / "both"
    shutil.copytree(folder, both)
    (both / "Organization.ndjson").write_text(
        (folder / "Organization.ndjson").read_text()
        + (northside / "Organization.ndjson").read_text()
    )
    _new_clinic("empty", "EM")
    refused = _run("import", str(both), "--clinic", "empty")
    assert refused.exit_code == 2
    assert "a folder holds the records of one clinic" in refused.output


def test_an_empty_folder_and_an_unknown_clinic_are_refused(demo: Demo, tmp_path: Path) -> None:
    empty = _run("import", str(tmp_path / "photos"), "--clinic", "demo")
    assert empty.exit_code == 2
    assert "holds no <Type>.ndjson file" in empty.output
    unknown = _run("import", str(tmp_path), "--clinic", "nowhere")
    assert unknown.exit_code == 2
    assert "no clinic with slug 'nowhere'" in unknown.output
