"""The line chart over time: values and marks share one time axis, a scale's range is kept
when given, and a chart of nothing is no chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from needlepoint.reports.charts import HEIGHT, LEFT, TOP, WIDTH, Mark, Points, line_chart

DAY0 = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_values_and_marks_share_the_time_axis_and_the_scale_is_kept() -> None:
    days = [DAY0, DAY0 + timedelta(days=30)]
    chart = line_chart(
        "ecca",
        "ECCA score",
        "weighted scar counts",
        [Points("face", "Whole face", [(days[0], 90.0), (days[1], None)]),
         Points("chin", "Chin", [(days[0], 40.0), (days[1], 20.0)])],
        UTC,
        marks=[Mark(DAY0 + timedelta(days=60), "Session 2", "session", "S2")],
        bounds=(0, 540),
    )  # fmt: skip
    assert chart is not None
    face, chin = chart.lines
    assert len(face.dots) == 1
    assert len(chin.dots) == 2
    (marker,) = chart.markers
    # The mark is the latest moment: the right end of the axis, beyond the last value.
    assert float(marker.x) > float(chin.dots[1].x) > float(chin.dots[0].x) >= LEFT
    assert float(marker.x) < WIDTH
    assert (marker.short, marker.label) == ("S2", "Session 2, 1 May")
    # The scale runs 0 to 540 whatever the values, ticked every hundred.
    assert chart.y_ticks[0][1] == "0"
    assert [text for _, text in chart.y_ticks] == ["0", "100", "200", "300", "400", "500"]
    plot_h = HEIGHT - TOP - 34
    assert float(chin.dots[0].y) == round(TOP + plot_h * (1 - 40 / 540), 1)
    assert [text for _, text in chart.x_labels] == ["2 Mar", "1 Apr"]
    assert [m.legend for m in chart.marked] == ["sessions (S1, S2…)"]


def test_no_value_is_no_chart_and_one_moment_is_centred() -> None:
    assert line_chart("a", "Redness", "a*", [Points("chin", "Chin", [(DAY0, None)])], UTC) is None
    chart = line_chart("a", "Redness", "a*", [Points("chin", "Chin", [(DAY0, 12.0)])], UTC)
    assert chart is not None
    (dot,) = chart.lines[0].dots
    assert float(dot.x) == LEFT + 24 + (WIDTH - LEFT - 12 - 48) / 2
    assert dot.value == "12"
    assert not chart.markers
