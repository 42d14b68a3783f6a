"""Inline SVG bar charts for the managers' reports: geometry here, drawing in
`includes/bar_chart.html`, so a chart needs no script and no image file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    """Bars and value ticks in the SVG's units; `title` names it for screen readers."""

    title: str
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    width: int = 720
    height: int = 260
    left: int = 80
    right: int = 710
    top: int = 16
    bottom: int = 220


def bar_chart(
    title: str,
    points: Sequence[tuple[str, Decimal | float, str]],
    tick: Callable[[Decimal], str],
    *,
    floor: Decimal = Decimal(1),
) -> BarChart:
    """One bar per (label, value, value as shown); negative values draw as empty bars. The
    scale runs from 0 to the largest value (at least `floor`), with five ticks."""
    chart = BarChart(title)
    scale = max([Decimal(str(value)) for _, value, _ in points] + [floor])
    span = chart.bottom - chart.top
    slot = (chart.right - chart.left) / max(len(points), 1)
    for n, (label, value, shown) in enumerate(points):
        height = float(max(Decimal(str(value)), Decimal(0)) / scale) * span
        x = chart.left + n * slot + slot * 0.15
        chart.bars.append(Bar(x, chart.bottom - height, slot * 0.7, height, label, shown))
    for step in range(5):
        chart.ticks.append((chart.bottom - span * step / 4, tick(scale * step / 4)))
    return chart
