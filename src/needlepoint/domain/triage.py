"""Triage of a patient's check-in against each symptom's expected course after a session.

Levels: expected < monitor < contact_clinic < urgent. The overall level is the most severe
of the reasons, so adding a symptom never lowers it, and a red flag is never `expected`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model import (
    Advice,
    Knowledge,
    Level,
    Limits,
    RecoveryCourse,
    SymptomKind,
)
from needlepoint.domain.parsing import (
    Fields,
    as_aware_datetime,
    as_bool,
    as_int,
    as_object,
    field_path,
)
from needlepoint.domain.ranking import most_severe

MAX_INTENSITY = 10


@dataclass(frozen=True)
class Symptoms:
    """Scale symptoms' intensities (0-10) and the flags reported present; omitted = 0 / absent."""

    scales: Mapping[str, int] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PreviousReport:
    reported_at: datetime
    symptoms: Symptoms


@dataclass(frozen=True)
class CheckIn:
    performed_at: datetime
    reported_at: datetime
    symptoms: Symptoms
    previous: PreviousReport | None = None


@dataclass(frozen=True)
class TriageReason:
    code: str
    symptom: str
    level: Level
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CourseNote:
    symptom: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedCourse:
    hours_since_session: float
    days_since_session: int
    symptoms: tuple[CourseNote, ...]


@dataclass(frozen=True)
class Triage:
    level: Level
    reasons: tuple[TriageReason, ...]
    expected_course: ExpectedCourse
    advice: Advice


def parse_checkin(data: object, knowledge: Knowledge) -> CheckIn:
    """JSON: `performed_at`, `reported_at`, `symptoms`, optional `previous` (an earlier report)."""
    fields = Fields(
        data, "", required=("performed_at", "reported_at"), optional=("symptoms", "previous")
    )
    performed_at = fields.read("performed_at", as_aware_datetime)
    reported_at = fields.read("reported_at", as_aware_datetime)
    if reported_at < performed_at:
        raise InvalidInput("reported_at", "must not be before performed_at")
    return CheckIn(
        performed_at=performed_at,
        reported_at=reported_at,
        symptoms=fields.maybe("symptoms", _symptoms, knowledge) or Symptoms(),
        previous=fields.maybe("previous", _previous, knowledge, performed_at, reported_at),
    )


def _previous(
    value: object, path: str, knowledge: Knowledge, performed_at: datetime, reported_at: datetime
) -> PreviousReport:
    fields = Fields(value, path, required=("reported_at",), optional=("symptoms",))
    earlier = fields.read("reported_at", as_aware_datetime)
    if not performed_at <= earlier <= reported_at:
        raise InvalidInput(
            fields.path_of("reported_at"), "must be between performed_at and reported_at"
        )
    return PreviousReport(earlier, fields.maybe("symptoms", _symptoms, knowledge) or Symptoms())


def _symptoms(value: object, path: str, knowledge: Knowledge) -> Symptoms:
    scales, flags = {}, set()
    for name, reported in as_object(value, path, allowed=knowledge.recovery).items():
        if knowledge.recovery[name].kind is SymptomKind.SCALE:
            scales[name] = as_int(reported, field_path(path, name), 0, MAX_INTENSITY)
        elif as_bool(reported, field_path(path, name)):
            flags.add(name)
    return Symptoms(scales, frozenset(flags))


def triage(checkin: CheckIn, knowledge: Knowledge) -> Triage:
    hours = (checkin.reported_at - checkin.performed_at).total_seconds() / 3600
    when = _when(hours)
    reasons = [
        _judge(course, checkin.symptoms, hours, when)
        for course in knowledge.recovery.values()
        if checkin.symptoms.scales.get(course.symptom, 0) > 0
        or course.symptom in checkin.symptoms.flags
    ]
    if checkin.previous is not None and hours >= knowledge.worsening.after_hours:
        reasons += _worsening(checkin.previous.symptoms, checkin.symptoms, knowledge)
    reasons.sort(key=lambda reason: -reason.level.rank)
    level = most_severe((reason.level for reason in reasons), Level.EXPECTED)
    return Triage(
        level=level,
        reasons=tuple(reasons),
        expected_course=ExpectedCourse(
            hours_since_session=round(hours, 1),
            days_since_session=int(hours // 24),
            symptoms=tuple(
                CourseNote(course.symptom, normal, course.sources)
                for course in knowledge.recovery.values()
                if (normal := course.phase_at(hours).normal) is not None
            ),
        ),
        advice=knowledge.advice[level],
    )


def _judge(course: RecoveryCourse, symptoms: Symptoms, hours: float, when: str) -> TriageReason:
    phase = course.phase_at(hours)
    if isinstance(phase.response, Limits):
        intensity = symptoms.scales[course.symptom]
        level = phase.response.level_for(intensity)
        verdict = "within the usual course" if level is Level.EXPECTED else "more than usual"
        usual = phase.response.expected_max
        text = f"{course.label} {intensity}/10 {when} is {verdict} (usual: up to {usual}/10)."
    else:
        level = phase.response
        text = f"{course.label} reported {when}."
    detail = phase.normal if level is Level.EXPECTED else phase.concern
    return TriageReason(
        code=course.symptom,
        symptom=course.symptom,
        level=level,
        text=f"{text} {detail}" if detail else text,
        sources=course.sources,
    )


def _worsening(before: Symptoms, now: Symptoms, knowledge: Knowledge) -> list[TriageReason]:
    rule = knowledge.worsening
    return [
        TriageReason(
            code=f"{name}_worsening",
            symptom=name,
            level=rule.level,
            text=f"{knowledge.recovery[name].label} has increased since the last check-in "
            f"({before.scales.get(name, 0)}/10 to {intensity}/10). {rule.concern}",
            sources=rule.sources,
        )
        for name, intensity in now.scales.items()
        if intensity > before.scales.get(name, 0)
    ]


def _when(hours: float) -> str:
    if hours < 24:
        return "in the first 24 hours after the session"
    days = int(hours // 24)
    return f"{days} day{'s' if days > 1 else ''} after the session"
