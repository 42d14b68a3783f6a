"""Writing audit events into the keyed chains, and verifying them.

Each clinic has its own chain (and events without a clinic share the system chain), so
audited requests of different clinics never wait on each other's chain head. Every event
stores an HMAC-SHA-256, with the audit key (`safety.audit_key`), over its content and the
previous event's MAC: without the key no one can rewrite an event and its successors.
Chains written before the key existed keep their SHA-256 links up to the `audit.chain_keyed`
event that continues them under the key (ADR 0015).

Writes record their event in their own transaction (`audit_record`). Reads (`audit_read`)
made while a request is served are gathered and written as one event when the response
leaves (`one_read_event`, entered by `safety.middleware`): a page that reads the patient,
their consents and their courses costs one event, not three.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.streaming import in_order
from needlepoint.safety.audit_key import KEY_ENV, key_path, load_key
from needlepoint.safety.models import AuditChainHead, AuditEvent
from needlepoint.safety.request_context import current_request_id

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"
CHAIN_KEYED = "audit.chain_keyed"

_keys: dict[tuple[str, Path], bytes] = {}


def chain_of(clinic_id: int | None) -> str:
    """The chain an event of this clinic (or of none) is written to."""
    return SYSTEM_CHAIN if clinic_id is None else f"clinic:{clinic_id}"


def audit_key() -> bytes:
    """The key of this installation; a key file is created only while the trail is empty."""
    where = (os.environ.get(KEY_ENV, ""), Path(settings.DATA_DIR))
    if where not in _keys:
        missing = not where[0] and not key_path(where[1]).exists()
        _keys[where] = load_key(where[1], create=missing and not AuditEvent.objects.exists())
    return _keys[where]


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _content(event: Any) -> bytes:
    return canonical(
        {
            "at": event.at.astimezone(UTC).isoformat(),
            "actor_user_id": event.actor_user_id,
            "actor_email": event.actor_email,
            "role": event.role,
            "clinic_id": event.clinic_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "request_id": event.request_id,
            "detail": event.detail,
            "prev_hash": event.prev_hash,
        }
    )


def legacy_hash(event: Any) -> str:
    """SHA-256 of the content: how events were linked before the chain was keyed."""
    return hashlib.sha256(_content(event)).hexdigest()


def mac(key: bytes, content: bytes) -> str:
    return hmac.new(key, content, hashlib.sha256).hexdigest()


def event_mac(event: Any, key: bytes) -> str:
    """HMAC-SHA-256 over the event's content and the MAC of the event before it."""
    return mac(key, _content(event))


def audit_record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """Append one event to its clinic's chain (in its own transaction, or the caller's)."""
    key = audit_key()
    clinic_id = actor.clinic.pk if actor else clinic_id
    # No savepoint inside a caller's transaction: a failed audit write fails it anyway. Per
    # event: the head row locked and read once, the event inserted, the head moved.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain_of(clinic_id), defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor_user_id=actor.user.pk if actor else None,
            actor_email=actor.user.email if actor else "",
            role=actor.role.value if actor else "",
            clinic_id=clinic_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            request_id=current_request_id(),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_mac(event, key)
        event.save()
        head.last_hash, head.last_event_id = event.hash, event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass(frozen=True)
class Read:
    """One audited read, waiting to be written with the request's other reads."""

    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_detail(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
        }


# Who read (user, role, clinic) -> what they read, in order; None outside a request.
_reads: ContextVar[dict[tuple[int | None, str, int | None], tuple[Actor | None, list[Read]]] | None]
_reads = ContextVar("audit_reads", default=None)


def audit_read(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
) -> None:
    """Record a read of patient data: at once outside a request (commands, jobs), else with
    the request's other reads in one event when its response leaves."""
    pending = _reads.get()
    if pending is None:
        audit_record(actor, action, object_type, object_id, detail=detail, clinic_id=clinic_id)
        return
    clinic_id = actor.clinic.pk if actor else clinic_id
    reader = (actor.user.pk if actor else None, actor.role.value if actor else "", clinic_id)
    pending.setdefault(reader, (actor, []))[1].append(
        Read(action, object_type, str(object_id), detail or {})
    )


@contextmanager
def one_read_event() -> Iterator[None]:
    """Gather the reads made inside into one event per reader (in practice, per request):
    the first read names the event, the others follow in its detail under `also_read`."""
    token = _reads.set({})
    try:
        yield
    finally:
        pending = _reads.get() or {}
        _reads.reset(token)
        for (_, _, clinic_id), (actor, reads) in pending.items():
            first, *others = reads
            detail = {**first.detail, "also_read": [r.as_detail() for r in others]}
            audit_record(
                actor,
                first.action,
                first.object_type,
                first.object_id,
                detail=detail if others else first.detail,
                clinic_id=clinic_id,
            )


@dataclass(frozen=True)
class Anchor:
    """An event a checkpoint saw at the end of a chain: the chain must still reach it."""

    chain: str
    event_id: int
    hash: str
    made_at: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    chains: int = 0
    keyed_from_event_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None and not self.problem


def audit_verify(anchors: Iterable[Anchor] = ()) -> ChainReport:
    """Walk every chain in order; name the first event whose MAC or link does not hold, a
    head the chain no longer reaches, or an anchor (from a checkpoint) it no longer reaches."""
    key, anchors = audit_key(), list(anchors)
    heads = list(AuditChainHead.objects.all())  # read first: events written later may follow
    marker = AuditEvent.objects.filter(action=CHAIN_KEYED).order_by("id").first()
    keyed_from = marker.pk if marker else 0
    wanted = {head.last_event_id for head in heads} | {anchor.event_id for anchor in anchors}
    reached: dict[int, tuple[str, str]] = {}
    expected: dict[str, str] = {}
    checked = 0
    for event in in_order(AuditEvent.objects.all(), chunk=2000):
        legacy = event.pk < keyed_from  # before the key: one SHA-256 chain for every clinic
        chain = SYSTEM_CHAIN if legacy else chain_of(event.clinic_id)
        if event.prev_hash != expected.get(chain, GENESIS_HASH):
            return ChainReport(
                checked,
                event.pk,
                "its link to the previous event is broken "
                "(an event before it was deleted or changed)",
            )
        if legacy and not hmac.compare_digest(legacy_hash(event), event.hash):
            return ChainReport(checked, event.pk, "its content does not match its hash (edited)")
        if not legacy and not hmac.compare_digest(event_mac(event, key), event.hash):
            return ChainReport(
                checked,
                event.pk,
                "its content does not match its MAC (edited, or the audit key is not "
                "the one the chain was written with)",
            )
        expected[chain] = event.hash
        if event.pk in wanted:
            reached[event.pk] = (chain, event.hash)
        checked += 1
    for head in heads:
        if head.last_event_id and reached.get(head.last_event_id) != (head.chain, head.last_hash):
            return ChainReport(
                checked,
                None,
                f"chain {head.chain} no longer reaches event #{head.last_event_id} "
                "its head records (events at the end were deleted)",
            )
    for anchor in anchors:
        if reached.get(anchor.event_id) != (anchor.chain, anchor.hash):
            return ChainReport(
                checked,
                anchor.event_id,
                f"chain {anchor.chain} no longer reaches this event of the checkpoint "
                f"made at {anchor.made_at} (events were deleted or rewritten)",
            )
    return ChainReport(
        checked, chains=len(expected), keyed_from_event_id=marker.pk if marker else None
    )
