"""A photo as a Media (its metadata and a link to the consent-gated image, never the bytes)
and, per measured zone, an Observation of its colour metrics (L*, a*, b*, ITA°, spot count)
with the measurement method and the pixels measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from needlepoint.fhir import ids
from needlepoint.fhir.codes import UCUM, concept, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Node, Resource, compact, instant, of_type, one_of_type, reference
from needlepoint.fhir.mappers.assessment import ZONE
from needlepoint.fhir.mappers.patient import OBSERVATION, observation_category

POSE = own("photo-pose")
METHOD = own("measurement-method")
METRIC = own("photo-metric")
ZONE_METRICS = "photo-zone-metrics"
# How the app measures a zone (imaging/analysis.py): CIELAB from sRGB, D65 white, 2° observer.
CIELAB_METHOD = "cielab-srgb-d65"
OPERATORS = ("Practitioner", "Patient")
PARTS = ("Procedure", "Appointment", "QuestionnaireResponse")


@dataclass(frozen=True)
class ZoneMeasure:
    zone: str
    lightness: float
    a_star: float
    b_star: float
    ita_deg: float
    spot_count: int
    pixels: int


@dataclass(frozen=True)
class Photo:
    """`part_of` is the session ("Procedure", or "Appointment" before treatment began) or
    the check-in ("QuestionnaireResponse");
    `operator` ("Practitioner", id) or ("Patient", id): who took or uploaded it."""

    id: str
    patient_id: str
    part_of: tuple[str, str]
    operator: tuple[str, str]
    captured_at: datetime
    width: int
    height: int
    url: str
    content_type: str = "image/jpeg"
    pose: str = ""
    zones: tuple[ZoneMeasure, ...] = ()

    def __post_init__(self) -> None:
        if self.part_of[0] not in PARTS:
            raise FhirMappingError("Media.partOf", "a photo belongs to a session or a check-in")
        if self.operator[0] not in OPERATORS:
            raise FhirMappingError("Media.operator", "must be a Practitioner or the Patient")


def _quantity(name: str, value: float, unit: str | None = None) -> Resource:
    quantity: Resource = {"value": value}
    if unit:
        quantity.update(unit=unit, system=UCUM, code=unit)
    return {"code": concept(METRIC, name), "valueQuantity": quantity}


def _zone_observation(photo: Photo, measure: ZoneMeasure, when: str) -> Resource:
    return {
        "resourceType": "Observation",
        "id": ids.part(photo.id, measure.zone),
        "status": "final",
        "category": observation_category("imaging"),
        "code": concept(OBSERVATION, ZONE_METRICS),
        "subject": reference("Patient", photo.patient_id),
        "effectiveDateTime": when,
        "bodySite": concept(ZONE, measure.zone),
        "method": concept(METHOD, CIELAB_METHOD),
        "derivedFrom": [reference("Media", photo.id)],
        "component": [
            _quantity("l-star", measure.lightness),
            _quantity("a-star", measure.a_star),
            _quantity("b-star", measure.b_star),
            _quantity("ita", measure.ita_deg, "deg"),
            {"code": concept(METRIC, "spot-count"), "valueInteger": measure.spot_count},
            {"code": concept(METRIC, "pixels"), "valueInteger": measure.pixels},
        ],
    }


def photo_resources(photo: Photo) -> list[Resource]:
    when = instant(photo.captured_at, "Media.createdDateTime")
    media = {
        "resourceType": "Media",
        "id": photo.id,
        "partOf": [reference(*photo.part_of)],
        "status": "completed",
        "view": concept(POSE, photo.pose) if photo.pose else None,
        "subject": reference("Patient", photo.patient_id),
        "createdDateTime": when,
        "operator": reference(*photo.operator),
        "height": photo.height,
        "width": photo.width,
        "content": {"contentType": photo.content_type, "url": photo.url, "creation": when},
    }
    return [compact(media), *(_zone_observation(photo, m, when) for m in photo.zones)]


def _measure(node: Node) -> ZoneMeasure:
    values: dict[str, Node] = {}
    for component in node.list("component"):
        name = component.field("code").code(METRIC)
        values[name] = component.field(
            "valueInteger" if component.has("valueInteger") else "valueQuantity"
        )
    missing = {"l-star", "a-star", "b-star", "ita", "spot-count", "pixels"} - set(values)
    if missing:
        raise node.field("component").fail(f"lacks {', '.join(sorted(missing))}")
    if node.field("method").code(METHOD) != CIELAB_METHOD:
        raise node.field("method").fail(f"must be {METHOD}#{CIELAB_METHOD}")
    return ZoneMeasure(
        zone=node.field("bodySite").code(ZONE),
        lightness=values["l-star"].field("value").number(),
        a_star=values["a-star"].field("value").number(),
        b_star=values["b-star"].field("value").number(),
        ita_deg=values["ita"].field("value").number(),
        spot_count=values["spot-count"].integer(),
        pixels=values["pixels"].integer(),
    )


def photo_from_resources(resources: list[Resource]) -> Photo:
    media = one_of_type(resources, "Media")
    content = media.field("content")
    parts = media.list("partOf")
    if len(parts) != 1:
        raise media.field("partOf").fail("a photo belongs to one session or check-in")
    return Photo(
        id=media.field("id").text(),
        patient_id=media.field("subject").reference("Patient"),
        part_of=parts[0].typed_reference(*PARTS),
        operator=media.field("operator").typed_reference(*OPERATORS),
        captured_at=media.field("createdDateTime").instant(),
        width=media.field("width").integer(),
        height=media.field("height").integer(),
        url=content.field("url").text(),
        content_type=content.field("contentType").text(),
        pose=media.field("view").code(POSE) if media.has("view") else "",
        zones=tuple(_measure(node) for node in of_type(resources, "Observation")),
    )
