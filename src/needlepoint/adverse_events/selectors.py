"""Reads of adverse events: scoped to the actor's clinic, audited once per list."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.replica import reporting_database
from needlepoint.clinics.roles import Permission
from needlepoint.safety.audit import audit_read


def access_adverse_events(
    actor: Actor, patient_id: UUID | None = None, *, limit: int = 500
) -> list[AdverseEvent]:
    """The clinic's adverse events (or one patient's), at most `limit`: audited once."""
    events = list(adverse_events(actor, patient_id)[:limit])
    audit_read(
        actor,
        "adverse_event.list",
        "clinic",
        actor.clinic.pk,
        detail={
            "events": [event.pk for event in events],
            "patients": sorted({str(event.patient_id) for event in events}),
        },
    )
    return events


def adverse_events(actor: Actor, patient_id: UUID | None = None) -> QuerySet[AdverseEvent]:
    actor.require(Permission.CLINICAL_READ)
    events = (
        AdverseEvent.objects.using(reporting_database())
        .filter(clinic=actor.clinic)
        .select_related("patient", "session")
    )
    if patient_id is not None:
        events = events.filter(patient_id=patient_id)
    return events
