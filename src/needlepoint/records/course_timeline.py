"""One course on one timeline: its sessions as charted, the photo series of each pose with
their per-zone figures, the clinician's scores and the patient's reports, and the adverse events
and alerts of its sessions; for the course page's timeline and the course summary PDFs.

The clinician's scores come from the course's assessments (its planning assessment and the
patient's later ones, up to the one the patient's next course was planned from); the
patient's reports and the clinician's GAIS from the course's outcome measures. Photos are
those of the course's sessions and of their check-ins, shown only while the consent they
were taken under allows the clinical record (`photos.selectors.photo_shown`); the others are
counted, never listed.

A course costs the same number of queries however many sessions, photos and events it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Q

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.courses.selectors import course_in_scope
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.measures import Score
from needlepoint.domain.scars import parse_assessment, zone_scores
from needlepoint.outcomes.selectors import course_scores
from needlepoint.photos.models import POSE_CHOICES, Photo
from needlepoint.photos.selectors import MetricSeries, metric_series, photo_series, photo_shown
from needlepoint.safety.audit import audit_read

Values = list[tuple[datetime, float | None]]


@dataclass(frozen=True)
class ZoneTreated:
    zone: str
    label: str
    depth_mm: object
    passes: object


@dataclass(frozen=True)
class SessionRow:
    """A session as charted (or as scheduled, before it is)."""

    session: Session
    at: datetime
    zones: list[ZoneTreated]
    lot: str  # the cartridge lot's number, "" when none was charted
    lot_recalled: bool


@dataclass(frozen=True)
class SeriesPhoto:
    photo: Photo
    lined_up: bool  # measured like the pose's first photo, so it can be lined up with it


@dataclass(frozen=True)
class PoseSeries:
    """The shown photos of one pose in time order, the first being what the others are
    lined up with, and the figures measured on them."""

    pose: str
    label: str
    photos: list[SeriesPhoto]
    metrics: list[MetricSeries]

    @property
    def baseline(self) -> Photo:
        return self.photos[0].photo


@dataclass(frozen=True)
class ScoreLine:
    key: str
    label: str
    values: Values


@dataclass(frozen=True)
class ScoreSeries:
    """A score over the course: one line, or one per zone; its range and its basis."""

    key: str
    title: str
    respondent: str  # "clinician" or "patient"
    minimum: float
    maximum: float
    better: str  # "higher" or "lower"
    basis: str
    sources: tuple[str, ...]
    lines: list[ScoreLine]

    @property
    def table(self) -> list[tuple[datetime, list[float | None]]]:
        """A row per time scored: each line's value then (None where it has none)."""
        times = sorted({at for line in self.lines for at, _ in line.values})
        values = [dict(line.values) for line in self.lines]
        return [(at, [found.get(at) for found in values]) for at in times]


@dataclass(frozen=True)
class Event:
    """An adverse event or an alert of one of the course's sessions."""

    at: datetime
    kind: str  # "adverse_event" or "alert"
    title: str
    detail: str
    session_number: int
    flag: bool  # serious, or an alert not yet resolved
    pk: int


@dataclass(frozen=True)
class CourseTimeline:
    course: Course
    zone: ZoneInfo
    sessions: list[SessionRow]
    assessments: list[Assessment]
    scores: list[ScoreSeries]
    poses: list[PoseSeries]
    hidden_photos: int  # photos of the course whose consent no longer allows showing them
    events: list[Event]


def _session_rows(sessions: list[Session], knowledge: Knowledge) -> list[SessionRow]:
    rows = []
    for s in sessions:
        zones = [
            ZoneTreated(
                zone,
                knowledge.zones[zone].label if zone in knowledge.zones else zone,
                chart.get("depth_mm"),
                chart.get("passes"),
            )
            for zone, chart in s.zones.items()
        ]
        lot = s.cartridge_lot
        rows.append(
            SessionRow(
                s,
                s.started_at or s.scheduled_at,
                zones,
                lot.lot_number if lot else "",
                bool(lot and lot.recalled_at),
            )
        )
    return rows


