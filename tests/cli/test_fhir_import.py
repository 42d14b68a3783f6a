"""`needlepoint fhir import`: the demo's export imported into a new clinic exports again with
the same content; a folder with anything wrong (a line that is not JSON, a reference to
nothing, a record of another clinic, a patient already there) is refused with the resource,
the element and the reason, and nothing is written."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from needlepoint.accounts.models import User
from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert, CheckIn
from needlepoint.cli.main import cli
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.intakes.models import Intake, Screening
from needlepoint.patients.models import Consent, ConsentRevocation, ConsentTemplate, Patient
from needlepoint.patients.services import patient_create
from needlepoint.safety.models import AuditEvent, Lot
from tests.conftest import as_actor
from tests.factories import StaffFactory, UserFactory
from tests.interop.conftest import Demo

# What an export holds and an import leaves out: the photos (their Media, their measures and
# who took them), and the clinic's own Organization, which the target clinic already is.
PHOTO = re.compile(r'"(?:Media/[^"]+)"')
REFERENCE = re.compile(r'"reference": "([^"]+)"')


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["fhir", *args])


def _export(slug: str, out: Path) -> dict[str, list[dict[str, Any]]]:
    result = _run("export", "--clinic", slug, "--out", str(out))
    assert result.exit_code == 0, result.output
    return {
        path.stem: [json.loads(line) for line in path.read_text().splitlines()]
        for path in out.iterdir()
    }


def _text(resource: dict[str, Any], labels: dict[str, str]) -> str:
    """The resource without its id, each reference as the label of what it names, the clinic
    named by a placeholder."""
    text = json.dumps({k: v for k, v in resource.items() if k != "id"}, sort_keys=True)
    text = REFERENCE.sub(lambda m: f'"reference": "{labels[m[1]]}"', text)
    text = re.sub(r"identifier/clinic/[a-z0-9-]+/", "identifier/clinic/-/", text)
    if resource["resourceType"] != "Group":
        return text
    group = json.loads(text)  # its members in no order of their own
    group["member"] = sorted(group["member"], key=json.dumps)
    return json.dumps(group, sort_keys=True)


def _normalised(files: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every resource but the clinic's Organization and the photos', as `_text`: a record is
    named by its content (and what it refers to), never by its id, so the same records in two
    clinics read the same."""
    resources = {
        f"{r['resourceType']}/{r['id']}": r
        for rs in files.values()
        for r in rs
        if r["resourceType"] not in ("Organization", "Media") and not PHOTO.search(json.dumps(r))
    }
    labels = {f"Organization/{r['id']}": "Organization" for r in files["Organization"]}
    pending = dict(resources)
    while pending:
        ready = [
            key
            for key, resource in pending.items()
            if all(
                ref in labels for ref in re.findall(r'"reference": "([^"]+)"', json.dumps(resource))
            )
        ]
        assert ready, sorted(pending)
        for key in ready:
            digest = hashlib.sha256(_text(pending.pop(key), labels).encode()).hexdigest()[:16]
            labels[key] = f"{key.partition('/')[0]}:{digest}"
    return sorted(_text(resource, labels) for resource in resources.values())


