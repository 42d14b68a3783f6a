"""The session gate: may a session start, may its chart be saved, may it be signed.

Pure: the caller passes the chart, the re-screening's state, what is open for the patient, the
clinic's time zone and `now`. Each refusal names the field it is about and why, so a form or
the API can show it where it belongs; an empty answer means the step may go ahead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.screening import Verdict

LotStatus = Literal["usable", "expired", "recalled"]
BLOCKING_VERDICTS = frozenset({Verdict.NOT_ELIGIBLE, Verdict.DEFER, Verdict.INCOMPLETE})


@dataclass(frozen=True)
class Lot:
    """A cartridge or product batch as the gate sees it: expiry and recall."""

    number: str
    kind: str  # "cartridge" or "product"
    expires_on: date
    recalled_at: datetime | None = None
    recall_reason: str = ""


@dataclass(frozen=True)
class ZoneTreatment:
    depth_mm: float | None
    passes: int | None = None


@dataclass(frozen=True)
class Chart:
    """A chart as entered; its field names are the knowledge's `CHART_FIELDS`."""

    anaesthetic: str = ""
    device: str = ""
    device_id: str = ""
    cartridge_lot: Lot | None = None
    product_lots: tuple[Lot, ...] = ()
    zones: Mapping[str, ZoneTreatment] = field(default_factory=dict)
    endpoint: str = ""
    adjuncts: tuple[str, ...] = ()
    immediate_reactions: str = ""
    numbing_applied_at: datetime | None = None
    numbing_removed_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class ScreeningState:
    """The session's re-screening: its verdict, whether a block was overridden, and the
    precautions still waiting for a practitioner's acknowledgement."""

    verdict: Verdict
    overridden: bool = False
    unacknowledged: tuple[str, ...] = ()

    @property
    def blocks(self) -> bool:
        blocked = self.verdict in BLOCKING_VERDICTS and not self.overridden
        return blocked or bool(self.unacknowledged)


@dataclass(frozen=True)
class OpenItem:
    """Something unresolved for the patient that the practitioner reviews before starting."""

    kind: str  # alert, adverse_event, recalled_lot, screening
    text: str


@dataclass(frozen=True)
class Refusal:
    field: str  # "" when about the session as a whole; e.g. "zones.left_cheek.depth_mm"
    code: str
    message: str
    sources: tuple[str, ...] = ()


def start_refusals(open_items: Sequence[OpenItem], reviewed: bool) -> tuple[Refusal, ...]:
    """A session starts only once the practitioner has reviewed what is open for the patient."""
    if open_items and not reviewed:
        return (
            Refusal(
                "reviewed",
                "open_items_not_reviewed",
                f"Review what is open for this patient ({len(open_items)} "
                f"item{'s' if len(open_items) > 1 else ''}) and confirm before starting.",
            ),
        )
    return ()


def lot_refusal(lot: Lot, on: date | datetime, tz: tzinfo) -> str | None:
    """Why `lot` may not be used on `on` (a moment, or a clinic-local date), or None.

    A lot is usable through its expiry date in the clinic's zone. A recall counts from the
    moment it was recorded (on a date: from that local day), so a use charted for a time
    before the recall stands.
    """
    if _recalled_by(lot, on, tz):
        assert lot.recalled_at is not None
        recalled = lot.recalled_at.astimezone(tz).date().isoformat()
        return f"Lot {lot.number} was recalled on {recalled}: {lot.recall_reason}"
    day = on.astimezone(tz).date() if isinstance(on, datetime) else on
    if day > lot.expires_on:
        return f"Lot {lot.number} expired on {lot.expires_on.isoformat()}."
    return None


def lot_status(lot: Lot, on: date | datetime, tz: tzinfo) -> LotStatus:
    """`recalled`, `expired` or `usable` on `on`, as `lot_refusal` decides."""
    if _recalled_by(lot, on, tz):
        return "recalled"
    return "expired" if lot_refusal(lot, on, tz) else "usable"


def _recalled_by(lot: Lot, on: date | datetime, tz: tzinfo) -> bool:
    if lot.recalled_at is None:
        return False
    if isinstance(on, datetime):
        return lot.recalled_at <= on
    return lot.recalled_at.astimezone(tz).date() <= on


def chart_refusals(
    chart: Chart,
    screening: ScreeningState | None,
    knowledge: Knowledge,
    tz: tzinfo,
    now: datetime,
) -> tuple[Refusal, ...]:
    """What stops this chart from being saved: the screening, depths, passes, lots, times."""
    return (*_screening_refusals(screening), *record_refusals(chart, knowledge, tz, now))


def record_refusals(
    chart: Chart, knowledge: Knowledge, tz: tzinfo, now: datetime
) -> tuple[Refusal, ...]:
    """What no chart may hold, however the patient was screened: depths and passes beyond
    the zone's limits, unusable lots, times in the future or out of order."""
    return (
        *_zone_refusals(chart, knowledge),
        *_lot_refusals(chart, tz, chart.started_at or now),
        *_time_refusals(chart, knowledge, now),
    )


