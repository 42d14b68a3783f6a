"""The clinic's CSV lists: a BOM, ISO dates, formula-looking text neutralised, streamed; a
clinic admin's only, their clinic's rows only, restricted records left out of the patient and
session lists; one audit event per file; the same files from `needlepoint csv export`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.cli.csv_files import KINDS
from needlepoint.cli.main import cli
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient
from needlepoint.patients.services import patient_restrict
from needlepoint.reports.csv import Table, csv_cell
from needlepoint.reports.exports import TABLES
from needlepoint.safety.models import AuditEvent
from tests.factories import ClinicFactory, PatientFactory, StaffFactory
from tests.interop.conftest import Demo

INJECTION = '=HYPERLINK("http://evil.test","click")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("O'Brien", "O'Brien"), ("", ""), (None, ""),
        (True, "yes"), (False, "no"), (-1.5, -1.5), (3, 3),
    ],
)  # fmt: skip
def test_a_cell_never_starts_a_formula(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


def test_a_table_is_bom_then_header_then_a_line_a_row() -> None:
    lines = list(Table("t.csv", ("a", "b"), iter([("x,y", None), ("=1", 2)])).lines())
    assert lines == ["\ufeffa,b\r\n", '"x,y",\r\n', "'=1,2\r\n"]


def _download(client: Client, kind: str) -> list[dict[str, str]]:
    response = client.get(f"/clinic/exports/{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="demo-{kind}.csv"'
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _admin(demo: Demo) -> Client:
    client = Client()
    client.force_login(demo.admin.user)
    return client


def test_patients_are_the_clinics_with_formulas_neutralised(demo: Demo) -> None:
    PatientFactory(clinic=demo.clinic, record_number="DC-09999", family_name=INJECTION)
    rows = _download(_admin(demo), "patients")
    mine = Patient.objects.filter(clinic=demo.clinic)
    assert sorted(r["record_number"] for r in rows) == sorted(p.record_number for p in mine)
    assert not Patient.objects.filter(record_number__in=[r["record_number"] for r in rows]).exclude(
        clinic=demo.clinic
    )
    injected = next(r for r in rows if r["record_number"] == "DC-09999")
    assert injected["family_name"] == "'" + INJECTION
    maya = next(r for r in rows if r["given_name"] == "Maya")
    assert maya["date_of_birth"] == "1994-03-12"
    assert maya["portal_account"] in ("yes", "no")
    assert maya["created_at"].endswith(("-05:00", "-04:00"))  # New York time, ISO 8601


def test_sessions_carry_each_zones_depth_and_passes_device_and_lot(demo: Demo) -> None:
    rows = _download(_admin(demo), "sessions")
    assert len(rows) == Session.objects.filter(clinic=demo.clinic).count()
    signed = Session.objects.filter(clinic=demo.clinic, status="signed").first()
    assert signed is not None
    assert signed.zones
    assert signed.cartridge_lot
    row = next(
        r for r in rows
        if (r["record_number"], r["session"]) == (signed.patient.record_number, str(signed.number))
    )  # fmt: skip
    for zone, charted in signed.zones.items():
        assert float(row[f"{zone}_depth_mm"]) == float(charted["depth_mm"])
        assert int(row[f"{zone}_passes"]) == charted["passes"]
    untreated = {"forehead", "neck"} - set(signed.zones)
    assert untreated
    assert all(row[f"{zone}_depth_mm"] == "" for zone in untreated)
    assert row["device"] == signed.device
    assert row["cartridge_lot"] == signed.cartridge_lot.lot_number
    assert row["date"] == signed.started_at.astimezone(demo.admin.zone).date().isoformat()


def test_adverse_events_are_listed_with_their_codes(demo: Demo) -> None:
    rows = _download(_admin(demo), "adverse-events")
    event = AdverseEvent.objects.get(clinic=demo.clinic, kind="prolonged_erythema")
    assert sorted(row["kind"] for row in rows) == ["bruising", "prolonged_erythema"]
    [row] = [row for row in rows if row["kind"] == "prolonged_erythema"]
    assert row["record_number"] == event.patient.record_number
    assert (row["severity"], row["serious"]) == ("mild", "no")
    assert row["onset"] == event.onset.isoformat()


def test_restricted_records_are_left_out_of_patients_and_sessions(demo: Demo) -> None:
    maya = Patient.objects.get(clinic=demo.clinic, given_name="Maya")
    patient_restrict(demo.admin, maya.pk, "Asked us to stop using the record.")
    client = _admin(demo)
    assert maya.record_number not in {r["record_number"] for r in _download(client, "patients")}
    assert maya.record_number not in {r["record_number"] for r in _download(client, "sessions")}
    events = _download(client, "adverse-events")
    assert [r["record_number"] for r in events] == [maya.record_number] * 2


def test_each_download_is_audited_once(demo: Demo) -> None:
    client = _admin(demo)
    for kind in TABLES:
        before = AuditEvent.objects.count()
        _download(client, kind)
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1
        assert event is not None
        assert (event.action, event.detail["kind"]) == ("clinic.csv_export", kind)
        assert event.actor_user_id == demo.admin.user.pk


@pytest.mark.parametrize("kind", TABLES)
def test_only_a_clinic_admin_downloads_and_only_their_clinics_rows(demo: Demo, kind: str) -> None:
    front_desk = demo.clinic.staff.get(role="front_desk")
    for user in (demo.practitioner.user, front_desk.user):
        client = Client()
        client.force_login(user)
        assert client.get(f"/clinic/exports/{kind}.csv").status_code == 403
    elsewhere = StaffFactory(clinic=ClinicFactory(slug="elsewhere"), role="clinic_admin")
    client = Client()
    client.force_login(elsewhere.user)
    response = client.get(f"/clinic/exports/{kind}.csv")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1  # the header: the other clinic has no rows


def test_the_settings_page_links_the_downloads(demo: Demo) -> None:
    page = _admin(demo).get("/clinic/settings/").content.decode()
    assert all(f'href="/clinic/exports/{kind}.csv"' in page for kind in TABLES)


def test_the_command_writes_the_same_file_and_audits_as_an_operator(
    demo: Demo, tmp_path: Path
) -> None:
    assert tuple(TABLES) == KINDS
    out = tmp_path / "sessions.csv"
    result = CliRunner().invoke(
        cli, ["csv", "export", "--clinic", "demo", "--kind", "sessions", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = out.read_bytes()
    downloaded = b"".join(_admin(demo).get("/clinic/exports/sessions.csv").streaming_content)
    assert written == downloaded
    count = Session.objects.filter(clinic=demo.clinic).count()
    assert f"{count} rows written" in result.output
    event = AuditEvent.objects.filter(action="clinic.csv_export").first()
    assert event is not None
    assert event.actor_user_id is None
    assert event.clinic_id == demo.clinic.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clinic", "nowhere"], "no clinic with slug 'nowhere'"),
        (["--kind", "lots"], "--kind"),
        (["--out", "taken.csv"], "exists; choose a new file name"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("taken.csv").write_text("mine")
    given: dict[str, Any] = {"--clinic": "demo", "--kind": "patients", "--out": "new.csv"}
    given.update(zip(args[::2], args[1::2], strict=True))
    result = CliRunner().invoke(cli, ["csv", "export", *[p for kv in given.items() for p in kv]])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0, result.output
    assert message in result.output
    assert not Path("new.csv").exists()
    assert Path("taken.csv").read_text() == "mine"
