"""A course's charts (scores and photo figures over time, the sessions and the course's
adverse events and alerts marked on the time axis) for its timeline page, and the course
summary PDF in two versions: for the patient (plain words, their scores and photos) and for
a referring doctor (depths, lots, scores, adverse events). The PDF carries the photos whose
consent allows the clinical record only, each pose's later ones lined up with its first,
and says how many were left out."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from django.core.exceptions import ValidationError
from django.template import Context
from django.utils import timezone
from PIL import Image

from needlepoint.clinics.actors import Actor
from needlepoint.photos import storage
from needlepoint.photos.selectors import lined_up
from needlepoint.records.course_timeline import (
    CourseTimeline,
    PoseSeries,
    ScoreSeries,
    SeriesPhoto,
    access_course_timeline,
)
from needlepoint.reports.charts import LineChart, Mark, Points, line_chart, metric_charts
from needlepoint.reports.handouts import ENGINE, render_pdf

AUDIENCES = ("patient", "doctor")
# What each of the clinician's scores means, in plain words, for the patient's version (the
# doctor's version gives each scale's basis and sources).
PLAIN = {
    "qualitative_grade": "Your clinician's overall grade of your scars: 1 flat marks (a "
    "matter of colour), 2 mild, 3 moderate, 4 severe.",
    "goodman_baron": "A score from counting your scars by type and depth: fewer and "
    "shallower scars score lower.",
    "ecca": "Another score from counting your scars by type, for your whole face and for "
    "each area on its own.",
}
PLAIN_BY = {
    "patient": "Your own answer each time you were asked.",
    "clinician": "Your clinician's rating each time they were asked.",
}
THUMBNAIL_PX = 260
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class TimelineCharts:
    scores: list[tuple[ScoreSeries, LineChart]]
    poses: list[tuple[PoseSeries, list[LineChart]]]


def course_marks(timeline: CourseTimeline, events: bool = True) -> list[Mark]:
    """The treated sessions, and (`events`) the adverse events and alerts, as marks on the
    time axis."""
    marks = [
        Mark(row.at, f"Session {row.session.number}", "session", f"S{row.session.number}")
        for row in timeline.sessions
        if row.session.started_at is not None
    ]
    marks += [Mark(e.at, e.title, e.kind, "!") for e in timeline.events if events]
    return marks


def timeline_charts(timeline: CourseTimeline, events: bool = True) -> TimelineCharts:
    """The charts of the scores and of each pose's photo figures, every one with the
    sessions marked, and the adverse events and alerts unless `events` is false."""
    marks = course_marks(timeline, events)
    scores = score_charts(timeline.scores, timeline.zone, marks)
    poses = [(pose, metric_charts(pose.metrics, timeline.zone, marks)) for pose in timeline.poses]
    return TimelineCharts(scores, poses)


def score_charts(
    scores: Sequence[ScoreSeries], zone: tzinfo, marks: Sequence[Mark]
) -> list[tuple[ScoreSeries, LineChart]]:
    """A chart per score series over the scale's whole range, with `marks` on the time axis."""
    charts = []
    for series in scores:
        lines = [Points(line.key, line.label, line.values) for line in series.lines]
        bounds = (series.minimum, series.maximum)
        chart = line_chart(
            series.key, series.title, series.basis, lines, zone, marks=marks, bounds=bounds
        )
        if chart is not None:
            charts.append((series, chart))
    return charts


def _image(pose: PoseSeries, item: SeriesPhoto) -> tuple[Image.Image, bool]:
    """A photo of the series as the PDF shows it: lined up with the pose's first photo when
    it can be (then True), else as taken."""
    if item.lined_up and item.photo.pk != pose.baseline.pk:
        try:
            return lined_up(pose.baseline, item.photo), True
        except ValidationError:
            pass
    with Image.open(io.BytesIO(storage.read(item.photo.file_name))) as image:
        return image.convert("RGB"), False


def _thumbnail(image: Image.Image) -> str:
    """The photo made small, as a data address the PDF embeds."""
    small = image.convert("RGB")
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def _photo(pose: PoseSeries, item: SeriesPhoto, timeline: CourseTimeline) -> dict[str, object]:
    image, aligned = _image(pose, item)
    return {
        "src": _thumbnail(image),
        "day": _day(item.photo.captured_at, timeline),
        "lined_up": aligned,
        "sample": item.photo.sample,
    }


def _day(moment: datetime, timeline: CourseTimeline) -> str:
    local = moment.astimezone(timeline.zone)
    return f"{local.day} {local:%b %Y}"


def _in_plain_words(
    scores: list[tuple[ScoreSeries, LineChart]],
) -> list[tuple[ScoreSeries, LineChart]]:
    """The score charts captioned with what they mean rather than their scale's basis."""
    return [
        (series, replace(chart, basis=PLAIN.get(series.key, PLAIN_BY[series.respondent])))
        for series, chart in scores
    ]


def course_summary_html(timeline: CourseTimeline, audience: str, printed_at: datetime) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"a course summary is for the patient or a doctor, not {audience!r}")
    charts = timeline_charts(timeline, events=audience == "doctor")
    course = timeline.course
    context = {
        "doctor": audience == "doctor",
        "clinic": course.clinic,
        "patient": course.patient,
        "course": course,
        "sessions": [{"row": row, "day": _day(row.at, timeline)} for row in timeline.sessions],
        "scores": [
            {
                "series": series,
                "chart": chart,
                "rows": [
                    {"day": _day(at, timeline), "line": line.label, "value": value}
                    for line in series.lines
                    for at, value in line.values
                    if value is not None
                ],
            }
            for series, chart in (
                charts.scores if audience == "doctor" else _in_plain_words(charts.scores)
            )
        ],
        "poses": [
            {
                "pose": pose,
                "charts": pose_charts,
                "photos": [_photo(pose, item, timeline) for item in pose.photos],
            }
            for pose, pose_charts in charts.poses
        ],
        "hidden_photos": timeline.hidden_photos,
        "events": [{"event": e, "day": _day(e.at, timeline)} for e in timeline.events],
        "zone": timeline.zone.key,
        "printed": _day(printed_at, timeline),
    }
    return ENGINE.get_template("reports/course_summary.html").render(Context(context))


def access_course_summary_pdf(
    actor: Actor, course_id: object, audience: str, now: datetime | None = None
) -> tuple[str, bytes]:
    """A course's summary as (file name, PDF) for the patient or a referring doctor: clinical
    staff of the course's clinic (404 otherwise); the read is audited with its audience."""
    if audience not in AUDIENCES:
        raise ValueError(f"a course summary is for the patient or a doctor, not {audience!r}")
    timeline = access_course_timeline(actor, course_id, use=f"summary-{audience}")
    html = course_summary_html(timeline, audience, now or timezone.now())
    record = timeline.course.patient.record_number
    return f"course-{timeline.course.pk}-{record}-{audience}.pdf", render_pdf(html)
