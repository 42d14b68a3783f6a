"""Checkpoints: one line naming the last event of every chain, for the operator to keep
outside the database. `audit verify --checkpoint` then fails when a chain no longer reaches
an event a checkpoint saw: deleting the newest events and moving the heads back is caught."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from django.utils import timezone

from needlepoint.safety.audit import Anchor, audit_key, canonical, event_mac, mac
from needlepoint.safety.models import AuditChainHead, AuditEvent


class CheckpointError(ValueError):
    """A checkpoint line that cannot be read, or was not made with this installation's key."""


class ChainEndBroken(Exception):
    """The newest event of a chain does not match its head or its MAC: nothing to anchor."""


def audit_checkpoint() -> str:
    """The checkpoint line: per chain its last event's id, MAC and time, and a MAC of it all."""
    key = audit_key()
    heads = list(AuditChainHead.objects.exclude(last_event_id=0).order_by("chain"))
    events = AuditEvent.objects.in_bulk([head.last_event_id for head in heads])
    chains: dict[str, dict[str, Any]] = {}
    for head in heads:
        event = events.get(head.last_event_id)
        if event is None or event.hash != head.last_hash or event_mac(event, key) != event.hash:
            raise ChainEndBroken(
                f"chain {head.chain}: its newest event #{head.last_event_id} is missing "
                "or does not match its MAC; run `needlepoint audit verify`"
            )
        chains[head.chain] = {
            "event": event.pk,
            "hash": event.hash,
            "at": event.at.astimezone(UTC).isoformat(),
        }
    body = {"made_at": timezone.now().astimezone(UTC).isoformat(), "chains": chains}
    return canonical({**body, "mac": mac(key, canonical(body))}).decode()


def read_checkpoints(lines: Iterable[str]) -> list[Anchor]:
    """The anchors of every checkpoint line (blank lines skipped), each line's MAC checked."""
    key, anchors = audit_key(), []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            anchors.extend(_anchors(key, number, line))
    return anchors


def _anchors(key: bytes, number: int, line: str) -> list[Anchor]:
    try:
        body = json.loads(line)
        made_at, chains, claimed = body["made_at"], body["chains"], body["mac"]
        expected = mac(key, canonical({"made_at": made_at, "chains": chains}))
        anchors = [
            Anchor(chain, int(end["event"]), str(end["hash"]), str(made_at))
            for chain, end in chains.items()
        ]
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"line {number} is not a checkpoint ({error})") from None
    if not isinstance(claimed, str) or not hmac.compare_digest(claimed, expected):
        raise CheckpointError(
            f"line {number}: its MAC does not match (changed, or made with another audit key)"
        )
    return anchors
