"""The portal's booking rules: what stops a patient booking themselves, the clinic's notice and
horizon as an override, and which option holds a slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from needlepoint.domain import booking
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, merge_overrides, parse_overrides
from needlepoint.domain.knowledge.model.booking import SelfBooking
from needlepoint.domain.scheduling import Need, Span
from needlepoint.domain.screening import Verdict

NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)


def test_safety_items_stop_online_booking_and_a_screening_to_acknowledge_does_not() -> None:
    assert booking.open_items_stop(["screening"]) is None
    stop = booking.open_items_stop(["recalled_lot", "screening", "alert", "alert"])
    assert stop is not None
    assert stop.reasons == ("alert", "recalled_lot")
    assert "call the clinic" in stop.message


@pytest.mark.parametrize("verdict", list(Verdict))
def test_only_a_deferring_or_refusing_screening_stops_it_and_never_reassures(
    verdict: Verdict,
) -> None:
    stop = booking.rescreen_stop(verdict)
    assert (stop is not None) is (verdict in (Verdict.DEFER, Verdict.NOT_ELIGIBLE))
    if stop is not None:
        assert stop.message.startswith("Nothing has been booked.")
        assert "call the clinic" in stop.message


def test_the_notice_and_the_horizon_are_the_clinics_overrides(knowledge: Knowledge) -> None:
    assert knowledge.self_booking == SelfBooking(notice_hours=24, horizon_days=56)
    merged = merge_overrides(
        knowledge, parse_overrides({"self_booking": {"notice_hours": 48}}, knowledge)
    )
    assert merged.self_booking == SelfBooking(notice_hours=48, horizon_days=56)
    assert booking.notice_stop(NOW + timedelta(hours=47), NOW, merged.self_booking) is not None
    assert booking.notice_stop(NOW + timedelta(hours=48), NOW, merged.self_booking) is None
    with pytest.raises(InvalidInput, match=r"self_booking\.horizon_days"):
        parse_overrides({"self_booking": {"horizon_days": 0}}, knowledge)


def test_each_slot_is_held_by_the_first_option_free_then() -> None:
    hour = timedelta(hours=1)
    busy_first = (Span(NOW, NOW + hour),)
    options = [
        booking.Option("preferred", (Need(timedelta(), hour, busy_first),)),
        booking.Option("other", (Need(timedelta(), hour, ()),)),
    ]
    window = Span(NOW, NOW + 3 * hour)
    offered = booking.offered_slots(window, hour, options, lambda start: True)
    assert offered == [(NOW, "other"), (NOW + hour, "preferred"), (NOW + 2 * hour, "preferred")]
    assert booking.offered_slots(window, hour, options, lambda start: start > NOW) == offered[1:]
