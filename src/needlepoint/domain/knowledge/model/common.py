"""What several knowledge documents share: ranges, sources, confidence and the patient's
skin type."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

N = TypeVar("N", int, float, Decimal)


class Confidence(StrEnum):
    """How firmly a value stands on its sources: the fact sheet's tags, seeds and decisions."""

    SEED = "seed"
    VERIFIED = "verified"
    SECONDARY = "secondary"
    RECALLED = "recalled"
    UNVERIFIED = "unverified"
    INFERENCE = "inference"
    DECISION = "decision"


@dataclass(frozen=True)
class Range(Generic[N]):
    min: N
    max: N


SKIN_TYPES = Range(1, 6)  # Fitzpatrick I-VI
SKIN_TYPE_NUMERALS = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    citation: str
