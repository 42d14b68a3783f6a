"""The session gate: whether a session may start, its chart be saved, and signed."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.charting import (
    Chart,
    Lot,
    OpenItem,
    ScreeningState,
    ZoneTreatment,
    chart_refusals,
    lot_refusal,
    lot_status,
    sign_refusals,
    start_refusals,
)
from needlepoint.domain.knowledge import Knowledge, load_knowledge
from needlepoint.domain.knowledge.model.charting import CHART_FIELDS
from needlepoint.domain.screening import Verdict

NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")
CLEAR = ScreeningState(Verdict.ELIGIBLE)
CARTRIDGE = Lot("C-1", "cartridge", date(2027, 1, 1))
STARTED = NOW - timedelta(hours=1)
COMPLETE = Chart(
    device="pen",
    cartridge_lot=CARTRIDGE,
    zones={"left_cheek": ZoneTreatment(1.5, 3)},
    endpoint="pinpoint_bleeding",
    numbing_applied_at=STARTED - timedelta(minutes=40),
    numbing_removed_at=STARTED - timedelta(minutes=5),
    started_at=STARTED,
    ended_at=STARTED + timedelta(minutes=30),
)


def codes(refusals: tuple[object, ...]) -> set[str]:
    return {refusal.code for refusal in refusals}  # type: ignore[attr-defined]


def test_a_complete_chart_on_a_clear_screening_may_be_saved_and_signed(
    knowledge: Knowledge,
) -> None:
    assert chart_refusals(COMPLETE, CLEAR, knowledge, ZONE, NOW) == ()
    assert sign_refusals(COMPLETE, CLEAR, knowledge, ZONE, NOW) == ()


def test_the_chart_names_every_chart_field(knowledge: Knowledge) -> None:
    assert {field.name for field in fields(Chart)} == set(CHART_FIELDS)
    assert set(knowledge.charting.required_to_sign) <= set(CHART_FIELDS)


@pytest.mark.parametrize(
    ("screening", "code"),
    [
        (None, "rescreen_needed"),
        (ScreeningState(Verdict.DEFER), "screening_blocks"),
        (ScreeningState(Verdict.NOT_ELIGIBLE), "screening_blocks"),
        (ScreeningState(Verdict.INCOMPLETE), "screening_blocks"),
        (
            ScreeningState(Verdict.ELIGIBLE_WITH_PRECAUTIONS, unacknowledged=("x",)),
            "screening_blocks",
        ),
    ],
)
def test_the_screening_gates_the_chart(
    knowledge: Knowledge, screening: ScreeningState | None, code: str
) -> None:
    assert codes(chart_refusals(COMPLETE, screening, knowledge, ZONE, NOW)) == {code}


def test_an_override_lifts_a_block_but_open_acknowledgements_still_block() -> None:
    assert not ScreeningState(Verdict.NOT_ELIGIBLE, overridden=True).blocks
    assert ScreeningState(Verdict.NOT_ELIGIBLE, overridden=True, unacknowledged=("x",)).blocks
    assert not ScreeningState(Verdict.ELIGIBLE_WITH_PRECAUTIONS).blocks


def test_depth_is_refused_above_the_zone_limit_with_the_limit_and_sources(
    knowledge: Knowledge,
) -> None:
    limit = knowledge.zones["left_cheek"].deepest_mm
    at_limit = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(limit, 3)})
    above = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(limit + 0.01, 3)})
    assert chart_refusals(at_limit, CLEAR, knowledge, ZONE, NOW) == ()
    [refusal] = chart_refusals(above, CLEAR, knowledge, ZONE, NOW)
    assert (refusal.field, refusal.code) == ("zones.left_cheek.depth_mm", "depth_above_limit")
    assert f"{limit:g} mm" in refusal.message
    assert refusal.sources == knowledge.zones["left_cheek"].sources


def test_a_clinic_limit_above_the_zone_maximum_never_lets_a_chart_go_deeper(
    knowledge: Knowledge,
) -> None:
    cheek = knowledge.zones["left_cheek"]
    lenient = replace(
        knowledge, zones={**knowledge.zones, "left_cheek": replace(cheek, depth_limit_mm=3.0)}
    )
    above = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(cheek.max_depth_mm + 0.1, 3)})
    [refusal] = chart_refusals(above, CLEAR, lenient, ZONE, NOW)
    assert f"the maximum of {cheek.max_depth_mm:g} mm" in refusal.message


@pytest.mark.parametrize("depth", [0.0, -1.0, None])
def test_a_zone_without_a_positive_depth_is_refused(knowledge: Knowledge, depth: float) -> None:
    chart = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(depth, 2)})
    assert codes(chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)) == {"depth_missing"}


def test_unknown_zones_and_passes_out_of_the_knowledge_bounds_are_refused(
    knowledge: Knowledge,
) -> None:
    bounds = knowledge.charting.passes
    for passes, refused in ((bounds.min - 1, True), (bounds.min, False), (bounds.max, False)):
        chart = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(1.0, passes)})
        assert bool(chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)) is refused
    chart = replace(COMPLETE, zones={"left_cheek": ZoneTreatment(1.0, bounds.max + 1)})
    assert codes(chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)) == {"passes_out_of_range"}
    chart = replace(COMPLETE, zones={"ear": ZoneTreatment(1.0, 2)})
    assert codes(chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)) == {"unknown_zone"}


def test_times_in_the_future_beyond_the_clock_skew_are_refused(knowledge: Knowledge) -> None:
    skew = timedelta(minutes=knowledge.charting.clock_skew_minutes)
    within = replace(COMPLETE, ended_at=NOW + skew)
    beyond = replace(COMPLETE, ended_at=NOW + skew + timedelta(seconds=1))
    assert chart_refusals(within, CLEAR, knowledge, ZONE, NOW) == ()
    [refusal] = chart_refusals(beyond, CLEAR, knowledge, ZONE, NOW)
    assert (refusal.field, refusal.code) == ("ended_at", "time_in_future")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ended_at": STARTED - timedelta(minutes=1)}, "ended_at"),
        ({"numbing_removed_at": STARTED - timedelta(minutes=50)}, "numbing_removed_at"),
        ({"numbing_applied_at": STARTED + timedelta(minutes=1)}, "started_at"),
    ],
)
def test_times_out_of_order_are_refused(
    knowledge: Knowledge, changes: dict[str, datetime], field: str
) -> None:
    chart = replace(COMPLETE, **changes)  # type: ignore[arg-type]
    refusals = chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)
    assert ("times_out_of_order", field) in {(r.code, r.field) for r in refusals}


def test_an_expired_lot_is_refused_with_its_expiry_in_the_clinic_zone(
    knowledge: Knowledge,
) -> None:
    lot = Lot("C-9", "cartridge", date(2026, 3, 9))
    # 03:00 UTC on the 10th is still the 9th in New York: usable through its expiry date.
    assert lot_refusal(lot, datetime(2026, 3, 10, 3, tzinfo=UTC), ZONE) is None
    chart = replace(COMPLETE, cartridge_lot=lot)
    [refusal] = chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)
    assert refusal.field == "cartridge_lot"
    assert refusal.message == "Lot C-9 expired on 2026-03-09."
    assert lot_status(lot, date(2026, 3, 10), ZONE) == "expired"


def test_a_recall_counts_from_the_moment_it_was_recorded(knowledge: Knowledge) -> None:
    recalled = replace(CARTRIDGE, recalled_at=STARTED + timedelta(minutes=10), recall_reason="bent")
    assert (
        chart_refusals(replace(COMPLETE, cartridge_lot=recalled), CLEAR, knowledge, ZONE, NOW) == ()
    )
    later = replace(recalled, recalled_at=STARTED - timedelta(days=1))
    [refusal] = chart_refusals(replace(COMPLETE, cartridge_lot=later), CLEAR, knowledge, ZONE, NOW)
    assert refusal.message.startswith("Lot C-1 was recalled on")
    assert refusal.message.endswith("bent")
    assert lot_status(later, NOW.date(), ZONE) == "recalled"


def test_a_lot_of_the_wrong_kind_is_refused(knowledge: Knowledge) -> None:
    product = Lot("P-1", "product", date(2027, 1, 1))
    chart = replace(COMPLETE, cartridge_lot=product, product_lots=(CARTRIDGE,))
    refusals = chart_refusals(chart, CLEAR, knowledge, ZONE, NOW)
    assert {(r.field, r.code) for r in refusals} == {
        ("cartridge_lot", "wrong_lot_kind"),
        ("product_lots", "wrong_lot_kind"),
    }


def test_signing_needs_the_required_fields_and_a_cartridge_unless_a_roller(
    knowledge: Knowledge,
) -> None:
    [refusal] = sign_refusals(Chart(), CLEAR, knowledge, ZONE, NOW)
    assert refusal.code == "chart_incomplete"
    for name in knowledge.charting.required_to_sign:
        assert name in refusal.message
    pen = replace(COMPLETE, cartridge_lot=None)
    assert "cartridge_lot" in sign_refusals(pen, CLEAR, knowledge, ZONE, NOW)[0].message
    roller = replace(pen, device="roller")
    assert sign_refusals(roller, CLEAR, knowledge, ZONE, NOW) == ()


def test_a_session_starts_once_what_is_open_has_been_reviewed() -> None:
    items = [OpenItem("alert", "Urgent alert"), OpenItem("recalled_lot", "Lot X recalled")]
    [refusal] = start_refusals(items, reviewed=False)
    assert (refusal.field, refusal.code) == ("reviewed", "open_items_not_reviewed")
    assert "2 items" in refusal.message
    assert start_refusals(items, reviewed=True) == ()
    assert start_refusals([], reviewed=False) == ()


depths = st.floats(min_value=-1, max_value=5, allow_nan=False)
passes = st.one_of(st.none(), st.integers(min_value=-5, max_value=40))
zone_names = st.sampled_from(["forehead", "left_cheek", "nose", "periorbital", "chin", "neck"])
moments = st.integers(min_value=-600, max_value=600).map(lambda m: NOW + timedelta(minutes=m))
charts = st.builds(
    lambda zones, start, length: replace(
        COMPLETE,
        zones=zones,
        numbing_applied_at=start - timedelta(minutes=40),
        numbing_removed_at=start - timedelta(minutes=5),
        started_at=start,
        ended_at=start + timedelta(minutes=length),
    ),
    st.dictionaries(zone_names, st.builds(ZoneTreatment, depths, passes), min_size=1),
    moments,
    st.integers(min_value=-30, max_value=90),
)


@given(charts)
def test_an_accepted_chart_never_exceeds_a_limit_or_claims_the_future(chart: Chart) -> None:
    knowledge = load_knowledge()
    if chart_refusals(chart, CLEAR, knowledge, ZONE, NOW):
        return
    skew = timedelta(minutes=knowledge.charting.clock_skew_minutes)
    for name, treatment in chart.zones.items():
        assert treatment.depth_mm is not None
        assert 0 < treatment.depth_mm <= knowledge.zones[name].depth_limit_mm
        assert treatment.depth_mm <= knowledge.zones[name].max_depth_mm
        if treatment.passes is not None:
            assert knowledge.charting.passes.min <= treatment.passes
            assert treatment.passes <= knowledge.charting.passes.max
    assert chart.ended_at is not None
    assert chart.started_at is not None
    assert chart.started_at <= chart.ended_at <= NOW + skew


@given(charts)
def test_signing_refuses_at_least_what_saving_refuses(chart: Chart) -> None:
    knowledge = load_knowledge()
    saving = set(chart_refusals(chart, CLEAR, knowledge, ZONE, NOW))
    assert saving <= set(sign_refusals(chart, CLEAR, knowledge, ZONE, NOW))