def sign_refusals(
    chart: Chart,
    screening: ScreeningState | None,
    knowledge: Knowledge,
    tz: tzinfo,
    now: datetime,
) -> tuple[Refusal, ...]:
    """What stops this chart from being signed: all that stops saving, and missing fields."""
    return (
        *chart_refusals(chart, screening, knowledge, tz, now),
        *incomplete_refusals(chart, knowledge),
    )


def incomplete_refusals(chart: Chart, knowledge: Knowledge) -> tuple[Refusal, ...]:
    """The fields a signed chart must have and this one lacks, as one refusal."""
    rules = knowledge.charting
    missing = [name for name in rules.required_to_sign if not getattr(chart, name)]
    needs_cartridge = chart.device and chart.device not in rules.cartridge_lot_not_required_for
    if needs_cartridge and chart.cartridge_lot is None:
        missing.append("cartridge_lot")
    if not missing:
        return ()
    return (
        Refusal(
            "",
            "chart_incomplete",
            f"Complete the chart before signing: {', '.join(missing)}.",
            rules.sources,
        ),
    )


def _screening_refusals(screening: ScreeningState | None) -> tuple[Refusal, ...]:
    if screening is None:
        return (Refusal("", "rescreen_needed", "Re-screen the patient before charting."),)
    if screening.blocks:
        return (
            Refusal(
                "",
                "screening_blocks",
                "The screening blocks treatment: acknowledge its precautions or record an "
                "override.",
            ),
        )
    return ()


def _zone_refusals(chart: Chart, knowledge: Knowledge) -> list[Refusal]:
    passes = knowledge.charting.passes
    refusals = []
    for name, treatment in chart.zones.items():
        zone = knowledge.zones.get(name)
        if zone is None:
            refusals.append(Refusal("zones", "unknown_zone", f"Unknown zone: {name}."))
            continue
        depth, deepest = treatment.depth_mm, zone.deepest_mm
        if depth is None or not 0 < depth <= deepest:
            given = "no depth" if depth is None else f"{depth:g} mm"
            which = (
                "the clinic's limit" if zone.depth_limit_mm <= zone.max_depth_mm else "the maximum"
            )
            refusals.append(
                Refusal(
                    f"zones.{name}.depth_mm",
                    "depth_above_limit" if depth and depth > 0 else "depth_missing",
                    f"{zone.label}: {given} is refused; charted depth must be above 0 and at "
                    f"most {which} of {deepest:g} mm for this zone.",
                    zone.sources,
                )
            )
        if treatment.passes is not None and not passes.min <= treatment.passes <= passes.max:
            refusals.append(
                Refusal(
                    f"zones.{name}.passes",
                    "passes_out_of_range",
                    f"{zone.label}: passes must be between {passes.min} and {passes.max}.",
                    knowledge.charting.sources,
                )
            )
    return refusals


def _lot_refusals(chart: Chart, tz: tzinfo, on: datetime) -> list[Refusal]:
    uses = [("cartridge_lot", "cartridge", chart.cartridge_lot)]
    uses += [("product_lots", "product", lot) for lot in chart.product_lots]
    refusals = []
    for name, kind, lot in uses:
        if lot is None:
            continue
        if lot.kind != kind:
            refusals.append(
                Refusal(name, "wrong_lot_kind", f"Lot {lot.number} is not a {kind} lot.")
            )
        elif (reason := lot_refusal(lot, on, tz)) is not None:
            refusals.append(Refusal(name, "lot_unusable", reason))
    return refusals


def _time_refusals(chart: Chart, knowledge: Knowledge, now: datetime) -> list[Refusal]:
    skew = timedelta(minutes=knowledge.charting.clock_skew_minutes)
    times = {
        "numbing_applied_at": chart.numbing_applied_at,
        "numbing_removed_at": chart.numbing_removed_at,
        "started_at": chart.started_at,
        "ended_at": chart.ended_at,
    }
    refusals = [
        Refusal(
            name,
            "time_in_future",
            "This time is in the future: chart a treatment once it has happened.",
            knowledge.charting.sources,
        )
        for name, moment in times.items()
        if moment is not None and moment > now + skew
    ]
    for earlier, later, message in (
        ("started_at", "ended_at", "The treatment cannot end before it started."),
        ("numbing_applied_at", "numbing_removed_at", "Numbing cannot be removed before applied."),
        ("numbing_applied_at", "started_at", "Numbing is applied before the treatment starts."),
    ):
        first, second = times[earlier], times[later]
        if first is not None and second is not None and second < first:
            refusals.append(Refusal(later, "times_out_of_order", message))
    return refusals