def _assessments(course: Course) -> list[Assessment]:
    """The planning assessment and the patient's later ones, up to the next course's."""
    start = course.assessment.assessed_at
    rows = Assessment.objects.filter(
        clinic_id=course.clinic_id, patient_id=course.patient_id, assessed_at__gte=start
    )
    following = (
        Course.objects.filter(
            clinic_id=course.clinic_id,
            patient_id=course.patient_id,
            assessment__assessed_at__gt=start,
        )
        .order_by("assessment__assessed_at")
        .values_list("assessment__assessed_at", flat=True)
        .first()
    )
    if following is not None:
        rows = rows.filter(assessed_at__lt=following)
    return list(rows.order_by("assessed_at", "pk"))


def _clinician_scores(assessments: list[Assessment], knowledge: Knowledge) -> list[ScoreSeries]:
    """The qualitative grade, the Goodman & Baron quantitative score and ECCA (the whole
    face and each zone on its own counts) at each assessment."""
    if not assessments:
        return []
    qualitative, gb, ecca = knowledge.qualitative, knowledge.goodman_baron, knowledge.ecca
    grades = "; ".join(f"{g.grade} {g.level}" for g in qualitative.grades)
    series = [
        ScoreSeries(
            "qualitative_grade",
            "Qualitative grade (Goodman & Baron)",
            "clinician",
            1,
            len(qualitative.grades),
            "lower",
            f"{qualitative.title}, as the clinician graded at each assessment: {grades}.",
            qualitative.sources,
            [
                ScoreLine(
                    "grade", "Grade", [(a.assessed_at, a.qualitative_grade) for a in assessments]
                )
            ],
        )
    ]
    totals: dict[str, Values] = {"goodman_baron": [], "ecca": []}
    per_zone: dict[str, Values] = {}
    for a in assessments:
        for scale in totals:
            found = a.scores.get(scale)
            totals[scale].append((a.assessed_at, found["score"] if found else None))
        counted = parse_assessment(
            {"qualitative_grade": a.qualitative_grade, "zones": a.zones}, knowledge
        )
        for zone, scores in zone_scores(counted, knowledge).items():
            value = scores.ecca.score if scores.ecca else None
            per_zone.setdefault(zone, []).append((a.assessed_at, value))
    if any(v is not None for _, v in totals["goodman_baron"]):
        series.append(
            ScoreSeries(
                "goodman_baron",
                "Goodman & Baron quantitative score",
                "clinician",
                0,
                gb.max_score,
                "lower",
                f"{gb.title}: each lesion row's points from its count, summed over the "
                f"face (0-{gb.max_score}).",
                gb.sources,
                [ScoreLine("face", "Whole face", totals["goodman_baron"])],
            )
        )
    if any(v is not None for _, v in totals["ecca"]):
        zones = [
            ScoreLine(zone, knowledge.zones[zone].label if zone in knowledge.zones else zone, v)
            for zone, v in per_zone.items()
            if any(value is not None for _, value in v)
        ]
        series.append(
            ScoreSeries(
                "ecca",
                "ECCA score",
                "clinician",
                0,
                ecca.max_score,
                "lower",
                f"{ecca.title}: weighted scar counts, for the whole face and for each zone "
                f"on its own counts (0-{ecca.max_score}).",
                ecca.sources,
                [ScoreLine("face", "Whole face", totals["ecca"]), *zones],
            )
        )
    return series


