"""Reading the audit log: a clinic admin sees their own clinic's events."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.roles import Permission
from needlepoint.safety.models import AuditEvent


def audit_log(
    actor: Actor,
    *,
    action: str = "",
    actor_email: str = "",
    object_id: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    actor.require(Permission.AUDIT_READ)
    events = AuditEvent.objects.filter(clinic_id=actor.clinic.pk).order_by("-id")
    if action:
        events = events.filter(action__startswith=action)
    if actor_email:
        events = events.filter(actor_email__icontains=actor_email)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events
