"""Enumerations whose members are declared from least to most severe."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar


class Ranked(StrEnum):
    """A string enumeration ordered by declaration: later members are more severe."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)


R = TypeVar("R", bound=Ranked)


def most_severe(values: Iterable[R], floor: R) -> R:
    """The most severe of `values`, never less than `floor`."""
    return max((floor, *values), key=lambda value: value.rank)