def measure_series(scores: list[Score]) -> list[ScoreSeries]:
    """The outcome measures answered (`course_scores`), one series each, in the order first
    answered."""
    by_measure: dict[str, list[Score]] = {}
    for score in scores:
        by_measure.setdefault(score.measure, []).append(score)
    series = []
    for code, answered in by_measure.items():
        first = answered[0]
        who = "Patient" if first.respondent == "patient" else "Clinician"
        series.append(
            ScoreSeries(
                code,
                first.label,
                first.respondent,
                first.minimum,
                first.maximum,
                first.better,
                f"The {first.respondent}'s own rating at each timepoint answered "
                f"({first.minimum:g}-{first.maximum:g}, {first.better} is better).",
                first.sources,
                [ScoreLine(code, who, [(score.taken_at, score.value) for score in answered])],
            )
        )
    return series


def _pose_series(photos: list[Photo]) -> list[PoseSeries]:
    poses = []
    for pose, label in POSE_CHOICES:
        of_pose = [p for p in photos if p.pose == pose]
        if not of_pose:
            continue
        measured, data = photo_series(of_pose)
        first_measured = bool(of_pose[0].analysis.get("face_found"))
        lined = [
            SeriesPhoto(p, first_measured and bool(p.analysis.get("face_found"))) for p in of_pose
        ]
        poses.append(PoseSeries(pose, label, lined, metric_series(measured, data)))
    return poses


def _events(course: Course, zone: ZoneInfo) -> list[Event]:
    events = [
        Event(
            datetime.combine(e.onset, time(12), tzinfo=zone),
            "adverse_event",
            f"Adverse event: {e.get_kind_display()} ({e.get_severity_display().lower()}"
            f"{', serious' if e.serious else ''})",
            f"Onset {e.onset:%d %b %Y}, {e.get_outcome_display().lower()}: {e.description}",
            e.session.number,
            e.serious,
            e.pk,
        )
        for e in AdverseEvent.objects.filter(clinic_id=course.clinic_id, session__course=course)
        .select_related("session")
        .order_by("onset", "pk")
    ]
    events += [
        Event(
            a.created_at,
            "alert",
            f"Alert: check-in {a.checkin.get_level_display().lower()}",
            " ".join(
                [f"{a.get_status_display()}:"]
                + [r["text"] for r in a.checkin.triage.get("reasons", [])]
            ),
            a.checkin.session.number,
            a.status != Alert.Status.RESOLVED,
            a.pk,
        )
        for a in Alert.objects.filter(clinic_id=course.clinic_id, checkin__session__course=course)
        .select_related("checkin__session")
        .order_by("created_at", "pk")
    ]
    return sorted(events, key=lambda event: event.at)


def access_course_timeline(actor: Actor, course_id: object, use: str = "page") -> CourseTimeline:
    """A course of the actor's clinic on one timeline, for clinical staff (404 for another
    clinic's course); the read is audited with the photos it shows and what it was for
    (`use`: the page, or a summary PDF)."""
    course = course_in_scope(actor, course_id, Permission.CLINICAL_READ)
    knowledge = clinic_knowledge(actor.clinic)
    zone = ZoneInfo(actor.clinic.time_zone)
    sessions = list(
        Session.objects.filter(clinic_id=course.clinic_id, course=course)
        .select_related("cartridge_lot")
        .order_by("number")
    )
    assessments = _assessments(course)
    photos = list(
        Photo.objects.filter(clinic_id=course.clinic_id, patient_id=course.patient_id)
        .filter(archived=False)
        .filter(Q(session__course=course) | Q(checkin__session__course=course))
        .select_related("session", "checkin__session", "consent")
        .prefetch_related("consent__revocations")
        .order_by("captured_at", "uploaded_at")
    )
    shown = [p for p in photos if photo_shown(p)]
    timeline = CourseTimeline(
        course,
        zone,
        _session_rows(sessions, knowledge),
        assessments,
        _clinician_scores(assessments, knowledge)
        + measure_series(course_scores(course.clinic_id, course.pk)),
        _pose_series(shown),
        len(photos) - len(shown),
        _events(course, zone),
    )
    audit_read(
        actor,
        "course.timeline",
        "patient",
        course.patient_id,
        detail={"course": course.pk, "use": use, "photos": [str(p.pk) for p in shown]},
    )
    return timeline