def _new_clinic(slug: str = "copy", prefix: str = "CP") -> Clinic:
    result = CliRunner().invoke(
        cli, ["clinic", "create", "--slug", slug, "--name", "Copy", "--time-zone",
              "America/New_York", "--record-prefix", prefix],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    clinic = Clinic.objects.get(slug=slug)
    _same_consent_forms(clinic)
    return clinic


def _same_consent_forms(clinic: Clinic) -> None:
    """The demo's consent forms, every version, as the clinic published them: a consent is
    imported onto the clinic's own version of the text signed."""
    author = UserFactory()
    for form in ConsentTemplate.objects.filter(clinic__slug="demo").order_by("kind", "version"):
        ConsentTemplate.objects.create(
            clinic=clinic,
            kind=form.kind,
            version=form.version,
            title=form.title,
            body=form.body,
            created_by=author,
            active=form.active,
        )


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
    _new_clinic()
    result = _run("import", str(tmp_path / "demo"), "--clinic", "copy")
    assert result.exit_code == 0, result.output
    again = _export("copy", tmp_path / "copy")
    assert _normalised(again) == _normalised(first)
    assert len(_normalised(first)) == sum(map(len, first.values())) - 1 - 8  # clinic, photo
    kinds = ("Consent", "QuestionnaireResponse", "Condition", "CarePlan", "Procedure")
    assert all(len(again[kind]) == len(first[kind]) > 0 for kind in kinds)
    assert "Media" not in again
    assert "left out: 1 Media, 6 Observation, 1 Provenance (photos: " in result.output
    assert "2 AdverseEvent, 14 Appointment, 4 CarePlan, 5 Condition, 7 Consent" in result.output


def test_an_imported_check_in_keeps_its_triage_and_alert_and_the_trail_verifies(
    demo: Demo, tmp_path: Path
) -> None:
    _export("demo", tmp_path / "demo")
    _from_another_installation(demo.clinic)
    copy = _new_clinic()
    assert _run("import", str(tmp_path / "demo"), "--clinic", "copy").exit_code == 0
    source = CheckIn.objects.get(clinic=demo.clinic, alert__isnull=False)
    imported = CheckIn.objects.get(clinic=copy, alert__isnull=False)
    assert (imported.level, imported.symptoms, imported.reported_at) == (
        source.level, source.symptoms, source.reported_at
    )  # fmt: skip
    assert imported.level != "expected"
    assert imported.alert.status == Alert.Status.OPEN
    assert imported.triage["reasons"] == source.triage["reasons"]
    withdrawn = ConsentRevocation.objects.filter(clinic=copy).values_list("uses", flat=True)
    assert sorted(map(tuple, withdrawn)) == sorted(
        map(
            tuple,
            ConsentRevocation.objects.filter(clinic=demo.clinic).values_list("uses", flat=True),
        )
    )
    event = AuditEvent.objects.get(action="clinic.fhir_import")
    assert (event.clinic_id, event.actor_user_id) == (copy.pk, None)
    assert event.detail["from"] == "demo"
    assert event.detail["created"]["Patient"] == demo.clinic.patients.count()
    maya = Patient.objects.get(clinic=copy, given_name="Maya")
    about_maya = AuditEvent.objects.get(action="patient.fhir_import", object_id=str(maya.pk))
    assert about_maya.detail["created"]["Appointment"] == maya.sessions.count() > 0
    answered = maya.intakes.count() + maya.checkins.count()  # her intakes and check-ins
    assert about_maya.detail["created"]["QuestionnaireResponse"] == answered
    assert AuditEvent.objects.filter(action="patient.fhir_import").count() == copy.patients.count()
    assert CliRunner().invoke(cli, ["audit", "verify"]).exit_code == 0


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


def _first_only_with(text: str, change: Any) -> Any:
    """`change` on the first line holding `text`."""
    done = []

    def once(line: str) -> str | None:
        if text in line and not done:
            done.append(line)
            return change(line)
        return line

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
    "a procedure on a care plan not in the folder": (
        "Procedure", _first_only(lambda line: re.sub(r"CarePlan/[\w-]+", "CarePlan/gone", line)),
        r"Procedure/session-\d+: Procedure.basedOn\[0\]: CarePlan/gone is neither in the "
        r"folder nor in copy",
    ),
    "a zone charted deeper than its limit": (
        "Observation", _first_only_with("treated-zone", lambda line: re.sub(
            r'"valueQuantity":\{"value":[0-9.]+', '"valueQuantity":{"value":9.0', line)),
        r"Procedure/session-\d+: Procedure.bodySite: .+: 9 mm is refused; charted depth must be "
        r"above 0 and at most",
    ),
    "a signed chart without who signed it": (
        "Provenance", lambda line: None if '"attester"' in line else line,
        r"Procedure/session-\d+: Provenance: needs the Provenance of Procedure/session-\d+ naming "
        r"its attester",
    ),
    "a consent on a form version the clinic does not have": (
        "Consent", _first_only(lambda line: re.sub(r"(consent-form/\w+)-v1", r"\1-v7", line)),
        r"Consent/[0-9a-f-]+: Consent.policy\[0\].uri: copy has no version 7 of its \w+ consent "
        r"form; publish the text the patient signed first",
    ),
    "a check-in on no session": (
        "QuestionnaireResponse", lambda line: re.sub(r',"partOf":\[[^]]*\]', "", line),
        r"QuestionnaireResponse/checkin-\d+: QuestionnaireResponse.partOf: names the session "
        r"\(Procedure\) it follows",
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
    _from_another_installation(demo.clinic)
    _edit(folder, kind, change)
    copy = _new_clinic()
    result = _run("import", str(folder), "--clinic", "copy")
    assert result.exit_code == 2
    assert re.search(rf"refused {refusal}", result.output), result.output
    assert result.output.strip().endswith("refused; nothing was imported into copy")
    _nothing_written(copy)


def _nothing_written(clinic: Clinic) -> None:
    for model in (Patient, Lot, Consent, Intake, Screening, Assessment, Course, Session, CheckIn,
                  Alert, AdverseEvent):  # fmt: skip
        assert not model.objects.filter(clinic=clinic).exists(), model
    assert not Staff.objects.filter(clinic=clinic).exists()
    assert not AuditEvent.objects.filter(action__endswith="fhir_import").exists()


def test_a_procedure_about_another_patient_than_its_care_plan_is_refused(
    demo: Demo, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    _export("demo", folder)
    _from_another_installation(demo.clinic)
    procedure = json.loads((folder / "Procedure.ndjson").read_text().splitlines()[0])
    planned_for = procedure["subject"]["reference"]
    other = next(
        f"Patient/{json.loads(line)['id']}"
        for line in (folder / "Patient.ndjson").read_text().splitlines()
        if f"Patient/{json.loads(line)['id']}" != planned_for
    )
    _edit(folder, "Procedure", _first_only(lambda line: line.replace(planned_for, other)))
    copy = _new_clinic()
    result = _run("import", str(folder), "--clinic", "copy")
    assert result.exit_code == 2
    care_plan = procedure["basedOn"][0]["reference"]
    assert (
        f"refused Procedure/{procedure['id']}: Procedure.subject: {other} is not the patient of "
        f"{care_plan} ({planned_for})"
    ) in result.output
    _nothing_written(copy)


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


def test_a_check_in_on_a_session_the_clinic_already_has_is_triaged_on_that_session(
    demo: Demo, tmp_path: Path
) -> None:
    """References may name the target clinic's own records (read as the model, whichever way
    the export reads their rows)."""
    exported = _export("demo", tmp_path / "demo")
    checkin = next(
        r for r in exported["QuestionnaireResponse"] if r["questionnaire"].endswith("/checkin")
    )
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "QuestionnaireResponse.ndjson").write_text(json.dumps(checkin) + "\n")
    source = CheckIn.objects.get(clinic=demo.clinic, alert__isnull=False)
    result = _run("import", str(folder), "--clinic", "demo")
    assert result.exit_code == 0, result.output
    again = CheckIn.objects.exclude(pk=source.pk).get(session=source.session)
    assert (again.clinic_id, again.patient_id) == (demo.clinic.pk, source.patient_id)
    assert again.alert.status == Alert.Status.OPEN
