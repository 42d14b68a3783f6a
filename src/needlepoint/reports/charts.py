"""Inline SVG line charts over time, a line per series, with events (sessions, adverse
events, alerts) marked as vertical lines: geometry here, drawing in `reports/line_chart.html`
so the pages and the PDFs draw the same figure with no script and no image file."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from needlepoint.photos.selectors import MetricSeries
from needlepoint.reports.handouts import ENGINE

WIDTH, HEIGHT = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 18, 34
INSET = 24  # keeps the first and last date labels inside the chart
LABEL_GAP = 44  # date labels closer than this to the previous one are left out
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)  # of a scale's ticks
MAX_TICKS = 6
MARKER_COLOURS = {"session": "#6b7a90", "adverse_event": "#b00020", "alert": "#d97706"}
MARKER_LEGEND = {
    "session": "sessions (S1, S2…)",
    "adverse_event": "! adverse events",
    "alert": "! alerts",
}
ZONE_COLOURS = {
    "forehead": "#1f77b4",
    "nose": "#7f7f7f",
    "left_cheek": "#d62728",
    "right_cheek": "#ff7f0e",
    "perioral": "#2ca02c",
    "chin": "#9467bd",
}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#7f7f7f", "#8c564b")


@dataclass(frozen=True)
class Points:
    """One line to draw: `values` are (time, value) pairs; a missing value is left out."""

    key: str
    label: str
    values: Sequence[tuple[datetime, float | None]]
    colour: str = ""


@dataclass(frozen=True)
class Mark:
    """Something that happened at a time, drawn as a vertical line across the plot."""

    at: datetime
    label: str  # e.g. "Session 2"
    kind: str  # "session", "adverse_event" or "alert"
    short: str  # drawn above the line, e.g. "S2"


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    value: str
    when: str


@dataclass(frozen=True)
class ChartLine:
    key: str
    label: str
    colour: str
    points: str
    dots: list[Dot]


@dataclass(frozen=True)
class Marker:
    x: str
    label: str
    short: str
    kind: str
    colour: str

    @property
    def legend(self) -> str:
        return MARKER_LEGEND[self.kind]


@dataclass(frozen=True)
class LineChart:
    """An inline SVG line chart (coordinates in the SVG's own units); `basis` says what the
    figure is measured or scored from."""

    key: str
    title: str
    basis: str
    lines: list[ChartLine]
    x_labels: list[tuple[str, str]]
    y_ticks: list[tuple[str, str]]
    markers: list[Marker] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    tick_x: int = LEFT - 6
    label_y: int = HEIGHT - 12
    marker_y: int = TOP - 6

    @property
    def marked(self) -> list[Marker]:
        """One marker of each kind present, for the legend."""
        kinds = {marker.kind: marker for marker in self.markers}
        return [kinds[kind] for kind in MARKER_COLOURS if kind in kinds]

    def html(self) -> SafeString:
        """The figure: caption with its basis, the SVG, and the legend."""
        html = ENGINE.get_template("reports/line_chart.html").render(Context({"chart": self}))
        return mark_safe(html)  # noqa: S308 - rendered by the autoescaping engine


def _round_ticks(low: float, high: float) -> list[float]:
    """Ticks at a round step over a scale's range (1 to 4: every grade; 0 to 540: every
    hundred)."""
    step = next((s for s in STEPS if (high - low) / s <= MAX_TICKS), STEPS[-1])
    first = math.ceil(low / step) * step
    return [first + step * k for k in range(int((high - first) // step) + 1)]


def shown(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _day(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b}"


def line_chart(
    key: str,
    title: str,
    basis: str,
    lines: Sequence[Points],
    zone: tzinfo,
    *,
    marks: Sequence[Mark] = (),
    bounds: tuple[float, float] | None = None,
) -> LineChart | None:
    """A line per series placed by time, the marks as vertical lines on the same time axis;
    None when no series has a value. The value axis runs over `bounds` (a scale's range)
    when given (ticks at a round step), else over the values with a margin (five ticks)."""
    values = [v for line in lines for _, v in line.values if v is not None]
    if not values:
        return None
    times = [t.timestamp() for line in lines for t, v in line.values if v is not None]
    times += [mark.at.timestamp() for mark in marks]
    start, span = min(times), max(times) - min(times)
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * INSET, HEIGHT - TOP - BOTTOM

    def x_of(moment: datetime) -> float:
        if span == 0:
            return LEFT + INSET + plot_w / 2
        return LEFT + INSET + plot_w * (moment.timestamp() - start) / span

    if bounds is not None:
        low, high = bounds
    else:
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    drawn = []
    for n, line in enumerate(lines):
        dots = [
            Dot(f"{x_of(t):.1f}", f"{y_of(v):.1f}", shown(v), _day(t, zone))
            for t, v in sorted(line.values, key=lambda point: point[0])
            if v is not None
        ]
        if dots:
            points = " ".join(f"{dot.x},{dot.y}" for dot in dots)
            colour = line.colour or PALETTE[n % len(PALETTE)]
            drawn.append(ChartLine(line.key, line.label, colour, points, dots))
    x_labels: list[tuple[str, str]] = []
    last_x = float(-LABEL_GAP)
    moments = sorted({t for line in lines for t, v in line.values if v is not None})
    for moment in moments:
        x, day = x_of(moment), _day(moment, zone)
        if x - last_x >= LABEL_GAP and (not x_labels or x_labels[-1][1] != day):
            x_labels.append((f"{x:.1f}", day))
            last_x = x
    markers = [
        Marker(
            f"{x_of(mark.at):.1f}",
            f"{mark.label}, {_day(mark.at, zone)}",
            mark.short,
            mark.kind,
            MARKER_COLOURS[mark.kind],
        )
        for mark in sorted(marks, key=lambda mark: mark.at)
    ]
    ticks = _round_ticks(low, high) if bounds else [low + (high - low) * k / 4 for k in range(5)]
    y_ticks = [(f"{y_of(t):.1f}", shown(round(t, 1))) for t in ticks]
    return LineChart(key, title, basis, drawn, x_labels, y_ticks, markers)


def metric_charts(
    metrics: Sequence[MetricSeries], zone: tzinfo, marks: Sequence[Mark] = ()
) -> list[LineChart]:
    """One chart per photo metric, a line per face zone, the photos placed by their date."""
    charts = []
    for metric in metrics:
        lines = [
            Points(name, name.replace("_", " ").capitalize(), values, ZONE_COLOURS.get(name, ""))
            for name, values in metric.zones.items()
        ]
        chart = line_chart(metric.metric, metric.title, metric.basis, lines, zone, marks=marks)
        if chart is not None:
            charts.append(chart)
    return charts
