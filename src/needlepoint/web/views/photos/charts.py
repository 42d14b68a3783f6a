"""Each photo metric over a course as an inline SVG line chart, a line per zone."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from needlepoint.imaging import Series
from needlepoint.photos.models import Photo

CHART_METRICS = (
    ("a", "Redness, a*", "CIELAB a* (mean over the zone)"),
    ("ita_deg", "ITA°", "individual typology angle from the zone's mean L* and b*"),
    ("spot_count", "Dark spots", "regions darker than the surrounding skin"),
)
ZONE_COLOURS = {
    "forehead": "#1f77b4",
    "nose": "#7f7f7f",
    "left_cheek": "#d62728",
    "right_cheek": "#ff7f0e",
    "perioral": "#2ca02c",
    "chin": "#9467bd",
}
WIDTH, HEIGHT = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 34


@dataclass(frozen=True)
class ChartLine:
    zone: str
    colour: str
    points: str
    dots: list[tuple[str, str, str]]  # x, y, the value as shown


@dataclass(frozen=True)
class Chart:
    """An inline SVG line chart (coordinates in the SVG's own units)."""

    metric: str
    title: str
    description: str
    lines: list[ChartLine]
    x_labels: list[tuple[str, str]]
    y_ticks: list[tuple[str, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bottom: int = HEIGHT - BOTTOM
    tick_x: int = LEFT - 6
    label_y: int = HEIGHT - 12


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def metric_charts(photos: list[Photo], data: Series) -> list[Chart]:
    """One line chart per metric, a line per zone, the photos placed by their date."""
    times = [photo.captured_at.timestamp() for photo in photos]
    if not times:
        return []
    span = max(times) - min(times)
    inset = 24  # keeps the first and last date labels inside the chart
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * inset, HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        if span == 0:
            return LEFT + inset + plot_w * (index + 0.5) / len(times)
        return LEFT + inset + plot_w * (times[index] - times[0]) / span

    x_labels: list[tuple[str, str]] = []
    for index, photo in enumerate(photos):
        local = timezone.localtime(photo.captured_at)
        day = f"{local.day} {local:%b}"
        if not x_labels or x_labels[-1][1] != day:  # one label per day
            x_labels.append((f"{x_of(index):.1f}", day))
    charts = []
    for metric, title, description in CHART_METRICS:
        values = [v for zone in data.values.values() for v in zone.get(metric, []) if v is not None]
        if not values:
            continue
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad

        def y_of(value: float, low: float = low, high: float = high) -> float:
            return TOP + plot_h * (1 - (value - low) / (high - low))

        lines = []
        for zone, metrics in data.values.items():
            dots = [
                (f"{x_of(i):.1f}", f"{y_of(v):.1f}", _fmt(v))
                for i, v in enumerate(metrics.get(metric, []))
                if v is not None
            ]
            if dots:
                points = " ".join(f"{x},{y}" for x, y, _ in dots)
                lines.append(ChartLine(zone, ZONE_COLOURS.get(zone, "#333"), points, dots))
        ticks = [low + (high - low) * k / 4 for k in range(5)]
        y_ticks = [(f"{y_of(t):.1f}", _fmt(round(t, 1))) for t in ticks]
        charts.append(Chart(metric, title, description, lines, x_labels, y_ticks))
    return charts
