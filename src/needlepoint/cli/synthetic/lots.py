"""The clinic's generated lots: each quarter a cartridge lot, a serum lot and a numbing-cream
lot, usable through every session of their quarter. About one lot in six is recalled three
weeks after its quarter, so sessions charted with it stand and the recall notices have work
to show. Lots are the clinic's stock, not a patient's: a later run reuses them."""

from __future__ import annotations

import zlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from needlepoint.cli.synthetic.context import QuarterLots, quarter_end, quarter_of, quarter_start
from needlepoint.clinics.models import Clinic
from needlepoint.safety.models import Lot, LotKind

# (role, kind, lot number stem, manufacturer, product)
STOCK = (
    ("cartridge", LotKind.CARTRIDGE, "SYN-C12", "Acme Dermal Devices",
     "MicroPen sterile cartridge, 12 needles"),
    ("serum", LotKind.PRODUCT, "SYN-HA", "Lumen Skin Laboratories",
     "Sterile hyaluronic acid serum 1%, 5 mL"),
    ("numbing", LotKind.PRODUCT, "SYN-LC4", "Northbridge Pharma",
     "Lidocaine 4% topical cream, 30 g"),
)  # fmt: skip
RECALL_REASON = (
    "Supplier field safety notice: sterility of this lot cannot be assured; quarantine any "
    "stock and review the patients treated with it."
)
RECALLED_ONE_IN = 6


def _quarters(first: date, last: date) -> list[tuple[int, int]]:
    quarters, (year, quarter) = [], quarter_of(first)
    while (year, quarter) <= quarter_of(last):
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def ensure_lots(
    clinic: Clinic, first: date, last: date, now: datetime
) -> dict[tuple[int, int], QuarterLots]:
    """The lots of every quarter from `first` to `last`, made when missing."""
    zone = ZoneInfo(clinic.time_zone)
    wanted: dict[tuple[str, str], Lot] = {}
    for year, quarter in _quarters(first, last):
        recall_at = datetime.combine(quarter_end(year, quarter) + timedelta(days=21), time(10),
                                     tzinfo=zone)  # fmt: skip
        for _, kind, stem, manufacturer, product in STOCK:
            number = f"{stem}-{year}Q{quarter}"
            recalled = zlib.crc32(number.encode()) % RECALLED_ONE_IN == 0 and recall_at <= now
            wanted[kind, number] = Lot(
                clinic=clinic, kind=kind, manufacturer=manufacturer, product_name=product,
                lot_number=number, expiry_date=quarter_end(year, quarter) + timedelta(days=540),
                received_at=quarter_start(year, quarter) - timedelta(days=14),
                recalled_at=recall_at if recalled else None,
                recall_reason=RECALL_REASON if recalled else "",
            )  # fmt: skip
    existing = {
        (lot.kind, lot.lot_number): lot
        for lot in Lot.objects.filter(clinic=clinic, lot_number__in=[n for _, n in wanted])
    }
    Lot.objects.bulk_create([lot for key, lot in wanted.items() if key not in existing])
    lots = {**wanted, **existing}
    return {
        (year, quarter): QuarterLots(
            *(lots[kind, f"{stem}-{year}Q{quarter}"].pk for _, kind, stem, _, _ in STOCK)
        )
        for year, quarter in _quarters(first, last)
    }
