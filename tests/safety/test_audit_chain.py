"""Every read and write of patient data is audited; the hash chain detects tampering."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection

from needlepoint.cli.main import cli
from needlepoint.patients import selectors, services
from needlepoint.safety.audit import audit_verify
from needlepoint.safety.models import AppendOnlyError, AuditEvent
from tests.conftest import as_actor, signed_in


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_read_and_write_each_write_an_event_with_who_what_and_request(practitioner, patient):
    actor = as_actor(practitioner)
    selectors.access_patient(actor, patient.pk)
    services.patient_update(actor, patient.pk, phone="+1 555 0100")
    read, update = _events("patient.read")[0], _events("patient.update")[0]
    for event in (read, update):
        assert event.actor_email == practitioner.user.email
        assert event.role == "practitioner"
        assert event.clinic_id == practitioner.clinic_id
        assert event.object_type == "patient"
        assert event.object_id == str(patient.pk)
    assert update.detail == {"changed": ["phone"]}


def test_web_and_api_reads_carry_the_request_id(practitioner, patient):
    client = signed_in(practitioner)
    response = client.get(f"/api/v1/patients/{patient.pk}", HTTP_X_REQUEST_ID="trace-12345678")
    assert response["X-Request-ID"] == "trace-12345678"
    assert _events("patient.read")[-1].request_id == "trace-12345678"
    client.get("/patients/?q=Maya")
    search = _events("patient.search")[-1]
    assert search.detail["ids"] == [str(patient.pk)]
    assert search.request_id


def test_intact_chain_verifies(practitioner, patient):
    actor = as_actor(practitioner)
    for _ in range(3):
        selectors.access_patient(actor, patient.pk)
    report = audit_verify()
    assert report.intact
    assert report.checked == AuditEvent.objects.count() == 3


def _make_chain(practitioner, patient, n: int = 4) -> list[AuditEvent]:
    actor = as_actor(practitioner)
    for _ in range(n):
        selectors.access_patient(actor, patient.pk)
    return list(AuditEvent.objects.order_by("id"))


def test_edited_event_is_named(practitioner, patient):
    events = _make_chain(practitioner, patient)
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET actor_email = %s WHERE id = %s", ["x@y", events[2].pk])
    report = audit_verify()
    assert not report.intact
    assert report.broken_event_id == events[2].pk
    assert "edited" in report.problem


def test_deleted_event_breaks_the_link_of_the_next(practitioner, patient):
    events = _make_chain(practitioner, patient)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert report.broken_event_id == events[2].pk


def test_deleting_the_newest_event_is_detected(practitioner, patient):
    events = _make_chain(practitioner, patient)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [events[-1].pk])
    report = audit_verify()
    assert not report.intact
    assert "deleted" in report.problem


def test_events_cannot_be_changed_or_deleted_through_the_orm(practitioner, patient):
    event = _make_chain(practitioner, patient, 1)[0]
    event.action = "patient.nothing"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_cli_verify_exit_codes(practitioner, patient):
    events = _make_chain(practitioner, patient)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact: 4 events" in ok.output
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET detail = %s WHERE id = %s",
            ['{"forged": true}', events[1].pk],
        )
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"event #{events[1].pk}" in broken.output


def test_admin_browses_only_their_clinics_audit_log(
    admin, patient, other_practitioner, other_patient
):
    selectors.access_patient(as_actor(other_practitioner), other_patient.pk)
    selectors.access_patient(as_actor(admin), patient.pk)
    page = signed_in(admin).get("/audit/?action=patient.read").content.decode()
    assert admin.user.email in page
    assert other_practitioner.user.email not in page
