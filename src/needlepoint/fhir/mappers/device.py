"""A lot of needle cartridges or of a product as a Device: lot number, expiry, manufacturer,
and its recall (the Device inactive, the recall a safety characteristic, its reason a note)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from needlepoint.fhir.codes import concept, own
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Resource, compact, first, instant, one_of_type, reference

LOT_KIND = own("lot-kind")
LOT_SAFETY = own("lot-safety")
KINDS = ("cartridge", "product")


@dataclass(frozen=True)
class Lot:
    id: str
    organization_id: str
    kind: str
    manufacturer: str
    product_name: str
    lot_number: str
    expiry_date: date
    recalled_at: datetime | None = None
    recall_reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FhirMappingError("Device.type", f"a lot is one of {', '.join(KINDS)}")
        if (self.recalled_at is None) != (not self.recall_reason):
            raise FhirMappingError("Device.note", "a recall has a time and a reason")


def lot_resources(lot: Lot) -> list[Resource]:
    recall = (
        {
            "safety": [concept(LOT_SAFETY, "recalled")],
            "note": [
                {"time": instant(lot.recalled_at, "Device.note.time"), "text": lot.recall_reason}
            ],
        }
        if lot.recalled_at
        else {}
    )
    device = {
        "resourceType": "Device",
        "id": lot.id,
        "status": "inactive" if lot.recalled_at else "active",
        "manufacturer": lot.manufacturer,
        "expirationDate": lot.expiry_date.isoformat(),
        "lotNumber": lot.lot_number,
        "deviceName": [{"name": lot.product_name, "type": "user-friendly-name"}],
        "type": concept(LOT_KIND, lot.kind),
        "owner": reference("Organization", lot.organization_id),
        **recall,
    }
    return [compact(device)]


def lot_from_resources(resources: list[Resource]) -> Lot:
    device = one_of_type(resources, "Device")
    note = first(device, "note") if device.has("note") else None
    return Lot(
        id=device.field("id").text(),
        organization_id=device.field("owner").reference("Organization"),
        kind=device.field("type").code(LOT_KIND),
        manufacturer=device.field("manufacturer").text(),
        product_name=first(device, "deviceName").field("name").text(),
        lot_number=device.field("lotNumber").text(),
        expiry_date=device.field("expirationDate").day(),
        recalled_at=note.field("time").instant() if note else None,
        recall_reason=note.field("text").text() if note else "",
    )
