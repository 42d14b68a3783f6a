"""The typed form of charting.toml: what a chart must hold."""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model.common import Confidence, Range

CHART_FIELDS = (
    "anaesthetic",
    "numbing_applied_at",
    "numbing_removed_at",
    "device",
    "device_id",
    "cartridge_lot",
    "product_lots",
    "zones",
    "endpoint",
    "adjuncts",
    "immediate_reactions",
    "started_at",
    "ended_at",
)


@dataclass(frozen=True)
class ChartRules:
    """What a session's chart must hold to be saved and signed (depth limits are per zone)."""

    clock_skew_minutes: int
    passes: Range[int]
    required_to_sign: tuple[str, ...]
    cartridge_lot_not_required_for: frozenset[str]
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class AppointmentTimes:
    """What a microneedling appointment reserves: the numbing before the procedure and the
    procedure's length (a clinic's appointment types choose within `procedure_minutes`)."""

    numbing_minutes: int
    procedure_minutes: Range[int]
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
