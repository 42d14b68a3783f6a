"""A patient's honest view of their progress: pure functions of the course's session times,
its photos and `now`.

- It opens at milestones only, not daily (`progress_milestones`, from outcomes.toml's
  `[progress]` and measures.toml's follow-ups): results show over months.
- Two photos are compared only when they can be: the same pose, both passing the quality
  checks, and lined up on the face; otherwise the reason is said in plain words
  (`comparison_refusal`).
- What the literature reports for courses like theirs is each study's own result with its
  scale, sessions and citation (`typical_results`), never a single headline percentage, and
  none of it while a red flag is open: then the clinic's advice comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.planning import PlanFacts
from needlepoint.domain.outcomes import ExpectedResult, expected_results

NO_COMPARISON = "no comparison"

# What a failed quality check (imaging/quality.py's names) says of a photo, in plain words.
QUALITY_WORDS = {
    "one_face": "does not show one face only",
    "pose": "was not taken from the angle asked for",
    "camera_height": "was taken from above or below the face",
    "head_tilt": "is tilted",
    "face_size": "was taken from too far away",
    "framing": "does not show the whole face",
    "sharpness": "is blurred",
    "overexposure": "is too bright",
    "underexposure": "is too dark",
}
QUALITY_UNKNOWN = "did not pass the photo checks"


@dataclass(frozen=True)
class CourseSession:
    """A session of the course, not cancelled: `at` is when it ended if `done`, else when it
    is scheduled."""

    number: int
    at: datetime
    done: bool


@dataclass(frozen=True)
class ProgressMilestone:
    """A moment the progress view opens (`at`: expected, while `reached` is False). Its
    photos are those of the course's sessions up to `up_to_session` and the others taken by
    `photos_until` (None: up to now)."""

    code: str  # "middle_session", "last_session", "follow_up_3m", …
    label: str
    at: datetime
    reached: bool
    up_to_session: int
    photos_until: datetime | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ProgressMilestones:
    milestones: tuple[ProgressMilestone, ...]

    @property
    def opened(self) -> tuple[ProgressMilestone, ...]:
        return tuple(m for m in self.milestones if m.reached)

    @property
    def current(self) -> ProgressMilestone | None:
        """The latest milestone reached: the view is open; None: it is not open yet."""
        opened = self.opened
        return opened[-1] if opened else None

    @property
    def next(self) -> ProgressMilestone | None:
        """The first milestone not reached yet: when the view opens next."""
        return next((m for m in self.milestones if not m.reached), None)


def progress_milestones(
    sessions: Sequence[CourseSession], now: datetime, knowledge: Knowledge
) -> ProgressMilestones:
    """The course's milestones in order (outcomes.toml's `[progress]`). The middle session is
    session ⌈n/2⌉ of n (left out when it is the last); the follow-ups are measures.toml's,
    due days after the last session's end. A milestone is reached once its session is done
    (and, for a follow-up, its day has come)."""
    schedule = knowledge.progress
    ordered = sorted(sessions, key=lambda s: s.number)
    if not ordered:
        return ProgressMilestones(())
    last = ordered[-1]
    middle = ordered[(len(ordered) - 1) // 2]
    found: list[ProgressMilestone] = []

    def after_session(code: str, session: CourseSession, label: str) -> ProgressMilestone:
        return ProgressMilestone(
            code=code,
            label=label,
            at=session.at,
            reached=session.done and session.at <= now,
            up_to_session=session.number,
            photos_until=session.at,
            sources=schedule.sources,
        )

    if "middle" in schedule.after_sessions and middle is not last:
        label = f"After session {middle.number} of {len(ordered)}"
        found.append(after_session("middle_session", middle, label))
    if "last" in schedule.after_sessions:
        found.append(after_session("last_session", last, "After your last session"))
    follow_ups = sorted(
        (rule for rule in knowledge.measures.timepoints.values() if rule.timepoint.follow_up),
        key=lambda rule: rule.due_days,
    )
    if not schedule.at_follow_ups:
        follow_ups = []
    times = [last.at + timedelta(days=rule.due_days) for rule in follow_ups]
    for index, rule in enumerate(follow_ups):
        following = times[index + 1] if index + 1 < len(times) else None
        found.append(
            ProgressMilestone(
                code=rule.timepoint.value,
                label=rule.label,
                at=times[index],
                reached=last.done and times[index] <= now,
                up_to_session=last.number,
                photos_until=following if following is not None and following <= now else None,
                sources=rule.sources,
            )
        )
    return ProgressMilestones(tuple(found))


@dataclass(frozen=True)
class ProgressPhoto:
    """A photo the patient may see, as its comparison needs it."""

    id: str
    pose: str  # "" when not known
    taken_at: datetime
    session_number: int | None  # None: taken with a check-in
    failed_checks: tuple[str, ...]  # the quality checks it failed
    face_found: bool  # its face landmarks were found, so it can be lined up


@dataclass(frozen=True)
class PhotoPair:
    """The first and the latest photo of a milestone, and why they are not compared ("" when
    they are)."""

    baseline: ProgressPhoto | None
    later: ProgressPhoto | None
    refusal: str

    @property
    def comparable(self) -> bool:
        return not self.refusal


def milestone_photos(
    photos: Sequence[ProgressPhoto], milestone: ProgressMilestone
) -> list[ProgressPhoto]:
    """The photos that count for a milestone, oldest first."""

    def counts(photo: ProgressPhoto) -> bool:
        if photo.session_number is not None:
            return photo.session_number <= milestone.up_to_session
        return milestone.photos_until is None or photo.taken_at <= milestone.photos_until

    return sorted((p for p in photos if counts(p)), key=lambda p: p.taken_at)


def photo_pair(photos: Sequence[ProgressPhoto], milestone: ProgressMilestone) -> PhotoPair:
    """The course's first photo against the latest one of the milestone."""
    counted = milestone_photos(photos, milestone)
    if not counted:
        return PhotoPair(None, None, f"{NO_COMPARISON}: there are no photos yet")
    if len(counted) == 1:
        return PhotoPair(counted[0], None, f"{NO_COMPARISON}: there is only one photo so far")
    baseline, later = counted[0], counted[-1]
    return PhotoPair(baseline, later, comparison_refusal(baseline, later))


