"""A patient's own progress over a course, for the portal (`domain/progress.py` decides):
open at the course's milestones only; the course's first photo against the milestone's
latest when the two may be compared, else why not; their own answers to the outcome
measures over the course; and what studies of courses like theirs reported, unless a red
flag stands (an alert or an adverse event not resolved), when the clinic's advice comes
first.

Only the patient's own courses and photos, and only photos whose consent still allows the
clinical record; the read is audited with the photos it shows. The same number of queries
however many courses, sessions and photos the patient has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from needlepoint.adverse_events.models import AdverseEvent
from needlepoint.checkins.models import Alert
from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Course, Session
from needlepoint.domain.knowledge.model.planning import PlanFacts
from needlepoint.domain.outcomes import ExpectedResult
from needlepoint.domain.progress import (
    CourseSession,
    PhotoPair,
    ProgressMilestone,
    ProgressMilestones,
    ProgressPhoto,
    photo_pair,
    progress_milestones,
    typical_results,
)
from needlepoint.outcomes.selectors import course_scores
from needlepoint.photos.models import Photo
from needlepoint.photos.selectors import photo_shown
from needlepoint.records.course_timeline import ScoreSeries, measure_series
from needlepoint.records.open_items import UNRESOLVED_OUTCOMES  # a red flag until resolved
from needlepoint.safety.audit import audit_read


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    courses: list[Course]  # the patient's courses, newest first
    milestones: ProgressMilestones
    milestone: ProgressMilestone | None  # the opened milestone shown; None: not open yet
    pair: PhotoPair | None
    photos: Mapping[str, Photo]  # the pair's photos by id
    red_flag: bool
    typical: list[tuple[ExpectedResult, list[str]]]  # each result with its citations
    scores: list[ScoreSeries]  # the patient's own answers over the course, a series each

    @property
    def compared(self) -> tuple[Photo, Photo] | None:
        """The first and the later photo when they may be compared, else None."""
        pair = self.pair
        if pair is None or not pair.comparable or pair.baseline is None or pair.later is None:
            return None
        return self.photos[pair.baseline.id], self.photos[pair.later.id]


def _course_sessions(course: Course) -> list[CourseSession]:
    """The course's sessions not cancelled (prefetched), each done once signed."""
    return [
        CourseSession(
            session.number,
            session.ended_at
            if session.status == Session.Status.SIGNED and session.ended_at
            else session.scheduled_at,
            session.status == Session.Status.SIGNED and session.ended_at is not None,
        )
        for session in course.sessions.all()
        if session.status != Session.Status.CANCELLED
    ]


def _progress_photo(photo: Photo) -> ProgressPhoto:
    checks = photo.quality.get("checks") or {}
    return ProgressPhoto(
        id=str(photo.pk),
        pose=photo.pose,
        taken_at=photo.captured_at,
        session_number=photo.session.number if photo.session else None,
        failed_checks=tuple(name for name, check in checks.items() if not check.get("passed")),
        face_found=bool(photo.analysis.get("face_found")),
    )


def access_my_progress(
    actor: Actor, course_id: object = None, milestone_code: str = ""
) -> CourseProgress | None:
    """The patient's progress on one of their courses (`course_id`, else the newest with an
    opened milestone, else the newest), at one opened milestone (`milestone_code`, else the
    latest opened); None when the patient has no course. Audited."""
    actor.require(Permission.PATIENT_READ)
    courses = list(
        Course.objects.filter(clinic=actor.clinic, patient_id=actor.patient_id)
        .select_related("assessment", "patient")
        .prefetch_related(Prefetch("sessions", Session.objects.order_by("number")))
        .order_by("-created_at", "-pk")
    )
    if not courses:
        return None
    knowledge = clinic_knowledge(actor.clinic)
    now = timezone.now()
    found = {
        course.pk: progress_milestones(_course_sessions(course), now, knowledge)
        for course in courses
    }
    course = next(
        (c for c in courses if str(c.pk) == str(course_id)),
        next((c for c in courses if found[c.pk].current), courses[0]),
    )
    milestones = found[course.pk]
    milestone = next((m for m in milestones.opened if m.code == milestone_code), milestones.current)
    pair, photos = None, {}
    if milestone is not None:
        shown = [
            photo
            for photo in Photo.objects.filter(
                clinic=actor.clinic, patient_id=actor.patient_id, archived=False
            )
            .filter(Q(session__course=course) | Q(checkin__session__course=course))
            .select_related("session", "consent")
            .prefetch_related("consent__revocations")
            .defer("landmarks")
            if photo_shown(photo)
        ]
        pair = photo_pair([_progress_photo(p) for p in shown], milestone)
        photos = {str(p.pk): p for p in shown if str(p.pk) in _ids(pair)}
    red_flag = (
        Alert.objects.filter(clinic=actor.clinic, patient_id=actor.patient_id)
        .exclude(status=Alert.Status.RESOLVED)
        .exists()
        or AdverseEvent.objects.filter(
            clinic=actor.clinic, patient_id=actor.patient_id, outcome__in=UNRESOLVED_OUTCOMES
        ).exists()
    )
    patient = course.patient
    facts = PlanFacts(
        scar_types=frozenset(course.assessment.scar_types),
        grade=course.assessment.qualitative_grade,
        fitzpatrick=patient.fitzpatrick or 0,  # not recorded: no study limited to a type
    )
    typical = (
        typical_results(facts, course.sessions_planned, knowledge, red_flag=red_flag)
        if milestone is not None
        else ()
    )
    own = (
        [s for s in course_scores(actor.clinic.pk, course.pk) if s.respondent == "patient"]
        if milestone is not None
        else []
    )
    audit_read(
        actor,
        "progress.read",
        "patient",
        actor.patient_id,
        detail={
            "course": course.pk,
            "milestone": milestone.code if milestone else "",
            "photos": sorted(photos),
        },
    )
    return CourseProgress(
        course=course,
        courses=courses,
        milestones=milestones,
        milestone=milestone,
        pair=pair,
        photos=photos,
        red_flag=red_flag,
        typical=[
            (result, [knowledge.sources[source].citation for source in result.sources])
            for result in typical
        ],
        scores=measure_series(own),
    )


def _ids(pair: PhotoPair) -> set[str]:
    return {photo.id for photo in (pair.baseline, pair.later) if photo is not None}
