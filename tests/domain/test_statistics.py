"""The interval maths of the clinic analytics against published values, and its properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.statistics import (
    mean_change,
    nearest_rank,
    t_quantile,
    wilson,
)


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998, Table I
        (1, 29, 0.0061, 0.1718),  # Newcombe 1998, Table I
        (15, 148, 0.0624, 0.1605),  # Newcombe 1998, Table I
    ],
)
def test_wilson_matches_published_values(events: int, n: int, low: float, high: float) -> None:
    interval = wilson(events, n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)
    assert interval.per(100) == pytest.approx((events / n * 100, low * 100, high * 100), abs=0.01)


def test_wilson_refuses_what_is_not_a_proportion() -> None:
    with pytest.raises(ValueError, match="at least one trial"):
        wilson(0, 0)
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson(11, 10)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_lies_in_0_1_and_contains_the_share(case: tuple[int, int]) -> None:
    events, n = case
    interval = wilson(events, n)
    assert 0.0 <= interval.low <= interval.share <= interval.high <= 1.0
    assert interval.high - interval.low > 0


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(1, 12.7062), (2, 4.3027), (5, 2.5706), (10, 2.2281), (30, 2.0423), (120, 1.9799)],
)
def test_t_quantile_matches_the_tables(df: int, quantile: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(quantile, abs=1e-4)
    assert t_quantile(0.025, df) == pytest.approx(-quantile, abs=1e-4)


@given(st.integers(1, 500), st.floats(0.55, 0.999))
def test_t_quantile_is_wider_than_the_normal_and_shrinks_with_df(df: int, p: float) -> None:
    normal = math.sqrt(2) * _erfinv(2 * p - 1)
    assert t_quantile(p, df) >= normal - 1e-9
    assert t_quantile(p, df + 1) <= t_quantile(p, df) + 1e-9


def _erfinv(y: float) -> float:
    low, high = 0.0, 6.0
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if math.erf(middle) < y else (low, middle)
    return low


def test_mean_change_is_the_textbook_t_interval() -> None:
    changes = [-4.0, -6.0, -2.0, -5.0, -3.0]  # mean -4, SD 1.5811
    change = mean_change(len(changes), sum(changes), sum(c * c for c in changes))
    assert change.mean == -4.0
    assert change.sd == pytest.approx(1.5811, abs=1e-4)
    half = 2.7764 * 1.5811 / math.sqrt(5)  # t(0.975, 4) = 2.7764
    assert (change.low, change.high) == pytest.approx((-4 - half, -4 + half), abs=1e-3)
    single = mean_change(1, -3.0, 9.0)
    assert (single.mean, single.sd, single.low, single.high) == (-3.0, None, None, None)


@given(st.lists(st.integers(-78, 78), min_size=2, max_size=200))
def test_mean_change_interval_contains_its_mean(values: list[int]) -> None:
    change = mean_change(len(values), sum(values), sum(v * v for v in values))
    assert change.low is not None
    assert change.high is not None
    assert change.low <= change.mean <= change.high


def test_nearest_rank() -> None:
    assert [nearest_rank(10, p) for p in (50, 90, 100)] == [4, 8, 9]
    assert nearest_rank(1, 90) == 0
    with pytest.raises(ValueError, match="at least one value"):
        nearest_rank(0, 50)


def test_the_minimum_sample_and_depth_bands_are_knowledge(knowledge: Knowledge) -> None:
    rules = knowledge.analytics
    assert rules.courses.too_few(3, "courses") == "too few courses to compare (n = 3)"
    assert rules.courses.too_few(rules.courses.minimum, "courses") is None
    assert rules.depth_bands[-1].up_to_mm >= knowledge.device_max_depth_mm
    ends = [band.up_to_mm for band in rules.depth_bands]
    assert ends == sorted(ends)
    assert len(set(ends)) == len(ends)
