"""An adverse event as an AdverseEvent: coded event, seriousness, severity, outcome, onset,
who recorded it, and the session's Procedure and cartridge lot's Device as suspect entities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from needlepoint.fhir.codes import AE_OUTCOME, AE_SERIOUSNESS, AE_SEVERITY, concept, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource, instant, one_of_type, reference

EVENT = own("adverse-event")
SEVERITIES = ("mild", "moderate", "severe")
OUTCOMES = ("resolved", "recovering", "ongoing", "resolvedWithSequelae", "fatal", "unknown")
RECORDERS = ("Practitioner", "Patient")


@dataclass(frozen=True)
class AdverseEvent:
    id: str
    patient_id: str
    procedure_id: str
    recorder: tuple[str, str]
    kind: str
    severity: str
    serious: bool
    outcome: str
    onset: date
    recorded_at: datetime
    description: str
    device_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise FhirMappingError("AdverseEvent.severity", f"one of {', '.join(SEVERITIES)}")
        if self.outcome not in OUTCOMES:
            raise FhirMappingError("AdverseEvent.outcome", f"one of {', '.join(OUTCOMES)}")


def adverse_event_resources(event: AdverseEvent) -> list[Resource]:
    suspects = [("Procedure", event.procedure_id), *(("Device", d) for d in event.device_ids)]
    resource = {
        "resourceType": "AdverseEvent",
        "id": event.id,
        "actuality": "actual",
        "event": {**concept(EVENT, event.kind), "text": event.description},
        "subject": reference("Patient", event.patient_id),
        "date": event.onset.isoformat(),
        "recordedDate": instant(event.recorded_at, "AdverseEvent.recordedDate"),
        "seriousness": concept(AE_SERIOUSNESS, "serious" if event.serious else "non-serious"),
        "severity": concept(AE_SEVERITY, event.severity),
        "outcome": concept(AE_OUTCOME, event.outcome),
        "recorder": reference(*event.recorder),
        "suspectEntity": [{"instance": reference(*suspect)} for suspect in suspects],
    }
    return [resource]


def adverse_event_from_resources(resources: list[Resource]) -> AdverseEvent:
    node = one_of_type(resources, "AdverseEvent")
    node.field("actuality").one_of(("actual",))
    suspects = [
        s.field("instance").typed_reference("Procedure", "Device")
        for s in node.list("suspectEntity")
    ]
    procedures = [resource_id for kind, resource_id in suspects if kind == "Procedure"]
    if len(procedures) != 1:
        raise node.field("suspectEntity").fail("names the one session (Procedure) it followed")
    seriousness = node.field("seriousness").code(AE_SERIOUSNESS)
    return AdverseEvent(
        id=node.field("id").text(),
        patient_id=node.field("subject").reference("Patient"),
        procedure_id=procedures[0],
        recorder=node.field("recorder").typed_reference(*RECORDERS),
        kind=node.field("event").code(EVENT),
        severity=node.field("severity").code(AE_SEVERITY),
        serious=seriousness == "serious",
        outcome=node.field("outcome").code(AE_OUTCOME),
        onset=node.field("date").day(),
        recorded_at=node.field("recordedDate").instant(),
        description=node.field("event").field("text").text(),
        device_ids=tuple(resource_id for kind, resource_id in suspects if kind == "Device"),
    )
