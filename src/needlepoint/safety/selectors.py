"""Reading the audit log (a clinic admin sees their own clinic's events) and the clinic's lots."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.roles import Permission
from needlepoint.safety.models import AuditEvent, Lot


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


def clinic_today(clinic: Clinic) -> date:
    """Today's date in the clinic's time zone."""
    return timezone.localdate(timezone.now(), ZoneInfo(clinic.time_zone))


def _lots(actor: Actor) -> QuerySet[Lot]:
    actor.require(Permission.LOT_READ)
    return Lot.objects.filter(clinic=actor.clinic).select_related("clinic")


def lot_list(actor: Actor, query: str = "", include_expired: bool = False) -> QuerySet[Lot]:
    """The clinic's lots matching `query` (number, product, manufacturer), soonest expiry first.

    Without `include_expired`, lots past their expiry date are left out; recalled lots that
    have not expired stay in the list (marked by their status) so that no one misses a recall.
    """
    lots = _lots(actor)
    if not include_expired:
        lots = lots.filter(expiry_date__gte=clinic_today(actor.clinic))
    for term in query.split():
        lots = lots.filter(
            Q(lot_number__icontains=term)
            | Q(product_name__icontains=term)
            | Q(manufacturer__icontains=term)
        )
    return lots


def lot_in_scope(actor: Actor, lot_id: object, *, for_update: bool = False) -> Lot:
    """One lot of the actor's clinic by id, else 404."""
    key = record_key(lot_id, "lot")
    lots = _lots(actor)
    if for_update:
        lots = lots.select_for_update(of=("self",))
    lot = lots.filter(pk=key).first()
    if lot is None:
        raise OutOfScope("lot", key)
    return lot


def lots_usable(actor: Actor, kind: str | None = None) -> QuerySet[Lot]:
    """The lots that may be used today (not expired, not recalled), for choosing in a chart."""
    lots = _lots(actor).filter(
        expiry_date__gte=clinic_today(actor.clinic), recalled_at__isnull=True
    )
    if kind is not None:
        lots = lots.filter(kind=kind)
    return lots
