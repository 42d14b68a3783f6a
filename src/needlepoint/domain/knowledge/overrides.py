"""A clinic's overrides of the default knowledge: prices, depth limits, aftercare windows, and
its self-booking policy.

`merge_overrides` is the one place where they meet the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from needlepoint.domain.errors import KnowledgeError
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.aftercare import Window
from needlepoint.domain.knowledge.model.booking import (
    MAX_HORIZON_DAYS,
    MAX_NOTICE_HOURS,
    SelfBooking,
)
from needlepoint.domain.knowledge.model.planning import Money, PriceRange
from needlepoint.domain.knowledge.reading.common import WINDOW_ENDS, read_window
from needlepoint.domain.parsing import (
    Fields,
    as_currency,
    as_int,
    as_money,
    as_object,
    as_positive_number,
    field_path,
)


@dataclass(frozen=True)
class ClinicOverrides:
    price_per_session: Money | None = None
    depth_limit_mm: Mapping[str, float] = field(default_factory=dict)
    aftercare_windows: Mapping[str, Window] = field(default_factory=dict)
    self_booking: SelfBooking | None = None


def parse_overrides(data: object, knowledge: Knowledge) -> ClinicOverrides:
    """JSON: `price_per_session`, `depth_limit_mm` ({ZONE: mm}), `aftercare` ({CODE: window:
    `starts_after_hours` and `ends_after_hours` or `ends_months_after_course`}),
    `self_booking` (`notice_hours`, `horizon_days`)."""
    fields = Fields(
        data, "", optional=("price_per_session", "depth_limit_mm", "aftercare", "self_booking")
    )
    codes = [instruction.code for instruction in knowledge.aftercare]
    windows = fields.maybe("aftercare", as_object, codes) or {}
    return ClinicOverrides(
        price_per_session=fields.maybe("price_per_session", read_money),
        depth_limit_mm=fields.maybe("depth_limit_mm", read_depth_limits, knowledge) or {},
        aftercare_windows={
            code: read_window(
                Fields(
                    window,
                    field_path("aftercare", code),
                    required=("starts_after_hours",),
                    optional=WINDOW_ENDS,
                )
            )
            for code, window in windows.items()
        },
        self_booking=fields.maybe("self_booking", read_self_booking),
    )


def read_self_booking(value: object, path: str) -> SelfBooking:
    """The notice (hours) and the horizon (days); what is left out keeps its default."""
    fields = Fields(value, path, optional=("notice_hours", "horizon_days"))
    default = SelfBooking()
    notice = fields.maybe("notice_hours", as_int, 0, MAX_NOTICE_HOURS)
    horizon = fields.maybe("horizon_days", as_int, 1, MAX_HORIZON_DAYS)
    return SelfBooking(
        notice_hours=default.notice_hours if notice is None else notice,
        horizon_days=default.horizon_days if horizon is None else horizon,
    )


def read_money(value: object, path: str) -> Money:
    fields = Fields(value, path, required=("amount", "currency"))
    return Money(fields.read("amount", as_money), fields.read("currency", as_currency))


def read_depth_limits(value: object, path: str, knowledge: Knowledge) -> dict[str, float]:
    """Depth limits per known zone, each above 0 and at most the deepest device setting."""
    return {
        zone: as_positive_number(limit, field_path(path, zone), knowledge.device_max_depth_mm)
        for zone, limit in as_object(value, path, allowed=knowledge.zones).items()
    }


def merge_overrides(knowledge: Knowledge, overrides: ClinicOverrides) -> Knowledge:
    """The knowledge a clinic works with: its overrides on top of the defaults."""
    unknown = set(overrides.depth_limit_mm) - set(knowledge.zones)
    unknown |= set(overrides.aftercare_windows) - {item.code for item in knowledge.aftercare}
    if unknown:
        raise KnowledgeError("clinic overrides", f"unknown zone or instruction: {sorted(unknown)}")
    course = knowledge.course
    if overrides.price_per_session is not None:
        course = replace(course, price_per_session=PriceRange.single(overrides.price_per_session))
    return replace(
        knowledge,
        course=course,
        zones={
            name: replace(
                zone, depth_limit_mm=overrides.depth_limit_mm.get(name, zone.depth_limit_mm)
            )
            for name, zone in knowledge.zones.items()
        },
        aftercare=tuple(
            replace(item, window=overrides.aftercare_windows.get(item.code, item.window))
            for item in knowledge.aftercare
        ),
        self_booking=overrides.self_booking or knowledge.self_booking,
    )
