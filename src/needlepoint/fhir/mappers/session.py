"""A session as an Appointment (when it is booked) and, once treatment began or was called
off, a Procedure: the period, the performer, the zones treated (each also an Observation of
its depth and passes), the device and cartridge lot, the products, the endpoint reached, the
immediate reactions, and not-done with its reason for a cancelled session. The topical
anaesthetic's time on the skin is a MedicationAdministration, part of the Procedure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from needlepoint.fhir import ids
from needlepoint.fhir.codes import concept, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import (
    Node,
    Resource,
    compact,
    first,
    instant,
    of_type,
    one_of_type,
    reference,
)
from needlepoint.fhir.mappers.assessment import ZONE
from needlepoint.fhir.mappers.careplan import ADJUNCT, MICRONEEDLING, PROCEDURE, millimetres
from needlepoint.fhir.mappers.patient import OBSERVATION, observation_category

DEVICE_KIND = own("device-kind")
ENDPOINT = own("endpoint")
NOT_DONE_REASON = own("procedure-not-done-reason")
METRIC = own("treatment-metric")
TREATED_ZONE = "treated-zone"
NUMBING = "numbing"  # the suffix of the anaesthetic's MedicationAdministration
# The session's status as the Appointment's and the Procedure's (None: no Procedure yet).
STATUSES = {
    "scheduled": ("booked", None),
    "in_progress": ("arrived", "in-progress"),
    "signed": ("fulfilled", "completed"),
    "cancelled": ("cancelled", "not-done"),
}
NUMBER = re.compile(r"Session (\d+)")


@dataclass(frozen=True)
class TreatedZone:
    zone: str
    depth_mm: float | None = None
    passes: int | None = None


@dataclass(frozen=True)
class Session:
    """`ends_at` is when the appointment ends: the session's end once charted, else the
    booked length after `scheduled_at`. The chart's fields are empty until it is charted."""

    id: str
    patient_id: str
    course_id: str
    number: int
    status: str
    scheduled_at: datetime
    ends_at: datetime
    practitioner_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    device: str = ""
    cartridge_lot_id: str | None = None
    product_lot_ids: tuple[str, ...] = ()
    zones: tuple[TreatedZone, ...] = ()
    adjuncts: tuple[str, ...] = ()
    anaesthetic: str = ""
    endpoint: str = ""
    immediate_reactions: str = ""
    numbing_applied_at: datetime | None = None
    numbing_removed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise FhirMappingError("Procedure.status", f"unknown session status {self.status!r}")
        if self.ends_at < self.scheduled_at:
            raise FhirMappingError("Appointment.end", "must not be before the start")
        applied, removed = self.numbing_applied_at, self.numbing_removed_at
        if applied and removed and removed < applied:
            raise FhirMappingError(
                "MedicationAdministration.effectivePeriod.end", "must not be before the start"
            )


def _appointment(session: Session) -> Resource:
    people = [("Patient", session.patient_id)]
    if session.practitioner_id:
        people.append(("Practitioner", session.practitioner_id))
    return {
        "resourceType": "Appointment",
        "id": session.id,
        "status": STATUSES[session.status][0],
        "serviceType": [concept(PROCEDURE, MICRONEEDLING)],
        "description": f"Session {session.number}",
        "supportingInformation": [reference("CarePlan", session.course_id)],
        "start": instant(session.scheduled_at, "Appointment.start"),
        "end": instant(session.ends_at, "Appointment.end"),
        "participant": [{"actor": reference(*person), "status": "accepted"} for person in people],
    }


def _procedure(session: Session, status: str) -> Resource:
    period = {
        "start": session.started_at and instant(session.started_at, "Procedure.performed"),
        "end": session.ended_at and instant(session.ended_at, "Procedure.performed"),
    }
    used = [
        *([concept(DEVICE_KIND, session.device)] if session.device else []),
        *(concept(ADJUNCT, code) for code in session.adjuncts),
        *([{"text": session.anaesthetic}] if session.anaesthetic else []),
    ]
    resource = {
        "resourceType": "Procedure",
        "id": session.id,
        "basedOn": [reference("CarePlan", session.course_id)],
        "status": status,
        "statusReason": concept(NOT_DONE_REASON, "session-cancelled")
        if status == "not-done"
        else None,
        "code": concept(PROCEDURE, MICRONEEDLING),
        "subject": reference("Patient", session.patient_id),
        "performedPeriod": compact(period),
        "performer": [{"actor": reference("Practitioner", session.practitioner_id)}]
        if session.practitioner_id
        else [],
        "bodySite": [concept(ZONE, zone.zone) for zone in session.zones],
        "outcome": concept(ENDPOINT, session.endpoint) if session.endpoint else None,
        "complication": [{"text": session.immediate_reactions}]
        if session.immediate_reactions
        else [],
        "focalDevice": [{"manipulated": reference("Device", session.cartridge_lot_id)}]
        if session.cartridge_lot_id
        else [],
        "usedReference": [reference("Device", lot) for lot in session.product_lot_ids],
        "usedCode": used,
    }
    return compact(resource)


