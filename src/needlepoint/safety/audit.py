"""Writing audit events into the hash chain, and verifying the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.safety.models import AuditChainHead, AuditEvent
from needlepoint.safety.request_context import current_request_id

GENESIS_HASH = "0" * 64


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's content and the hash of the event before it."""
    content = {
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
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain (in its own transaction, or the caller's)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS_HASH}
        )
        event = AuditEvent(
            at=timezone.now(),
            actor_user_id=actor.user.pk if actor else None,
            actor_email=actor.user.email if actor else "",
            role=actor.role.value if actor else "",
            clinic_id=actor.clinic.pk if actor else clinic_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            request_id=current_request_id(),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.last_hash, head.last_event_id = event.hash, event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None and not self.problem


def audit_verify(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain in order; name the first event whose hash or link does not hold."""
    rows = events if events is not None else AuditEvent.objects.order_by("id").iterator(2000)
    expected_prev, checked, last_id = GENESIS_HASH, 0, 0
    for event in rows:
        if event.prev_hash != expected_prev:
            return ChainReport(
                checked,
                event.pk,
                "its link to the previous event is broken "
                "(an event before it was deleted or changed)",
            )
        if event_hash(event) != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash (edited)")
        expected_prev, last_id = event.hash, event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != expected_prev or head.last_event_id != last_id):
        return ChainReport(
            checked,
            None,
            f"the chain ends at event #{last_id} but the head "
            f"records event #{head.last_event_id} (events at the end were deleted)",
        )
    return ChainReport(checked)
