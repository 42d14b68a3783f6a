"""Reading the audit log (a clinic admin sees their own clinic's events; a patient, who of the
staff opened their record) and the clinic's lots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from needlepoint.accounts.models import User
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.records import OutOfScope, record_key
from needlepoint.clinics.replica import reporting_database
from needlepoint.clinics.roles import Permission, Role
from needlepoint.safety.audit import audit_read
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
    events = (
        AuditEvent.objects.using(reporting_database())
        .filter(clinic_id=actor.clinic.pk)
        .order_by("-id")
    )
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


@dataclass(frozen=True)
class RecordAccess:
    """One read or change of a patient's record by the clinic's staff, as the patient sees it."""

    at: datetime
    staff: str
    role: str
    what: str


_ROLE_LABELS = {role.value: role.label for role in Role}


def _in_words(action: str) -> str:
    subject, _, verb = action.partition(".")
    return f"{subject} {verb}".replace("_", " ").strip().capitalize()


def access_my_access_log(actor: Actor, limit: int = 200) -> list[RecordAccess]:
    """Who of the clinic's staff read or changed the patient's record, newest first: their
    name and role, what and when (no e-mail or request detail); the patient's own actions
    and the system's are left out. Audited."""
    if actor.role is not Role.PATIENT:
        raise PermissionDenied("Only a patient reads their own access log.")
    events = list(
        AuditEvent.objects.filter(
            clinic_id=actor.clinic.pk,
            object_type="patient",
            object_id=str(actor.patient_id),
            actor_user_id__isnull=False,
        )
        .exclude(role=Role.PATIENT.value)
        .order_by("-id")[:limit]
    )
    names: dict[int | None, str] = dict(
        User.objects.filter(pk__in={e.actor_user_id for e in events}).values_list("pk", "full_name")
    )
    audit_read(actor, "access_log.read", "patient", actor.patient_id)
    return [
        RecordAccess(
            at=event.at,
            staff=names.get(event.actor_user_id) or "A former staff member",
            role=_ROLE_LABELS.get(event.role, event.role),
            what=_in_words(event.action),
        )
        for event in events
    ]