def _zone(session: Session, zone: TreatedZone) -> Resource:
    components: list[Resource] = []
    if zone.depth_mm is not None:
        components.append(
            {"code": concept(METRIC, "depth"), "valueQuantity": millimetres(zone.depth_mm)}
        )
    if zone.passes is not None:
        components.append({"code": concept(METRIC, "passes"), "valueInteger": zone.passes})
    resource = {
        "resourceType": "Observation",
        "id": ids.part(session.id, zone.zone),
        "partOf": [reference("Procedure", session.id)],
        "status": "final",
        "category": observation_category("procedure"),
        "code": concept(OBSERVATION, TREATED_ZONE),
        "subject": reference("Patient", session.patient_id),
        "bodySite": concept(ZONE, zone.zone),
        "component": components,
    }
    return compact(resource)


def _numbing(session: Session) -> list[Resource]:
    """The anaesthetic's time on the skin, when either end of it was charted."""
    applied, removed = session.numbing_applied_at, session.numbing_removed_at
    if applied is None and removed is None:
        return []
    path = "MedicationAdministration.effectivePeriod"
    period = {
        "start": applied and instant(applied, f"{path}.start"),
        "end": removed and instant(removed, f"{path}.end"),
    }
    resource = {
        "resourceType": "MedicationAdministration",
        "id": ids.part(session.id, NUMBING),
        "status": "completed",
        "medicationCodeableConcept": {"text": session.anaesthetic or "Topical anaesthetic"},
        "subject": reference("Patient", session.patient_id),
        "partOf": [reference("Procedure", session.id)],
        "effectivePeriod": compact(period),
    }
    return [resource]


def session_resources(session: Session) -> list[Resource]:
    status = STATUSES[session.status][1]
    if status is None:
        return [_appointment(session)]
    zones = [_zone(session, zone) for zone in session.zones]
    return [_appointment(session), _procedure(session, status), *zones, *_numbing(session)]


def _treated(node: Node) -> TreatedZone:
    values = {c.field("code").code(METRIC): c for c in node.list("component")}
    depth, passes = values.get("depth"), values.get("passes")
    return TreatedZone(
        zone=node.field("bodySite").code(ZONE),
        depth_mm=None if depth is None else depth.field("valueQuantity").field("value").number(),
        passes=None if passes is None else passes.field("valueInteger").integer(),
    )


def _used(procedure: Node) -> tuple[str, tuple[str, ...], str]:
    device, adjuncts, anaesthetic = "", [], ""
    for item in procedure.list("usedCode"):
        if not item.has("coding"):
            anaesthetic = item.field("text").text()
        elif str(first(item, "coding").field("system").value) == DEVICE_KIND:
            device = item.code(DEVICE_KIND)
        else:
            adjuncts.append(item.code(ADJUNCT))
    return device, tuple(adjuncts), anaesthetic


def session_from_resources(resources: list[Resource]) -> Session:
    appointment = one_of_type(resources, "Appointment")
    by_status = {statuses[0]: status for status, statuses in STATUSES.items()}
    status = by_status[appointment.field("status").one_of(tuple(by_status))]
    number = NUMBER.fullmatch(appointment.field("description").text())
    if number is None:
        raise appointment.field("description").fail('must be "Session <number>"')
    procedures = of_type(resources, "Procedure")
    if len(procedures) != (STATUSES[status][1] is not None):
        raise FhirMappingError(
            "Procedure",
            f"a {status} session has {'no' if STATUSES[status][1] is None else 'one'} Procedure",
        )
    practitioner = [
        p.field("actor").reference("Practitioner")
        for p in appointment.list("participant")
        if str(p.field("actor").field("reference").value).startswith("Practitioner/")
    ]
    booked = Session(
        id=appointment.field("id").text(),
        patient_id=first(appointment, "participant").field("actor").reference("Patient"),
        course_id=first(appointment, "supportingInformation").reference("CarePlan"),
        number=int(number.group(1)),
        status=status,
        scheduled_at=appointment.field("start").instant(),
        ends_at=appointment.field("end").instant(),
        practitioner_id=practitioner[0] if practitioner else None,
    )
    if not procedures:
        return booked
    procedure = procedures[0]
    period = procedure.maybe("performedPeriod")
    start = period and period.maybe("start")
    end = period and period.maybe("end")
    device, adjuncts, anaesthetic = _used(procedure)
    cartridge = procedure.list("focalDevice")
    numbing = of_type(resources, "MedicationAdministration")
    numbed = numbing[0].field("effectivePeriod") if numbing else None
    applied = numbed and numbed.maybe("start")
    removed = numbed and numbed.maybe("end")
    return replace(
        booked,
        started_at=start.instant() if start else None,
        ended_at=end.instant() if end else None,
        device=device,
        cartridge_lot_id=cartridge[0].field("manipulated").reference("Device")
        if cartridge
        else None,
        product_lot_ids=tuple(r.reference("Device") for r in procedure.list("usedReference")),
        zones=tuple(_treated(node) for node in of_type(resources, "Observation")),
        adjuncts=adjuncts,
        anaesthetic=anaesthetic,
        endpoint=procedure.field("outcome").code(ENDPOINT) if procedure.has("outcome") else "",
        immediate_reactions=first(procedure, "complication").field("text").text()
        if procedure.has("complication")
        else "",
        numbing_applied_at=applied.instant() if applied else None,
        numbing_removed_at=removed.instant() if removed else None,
    )
