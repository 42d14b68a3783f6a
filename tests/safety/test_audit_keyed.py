"""The chain is keyed: rewriting it needs the audit key, which never lives in the database;
checkpoints kept elsewhere catch a truncated chain; each clinic writes its own chain."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner
from django.db import connection

from needlepoint.cli.main import cli
from needlepoint.patients import selectors
from needlepoint.safety.audit import (
    GENESIS_HASH,
    audit_key,
    audit_verify,
    chain_of,
    event_mac,
    legacy_hash,
)
from needlepoint.safety.audit_key import KEY_ENV, AuditKeyError, key_path
from needlepoint.safety.checkpoints import CheckpointError, audit_checkpoint, read_checkpoints
from needlepoint.safety.models import AuditChainHead, AuditEvent
from tests.conftest import as_actor

EVENTS = AuditEvent._meta.db_table
HEADS = AuditChainHead._meta.db_table


def _reads(member, patient, n: int = 4) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    actor = as_actor(member)
    for _ in range(n):
        selectors.access_patient(actor, patient.pk)
    return list(AuditEvent.objects.filter(clinic_id=member.clinic_id).order_by("id"))


def _rewrite(events: list[AuditEvent], seal) -> None:  # type: ignore[no-untyped-def]
    """What someone with write access to the database can do: edit the first event,
    recompute every later link with `seal`, and move the head."""
    events[0].actor_email = "someone@else.test"
    prev = events[0].prev_hash
    with connection.cursor() as cursor:
        for event in events:
            event.prev_hash = prev
            event.hash = prev = seal(event)
            cursor.execute(
                f"UPDATE {EVENTS} SET actor_email = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.actor_email, event.prev_hash, event.hash, event.pk],
            )
        cursor.execute(
            f"UPDATE {HEADS} SET last_hash = %s WHERE chain = %s",
            [prev, chain_of(events[0].clinic_id)],
        )


def test_editing_and_recomputing_with_sha256_is_named(practitioner, patient):
    events = _reads(practitioner, patient)
    _rewrite(events, legacy_hash)
    report = audit_verify()
    assert report.broken_event_id == events[0].pk
    assert "MAC" in report.problem


def test_editing_and_recomputing_with_another_key_is_named(practitioner, patient):
    events = _reads(practitioner, patient)
    _rewrite(events, lambda event: event_mac(event, b"a key that is not this installation's"))
    assert audit_verify().broken_event_id == events[0].pk


def test_verifying_with_another_key_fails(practitioner, patient, monkeypatch):
    events = _reads(practitioner, patient)
    monkeypatch.setenv(KEY_ENV, "k" * 40)
    report = audit_verify()
    assert report.broken_event_id == events[0].pk
    assert "audit key" in report.problem


def test_each_clinic_writes_its_own_chain(practitioner, patient, other_practitioner, other_patient):
    ours = _reads(practitioner, patient, 2)
    theirs = _reads(other_practitioner, other_patient, 2)
    assert ours[0].prev_hash == theirs[0].prev_hash == GENESIS_HASH
    assert ours[1].prev_hash == ours[0].hash
    assert theirs[1].prev_hash == theirs[0].hash
    heads = {head.chain: head.last_event_id for head in AuditChainHead.objects.all()}
    assert heads == {
        chain_of(practitioner.clinic_id): ours[-1].pk,
        chain_of(other_practitioner.clinic_id): theirs[-1].pk,
    }
    report = audit_verify()
    assert report.intact
    assert (report.chains, report.checked) == (2, 4)


def _truncate_and_move_head_back(events: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id >= %s", [events[-2].pk])
        cursor.execute(
            f"UPDATE {HEADS} SET last_hash = %s, last_event_id = %s",
            [events[-3].hash, events[-3].pk],
        )


def test_a_checkpoint_catches_a_truncated_chain_with_its_head_moved_back(practitioner, patient):
    events = _reads(practitioner, patient)
    anchors = read_checkpoints([audit_checkpoint()])
    assert [(a.chain, a.event_id) for a in anchors] == [
        (chain_of(practitioner.clinic_id), events[-1].pk)
    ]
    _truncate_and_move_head_back(events)
    assert audit_verify().intact  # the database alone cannot tell
    report = audit_verify(anchors)
    assert report.broken_event_id == events[-1].pk
    assert "no longer reaches" in report.problem


def test_a_changed_checkpoint_line_is_refused(practitioner, patient):
    _reads(practitioner, patient, 1)
    line = json.loads(audit_checkpoint())
    for end in line["chains"].values():
        end["event"] -= 1
    with pytest.raises(CheckpointError, match="line 2: its MAC does not match"):
        read_checkpoints(["", json.dumps(line)])
    with pytest.raises(CheckpointError, match="line 1 is not a checkpoint"):
        read_checkpoints(["[" * 100_000])


def test_cli_checkpoint_then_verify_against_it(practitioner, patient, tmp_path):
    events = _reads(practitioner, patient)
    runner = CliRunner()
    made = runner.invoke(cli, ["audit", "checkpoint"])
    assert made.exit_code == 0, made.output
    checkpoints = tmp_path / "checkpoints.jsonl"
    checkpoints.write_text(made.output)
    ok = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(checkpoints)])
    assert ok.exit_code == 0, ok.output
    assert "1 checkpoint events reached" in ok.output
    _truncate_and_move_head_back(events)
    broken = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(checkpoints)])
    assert broken.exit_code == 1
    assert f"event #{events[-1].pk}" in broken.output
    checkpoints.write_text("not json\n")
    unreadable = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(checkpoints)])
    assert unreadable.exit_code == 2
    assert "line 1 is not a checkpoint" in unreadable.output


def test_the_key_file_is_private_and_a_lost_key_is_not_replaced(
    practitioner, patient, settings, tmp_path, monkeypatch
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    settings.DATA_DIR = tmp_path / "fresh"
    settings.DATA_DIR.mkdir()
    audit_key()  # an empty trail: the key is made
    assert stat.S_IMODE(key_path(settings.DATA_DIR).stat().st_mode) == 0o600
    _reads(practitioner, patient, 1)
    settings.DATA_DIR = tmp_path / "restored-without-its-key"
    settings.DATA_DIR.mkdir()
    with pytest.raises(AuditKeyError, match="restore the key file"):
        audit_key()
    assert not key_path(settings.DATA_DIR).exists()


def test_a_short_key_in_the_environment_is_refused(db, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(AuditKeyError, match="at least 32"):
        audit_key()


def test_the_cli_names_a_missing_key_in_one_line(
    practitioner, patient, settings, tmp_path, monkeypatch
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    _reads(practitioner, patient, 1)
    settings.DATA_DIR = tmp_path
    for command in (["audit", "verify"], ["audit", "checkpoint"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2
        assert result.output.startswith("error: the audit trail has events but its key is missing")
