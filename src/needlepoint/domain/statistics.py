"""The interval maths of the clinic analytics, pure: a proportion's Wilson 95 % score interval
(and a rate per 100 from it), a mean change with its 95 % confidence interval from the t
distribution, a percentile by nearest rank, and the minimum sample below which no figure is
claimed ("too few to say"). The methods' sources are cited in analytics.toml (`[intervals]`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile


@dataclass(frozen=True)
class Proportion:
    """`events` of `n` with its Wilson 95 % score interval; all three are shares (0 to 1)."""

    events: int
    n: int
    share: float
    low: float
    high: float

    def per(self, base: int = 100) -> tuple[float, float, float]:
        """The share and its interval as a rate per `base` (per 100 sessions)."""
        return (self.share * base, self.low * base, self.high * base)


def wilson(events: int, n: int, z: float = Z_95) -> Proportion:
    """Wilson's score interval for `events` successes in `n` trials (Wilson 1927; method 3 of
    Newcombe 1998): well-behaved at 0 and at n, unlike the Wald interval."""
    if n < 1:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= events <= n:
        raise ValueError(f"events must lie between 0 and n ({n}), not {events}")
    p = events / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # The exact ends: at 0 events the interval starts at 0, at n it ends at 1 (rounding aside).
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == n else min(1.0, centre + half)
    return Proportion(events, n, p, low, high)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return result


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("the t distribution needs at least one degree of freedom")
    tail = 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(probability: float, df: int) -> float:
    """The `probability` quantile of Student's t (Student 1908) with `df` degrees of freedom,
    by bisection on its distribution function (to about 1e-12)."""
    if not 0.0 < probability < 1.0:
        raise ValueError("a quantile's probability lies strictly between 0 and 1")
    if probability < 0.5:
        return -t_quantile(1.0 - probability, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < probability:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if t_cdf(middle, df) < probability:
            low = middle
        else:
            high = middle
        if high - low < 1e-12:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class MeanChange:
    """The mean of `n` changes (later minus baseline) with its 95 % confidence interval;
    the interval is None for a single change (no spread to estimate)."""

    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None


def mean_change(n: int, total: float, total_squares: float) -> MeanChange:
    """The mean, sample SD and t-based 95 % interval of `n` values from their sum and sum of
    squares (what one GROUP BY returns)."""
    if n < 1:
        raise ValueError("a mean needs at least one value")
    mean = total / n
    if n == 1:
        return MeanChange(1, mean, None, None, None)
    variance = max(0.0, (total_squares - n * mean * mean) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return MeanChange(n, mean, sd, mean - half, mean + half)


def nearest_rank(n: int, percentile: float) -> int:
    """The 0-based position, in `n` values sorted ascending, of the `percentile` (0-100)
    by the nearest-rank method: the smallest value with at least that share at or below it."""
    if n < 1:
        raise ValueError("a percentile needs at least one value")
    if not 0 < percentile <= 100:
        raise ValueError("a percentile lies above 0 and at most 100")
    return max(0, math.ceil(percentile / 100 * n) - 1)


@dataclass(frozen=True)
class SampleRule:
    """Below `minimum` a group's figure is not shown as a finding: "too few to say (n = 3)"."""

    minimum: int
    sources: tuple[str, ...]

    def enough(self, n: int) -> bool:
        return n >= self.minimum

    def too_few(self, n: int, what: str) -> str | None:
        """The sentence shown instead of a claim, or None when `n` is enough."""
        return None if self.enough(n) else f"too few {what} to compare (n = {n})"