def comparison_refusal(baseline: ProgressPhoto, later: ProgressPhoto) -> str:
    """Why two photos may not be compared, in plain words; "" when they may."""
    if not baseline.pose or not later.pose:
        return f"{NO_COMPARISON}: the pose of {_which(baseline, later)} is not known"
    if baseline.pose != later.pose:
        return f"{NO_COMPARISON}: the poses differ"
    for role, photo in (("first", baseline), ("later", later)):
        if photo.failed_checks:
            words = " and ".join(
                dict.fromkeys(
                    QUALITY_WORDS.get(name, QUALITY_UNKNOWN) for name in photo.failed_checks
                )
            )
            return f"{NO_COMPARISON}: the {role} photo {words}"
    if not (baseline.face_found and later.face_found):
        return f"{NO_COMPARISON}: the photos could not be lined up on the face"
    return ""


def _which(baseline: ProgressPhoto, later: ProgressPhoto) -> str:
    if not baseline.pose and not later.pose:
        return "either photo"
    return "the first photo" if not baseline.pose else "the later photo"


def typical_results(
    facts: PlanFacts, sessions: int, knowledge: Knowledge, *, red_flag: bool
) -> tuple[ExpectedResult, ...]:
    """The published results for courses like the patient's (the studies that treated their
    scar types), those with the nearest number of sessions first; none while a red flag (an
    open alert, an unresolved adverse event) stands: the clinic's advice comes first."""
    if red_flag:
        return ()
    found = expected_results(facts, knowledge)
    return tuple(sorted(found, key=lambda result: abs(result.sessions - sessions)))
