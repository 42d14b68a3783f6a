"""What every row builder of one run shares: the clinic, its staff, lots and consent forms,
the moment the data ends at, the clinical rules, the ids and the writer."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from needlepoint.cli.synthetic.clinical import ClinicalRules
from needlepoint.cli.synthetic.writer import Ids, Writer

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Options drawn by weight, the weights summed once rather than at every draw."""

    options: Sequence[T]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, options: Sequence[T], weights: Iterable[float]) -> Weighted[T]:
        return cls(options, tuple(accumulate(weights)))

    def draw(self, rng: random.Random) -> T:
        return rng.choices(self.options, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Practitioner:
    staff_id: int
    user_id: int


@dataclass(frozen=True)
class QuarterLots:
    """The lots in use in one quarter: a cartridge lot and the serum and numbing cream."""

    cartridge: int
    serum: int
    numbing: int


@dataclass
class Context:
    clinic_id: int
    zone: ZoneInfo
    anchor: date  # the clinic-local day the history runs up to
    earliest: date  # and the day it may start on
    now: datetime  # nothing generated happens after this moment
    sessions_per_patient: int
    rules: ClinicalRules
    practitioners: tuple[Practitioner, ...]
    consent_templates: dict[str, int]
    lots: dict[tuple[int, int], QuarterLots]
    ids: Ids
    writer: Writer
    currency: str

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A clinic-local wall-clock time on `day`."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def lots_on(self, day: date) -> QuarterLots:
        return self.lots[quarter_of(day)]

    def practitioner(self, rng: random.Random) -> Practitioner:
        return rng.choice(self.practitioners)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    following = date(year + quarter // 4, 3 * (quarter % 4) + 1, 1)
    return following - timedelta(days=1)


def working_day(day: date) -> date:
    """Clinics here open Monday to Saturday: a Sunday moves to the Monday."""
    return day + timedelta(days=1) if day.weekday() == 6 else day
