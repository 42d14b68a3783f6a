"""A chain written before the key is continued under it: one event says from where, the
events before it keep their SHA-256 links and are still verified."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from needlepoint.safety.audit import CHAIN_KEYED, GENESIS_HASH, SYSTEM_CHAIN, audit_verify
from needlepoint.safety.audit import legacy_hash as sha256_of
from needlepoint.safety.models import AuditChainHead, AuditEvent

BEFORE_THE_KEY = ("safety", "0002_lot")
KEYED = ("safety", "0004_audit_chain_keyed")


def _legacy_chain(apps, clinic_ids: list[int]) -> list[int]:  # type: ignore[no-untyped-def]
    """Events of several clinics in one SHA-256 chain, as the earlier release wrote them."""
    Event, Head = apps.get_model("safety", "AuditEvent"), apps.get_model("safety", "AuditChainHead")
    prev, ids = GENESIS_HASH, []
    for clinic_id in clinic_ids:
        event = Event(
            at=timezone.now(),
            clinic_id=clinic_id,
            action="patient.read",
            object_type="patient",
            object_id="1",
            detail={},
            prev_hash=prev,
        )
        event.hash = prev = sha256_of(event)
        event.save()
        ids.append(event.pk)
    Head.objects.create(pk=1, last_hash=prev, last_event_id=ids[-1])
    return ids


def test_an_existing_chain_is_keyed_from_a_recorded_event(migrate):
    legacy = _legacy_chain(migrate(BEFORE_THE_KEY), [1, 2, 1])
    migrate(KEYED)
    marker = AuditEvent.objects.get(action=CHAIN_KEYED)
    assert marker.detail["sha256_until_event"] == legacy[-1]
    assert marker.pk > legacy[-1]
    head = AuditChainHead.objects.get()
    assert (head.chain, head.last_event_id) == (SYSTEM_CHAIN, marker.pk)
    report = audit_verify()
    assert report.intact
    assert report.checked == 4
    assert report.keyed_from_event_id == marker.pk

    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:  # an edit before the key is still caught
        cursor.execute(f"UPDATE {table} SET object_id = '2' WHERE id = %s", [legacy[-1]])
    assert audit_verify().broken_event_id == legacy[-1]
    edited = AuditEvent.objects.get(pk=legacy[-1])
    with connection.cursor() as cursor:  # and recomputing its SHA-256 breaks the keyed link
        cursor.execute(
            f"UPDATE {table} SET hash = %s WHERE id = %s", [sha256_of(edited), edited.pk]
        )
    assert audit_verify().broken_event_id == marker.pk
    with pytest.raises(RuntimeError, match="keyed"):
        migrate(BEFORE_THE_KEY)
