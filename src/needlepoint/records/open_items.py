"""What is open for a patient, for the practitioner to review before a session starts."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Q

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.courses.models import Session
from needlepoint.domain.charting import OpenItem
from needlepoint.intakes.models import Screening
from needlepoint.patients.models import Patient

UNRESOLVED_OUTCOMES = (
    AdverseEvent.Outcome.RECOVERING,
    AdverseEvent.Outcome.ONGOING,
    AdverseEvent.Outcome.UNKNOWN,
)


def open_items(actor: Actor, patient: Patient) -> tuple[OpenItem, ...]:
    """Unresolved alerts and adverse events, recalled lots used on the patient, and a
    screening still waiting for acknowledgement. `patient` was read through its door."""
    scope = {"clinic": actor.clinic, "patient": patient}
    zone = actor.zone

    def day(moment: datetime | date) -> str:
        local = moment.astimezone(zone) if isinstance(moment, datetime) else moment
        return f"{local.day} {local:%b %Y}"

    items = [
        OpenItem(
            "alert",
            f"{alert.checkin.get_level_display()} alert from the check-in of "
            f"{day(alert.created_at)} ({alert.get_status_display().lower()})",
        )
        for alert in Alert.objects.filter(**scope)
        .exclude(status=Alert.Status.RESOLVED)
        .select_related("checkin")
    ]
    items += [
        OpenItem(
            "adverse_event",
            f"Adverse event: {event} since {day(event.onset)} "
            f"({event.get_outcome_display().lower()})",
        )
        for event in AdverseEvent.objects.filter(**scope, outcome__in=UNRESOLVED_OUTCOMES)
    ]
    recalled = Q(cartridge_lot__recalled_at__isnull=False) | Q(
        product_lots__recalled_at__isnull=False
    )
    treated = (
        Session.objects.filter(recalled, **scope)
        .distinct()
        .select_related("cartridge_lot")
        .prefetch_related("product_lots")
        .order_by("number")
    )
    items += [
        OpenItem(
            "recalled_lot",
            f"Session {session.number} ({day(session.scheduled_at)}) "
            f"used a lot that has since been recalled: {lot.lot_number} ({lot.recall_reason})",
        )
        for session in treated
        for lot in [session.cartridge_lot, *session.product_lots.all()]
        if lot is not None and lot.recalled_at is not None
    ]
    latest = Screening.objects.filter(**scope).order_by("-screened_at").first()
    waiting = latest.unacknowledged() if latest is not None else []
    if waiting:
        codes = ", ".join(str(finding["code"]) for finding in waiting)
        items.append(OpenItem("screening", f"The latest screening needs acknowledging: {codes}"))
    return tuple(items)
