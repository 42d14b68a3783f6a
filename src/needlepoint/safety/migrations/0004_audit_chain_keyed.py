from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.utils import timezone

from needlepoint.safety.audit import CHAIN_KEYED, SYSTEM_CHAIN, event_mac
from needlepoint.safety.audit_key import key_id, load_key


def key_the_chain(apps: Apps, schema_editor: Any) -> None:
    """Create the audit key (first migrate) and, when events exist, append the event that
    keys the chain: the events before it keep their SHA-256 links and are still verified."""
    key = load_key(settings.DATA_DIR, create=True)
    AuditEvent = apps.get_model("safety", "AuditEvent")
    AuditChainHead = apps.get_model("safety", "AuditChainHead")
    last = AuditEvent.objects.order_by("-id").first()
    if last is None:
        return
    marker = AuditEvent(
        at=timezone.now(),
        actor_email="",
        role="",
        clinic_id=None,
        action=CHAIN_KEYED,
        object_type="audit_chain",
        object_id=SYSTEM_CHAIN,
        request_id="",
        detail={"sha256_until_event": last.pk, "key_id": key_id(key)},
        prev_hash=last.hash,
    )
    marker.hash = event_mac(marker, key)
    marker.save()
    AuditChainHead.objects.update_or_create(
        chain=SYSTEM_CHAIN,
        defaults={"last_hash": marker.hash, "last_event_id": marker.pk},
    )


def refuse_unkeying(apps: Apps, schema_editor: Any) -> None:
    if apps.get_model("safety", "AuditEvent").objects.exists():
        raise RuntimeError(
            "the audit chain is keyed: the earlier release cannot verify it, so this "
            "migration is not reversed while the trail has events"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0003_audit_chain_per_clinic"),
    ]

    operations = [migrations.RunPython(key_the_chain, refuse_unkeying)]
