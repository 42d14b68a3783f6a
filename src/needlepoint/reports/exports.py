"""A clinic's lists as CSV for its manager: the patients, the sessions (a column pair per
zone: depth and passes) and the adverse events, times in the clinic's time zone. Rows are
read in chunks as the file is written. Restricted records are left out of the patient and
session lists, as from every list; adverse events are all kept, as safety reports are. One
audit event per file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.models import Clinic
from needlepoint.clinics.roles import Permission
from needlepoint.clinics.streaming import in_order
from needlepoint.courses.models import Session
from needlepoint.patients.models import Patient
from needlepoint.reports.csv import Table, local
from needlepoint.safety.audit import audit_read
from needlepoint.safety.models import Lot

CHUNK = 500  # rows read per query while a file is written
Row = tuple[object, ...]


def patient_table(clinic: Clinic) -> Table:
    zone = ZoneInfo(clinic.time_zone)
    header = (
        "record_number", "given_name", "family_name", "date_of_birth", "sex", "phone",
        "email", "preferred_language", "fitzpatrick", "portal_account", "archived",
        "created_at",
    )  # fmt: skip
    patients = Patient.objects.filter(clinic=clinic, restricted_at__isnull=True)

    def rows() -> Iterator[Row]:
        for p in in_order(patients, "record_number", "pk", chunk=CHUNK):
            yield (
                p.record_number, p.given_name, p.family_name, p.date_of_birth, p.sex, p.phone,
                p.email, p.preferred_language, p.fitzpatrick, p.user_id is not None,
                p.archived, local(p.created_at, zone),
            )  # fmt: skip

    return Table(f"{clinic.slug}-patients.csv", header, rows())


def _day(session: Session, zone: ZoneInfo) -> date:
    """The day of a session at the clinic: when it started, else when it is booked."""
    return (session.started_at or session.scheduled_at).astimezone(zone).date()


def _zone_cells(charted: dict[str, Any], zones: tuple[str, ...]) -> Iterator[object]:
    """Depth (mm) and passes of each zone, empty where the zone was not treated."""
    for zone in zones:
        entry = charted.get(zone) or {}
        yield entry.get("depth_mm")
        yield entry.get("passes")


# What the session list reads of a session and its relations (not its review, plan or chart
# notes, which are most of a row).
SESSION_COLUMNS = (
    "course_id", "number", "status", "scheduled_at", "started_at", "ended_at", "device",
    "device_id", "endpoint", "zones", "patient__record_number", "practitioner__user__full_name",
    "cartridge_lot__lot_number",
)  # fmt: skip


def session_table(clinic: Clinic) -> Table:
    zone = ZoneInfo(clinic.time_zone)
    zones = tuple(clinic_knowledge(clinic).zones)
    header = (
        "date", "record_number", "course", "session", "status", "scheduled_at", "started_at",
        "ended_at", "practitioner", "device", "device_id", "cartridge_lot", "product_lots",
        "endpoint", *(f"{z}_{part}" for z in zones for part in ("depth_mm", "passes")),
    )  # fmt: skip
    sessions = (
        Session.objects.filter(clinic=clinic, patient__restricted_at__isnull=True)
        .select_related("patient", "practitioner__user", "cartridge_lot")
        .only(*SESSION_COLUMNS)
        .prefetch_related(Prefetch("product_lots", Lot.objects.only("lot_number")))
    )

    def rows() -> Iterator[Row]:
        for s in in_order(sessions, "scheduled_at", "pk", chunk=CHUNK):
            yield (
                _day(s, zone), s.patient.record_number, s.course_id, s.number, s.status,
                local(s.scheduled_at, zone), local(s.started_at, zone), local(s.ended_at, zone),
                s.practitioner.user.full_name if s.practitioner else "", s.device, s.device_id,
                s.cartridge_lot.lot_number if s.cartridge_lot else "",
                "; ".join(sorted(lot.lot_number for lot in s.product_lots.all())), s.endpoint,
                *_zone_cells(s.zones, zones),
            )  # fmt: skip

    return Table(f"{clinic.slug}-sessions.csv", header, rows())


def adverse_event_table(clinic: Clinic) -> Table:
    zone = ZoneInfo(clinic.time_zone)
    header = (
        "onset", "record_number", "session", "session_date", "kind", "severity", "serious",
        "outcome", "description", "from_check_in_alert", "recorded_by", "recorded_at",
    )  # fmt: skip
    events = AdverseEvent.objects.filter(clinic=clinic).select_related(
        "patient", "session", "recorded_by"
    )

    def rows() -> Iterator[Row]:
        for e in in_order(events, "onset", "pk", chunk=CHUNK):
            yield (
                e.onset, e.patient.record_number, e.session.number, _day(e.session, zone),
                e.kind, e.severity, e.serious, e.outcome,
                e.description, e.alert_id is not None, e.recorded_by.full_name,
                local(e.recorded_at, zone),
            )  # fmt: skip

    return Table(f"{clinic.slug}-adverse-events.csv", header, rows())


TABLES: dict[str, Callable[[Clinic], Table]] = {
    "patients": patient_table,
    "sessions": session_table,
    "adverse-events": adverse_event_table,
}


def _access_table(actor: Actor | None, clinic: Clinic, kind: str) -> Table:
    if kind not in TABLES:
        raise ValueError(f"not a CSV export: {kind!r} (one of {', '.join(TABLES)})")
    audit_read(actor, "clinic.csv_export", "clinic", clinic.pk, clinic_id=clinic.pk,
               detail={"kind": kind})  # fmt: skip
    return TABLES[kind](clinic)


def access_clinic_table(actor: Actor, kind: str) -> Table:
    """One of the actor's clinic's lists (`TABLES`), for a clinic admin."""
    actor.require(Permission.PATIENT_DATA_RIGHTS)
    return _access_table(actor, actor.clinic, kind)


def access_operator_clinic_table(clinic: Clinic, kind: str) -> Table:
    """One of a clinic's lists for an operator on the host (a command: no user, no role)."""
    return _access_table(None, clinic, kind)
