"""Triage of a patient's check-in against each symptom's expected course after a session.

Levels: expected < monitor < contact_clinic < urgent. The overall level is the most severe
of the reasons, so adding a symptom never lowers it, and a flag is never below
contact_clinic after its early window (the loader holds the knowledge to that). The patient's
skin type and screening findings select the stricter courses the knowledge has for them.

A check-in is always triaged: times that do not add up are measured as safely as they can be
and noted in `anomalies` for the clinic. An answer at contact_clinic or above never calls a
symptom usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.common import SKIN_TYPES
from needlepoint.domain.knowledge.model.recovery import (
    MAX_INTENSITY,
    Advice,
    Level,
    Limits,
    Phase,
    RecoveryCourse,
    SymptomKind,
    Worsening,
)
from needlepoint.domain.parsing import (
    Fields,
    as_aware_datetime,
    as_bool,
    as_choice,
    as_int,
    as_list,
    as_object,
    field_path,
)
from needlepoint.domain.ranking import most_severe

SESSION_TIME_IN_FUTURE = "session_time_in_future"
PREVIOUS_OUTSIDE_WINDOW = "previous_report_outside_window"


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
class PatientContext:
    """What triage needs from the patient's record: the Fitzpatrick type (None: not recorded)
    and the codes of the latest screening's findings (e.g. `anticoagulation`)."""

    fitzpatrick: int | None = None
    findings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckIn:
    performed_at: datetime
    reported_at: datetime
    symptoms: Symptoms
    previous: PreviousReport | None = None
    patient: PatientContext = PatientContext()


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
    symptoms: tuple[CourseNote, ...]  # none in an answer at contact_clinic or above


@dataclass(frozen=True)
class Anomaly:
    """Something about the check-in's times the clinic should check (clinician-facing)."""

    code: str
    text: str


@dataclass(frozen=True)
class Triage:
    level: Level
    reasons: tuple[TriageReason, ...]
    expected_course: ExpectedCourse
    advice: Advice
    emergency: tuple[str, ...]  # when to call emergency services, for the symptoms reported
    anomalies: tuple[Anomaly, ...]


def parse_checkin(data: object, knowledge: Knowledge) -> CheckIn:
    """JSON: `performed_at`, `reported_at`, `symptoms`, optional `previous` (an earlier report)
    and `patient` (`fitzpatrick`, screening `findings`). Times need not add up: `triage` notes
    what does not."""
    fields = Fields(
        data,
        "",
        required=("performed_at", "reported_at"),
        optional=("symptoms", "previous", "patient"),
    )
    return CheckIn(
        performed_at=fields.read("performed_at", as_aware_datetime),
        reported_at=fields.read("reported_at", as_aware_datetime),
        symptoms=fields.maybe("symptoms", parse_symptoms, knowledge) or Symptoms(),
        previous=fields.maybe("previous", _previous, knowledge),
        patient=fields.maybe("patient", _patient, knowledge) or PatientContext(),
    )


def parse_symptoms(value: object, path: str, knowledge: Knowledge) -> Symptoms:
    """{SYMPTOM: 0-10 for a scale, true/false for a flag}, for the symptoms the knowledge has."""
    scales, flags = {}, set()
    for name, reported in as_object(value, path, allowed=knowledge.recovery).items():
        if knowledge.recovery[name].kind is SymptomKind.SCALE:
            scales[name] = as_int(reported, field_path(path, name), 0, MAX_INTENSITY)
        elif as_bool(reported, field_path(path, name)):
            flags.add(name)
    return Symptoms(scales, frozenset(flags))


def symptoms_json(symptoms: Symptoms, knowledge: Knowledge) -> dict[str, int | bool]:
    """The symptoms in the shape `parse_symptoms` reads: each scale's intensity, then each
    flag reported present (in the knowledge's order)."""
    flags = {name: True for name in knowledge.recovery if name in symptoms.flags}
    return {**symptoms.scales, **flags}


def _previous(value: object, path: str, knowledge: Knowledge) -> PreviousReport:
    fields = Fields(value, path, required=("reported_at",), optional=("symptoms",))
    return PreviousReport(
        fields.read("reported_at", as_aware_datetime),
        fields.maybe("symptoms", parse_symptoms, knowledge) or Symptoms(),
    )


def _patient(value: object, path: str, knowledge: Knowledge) -> PatientContext:
    fields = Fields(value, path, optional=("fitzpatrick", "findings"))
    codes = [rule.code for rule in knowledge.screening_rules]
    return PatientContext(
        fitzpatrick=fields.maybe("fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
        findings=fields.maybe("findings", _findings, codes) or frozenset(),
    )


def _findings(value: object, path: str, codes: list[str]) -> frozenset[str]:
    """Screening finding codes (a list, possibly empty)."""
    items = as_list(value, path)
    return frozenset(
        as_choice(code, field_path(path, index), codes) for index, code in enumerate(items)
    )


def triage(checkin: CheckIn, knowledge: Knowledge) -> Triage:
    hours, previous, anomalies = _timing(checkin)
    patient = checkin.patient
    courses = [
        course.for_patient(patient.fitzpatrick, patient.findings)
        for course in knowledge.recovery.values()
    ]
    reported = [course for course in courses if _reported(course, checkin.symptoms)]
    worsening = knowledge.worsening
    before = previous.symptoms if previous and hours >= worsening.after_hours else None
    judged = [_judge(course, hours, checkin.symptoms, before, worsening) for course in reported]
    level = most_severe((judgement.level for judgement in judged), Level.EXPECTED)
    reassure = level.rank < Level.CONTACT_CLINIC.rank
    when = _when(hours)
    reasons = sorted(
        (judgement.reason(when, reassure, worsening) for judgement in judged),
        key=lambda reason: -reason.level.rank,
    )
    return Triage(
        level=level,
        reasons=tuple(reasons),
        expected_course=ExpectedCourse(
            hours_since_session=round(hours, 1),
            days_since_session=int(hours // 24),
            symptoms=_course_notes(courses, hours) if reassure else (),
        ),
        advice=knowledge.advice[level],
        emergency=tuple(
            dict.fromkeys(line for course in reported if (line := course.phase_at(hours).emergency))
        ),
        anomalies=anomalies,
    )


def _timing(checkin: CheckIn) -> tuple[float, PreviousReport | None, tuple[Anomaly, ...]]:
    """Hours since the session, the previous report to compare with, and what did not add up.

    A session recorded after the report is measured from the report (hour 0, the strictest
    phase); a previous report outside the session-to-report window is not compared.
    """
    performed, reported, previous = checkin.performed_at, checkin.reported_at, checkin.previous
    if performed > reported:
        text = (
            f"The session's recorded time ({_moment(performed)}) is after this report"
            f" ({_moment(reported)}): triaged as if the session had just ended. Check the"
            " session's chart times."
        )
        return 0.0, None, (Anomaly(SESSION_TIME_IN_FUTURE, text),)
    hours = (reported - performed).total_seconds() / 3600
    if previous is not None and not performed <= previous.reported_at <= reported:
        text = (
            f"The previous check-in ({_moment(previous.reported_at)}) is not between the"
            " session and this report, so it was not compared for worsening."
        )
        return hours, None, (Anomaly(PREVIOUS_OUTSIDE_WINDOW, text),)
    return hours, previous, ()


@dataclass(frozen=True)
class _Judgement:
    """One reported symptom judged at its phase, worded once the overall level is known."""

    course: RecoveryCourse
    phase: Phase
    level: Level
    above: bool  # the phase itself puts the symptom above expected
    intensity: int | None = None  # a scale symptom's 0-10
    risen_from: int | None = None  # the previous intensity, when the rise escalated it

    def reason(self, when: str, reassure: bool, worsening: Worsening) -> TriageReason:
        course, phase = self.course, self.phase
        risen = self.risen_from is not None
        if isinstance(phase.response, Limits):
            verdict = " is more than usual" if self.above else ""
            if not self.above and reassure and not risen:
                verdict = " is within the usual course"
            rise = f", up from {self.risen_from}/10 at the last check-in" if risen else ""
            statement = (
                f"{course.label} {self.intensity}/10 {when}{verdict}"
                f" (usual: up to {phase.response.expected_max}/10){rise}."
            )
        else:
            statement = f"{course.label} reported {when}."
        detail: str | None = worsening.concern
        if not risen:
            detail = phase.concern if self.above else phase.normal if reassure else None
        sources = (*course.sources, *(worsening.sources if risen else ()))
        return TriageReason(
            code=f"{course.symptom}_worsening" if risen else course.symptom,
            symptom=course.symptom,
            level=self.level,
            text=f"{statement} {detail}" if detail else statement,
            sources=tuple(dict.fromkeys(sources)),
        )


def _judge(
    course: RecoveryCourse,
    hours: float,
    symptoms: Symptoms,
    before: Symptoms | None,
    worsening: Worsening,
) -> _Judgement:
    """The symptom's level at its phase; a scale symptom that rose by `min_rise` or more, or
    rose while above expected, is at least the worsening level (one reason, not two)."""
    phase = course.phase_at(hours)
    if not isinstance(phase.response, Limits):
        return _Judgement(course, phase, phase.response, phase.response is not Level.EXPECTED)
    intensity = symptoms.scales[course.symptom]
    level = phase.response.level_for(intensity)
    above = level is not Level.EXPECTED
    earlier = intensity if before is None else before.scales.get(course.symptom, 0)
    rise = intensity - earlier
    if rise >= worsening.min_rise or (rise > 0 and above):
        escalated = most_severe([worsening.level], level)
        return _Judgement(course, phase, escalated, above, intensity, earlier)
    return _Judgement(course, phase, level, above, intensity)


def _reported(course: RecoveryCourse, symptoms: Symptoms) -> bool:
    return symptoms.scales.get(course.symptom, 0) > 0 or course.symptom in symptoms.flags


def _course_notes(courses: Iterable[RecoveryCourse], hours: float) -> tuple[CourseNote, ...]:
    return tuple(
        CourseNote(course.symptom, normal, course.sources)
        for course in courses
        if (normal := course.phase_at(hours).normal) is not None
    )


def _moment(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _when(hours: float) -> str:
    if hours < 24:
        return "in the first 24 hours after the session"
    days = int(hours // 24)
    return f"{days} day{'s' if days > 1 else ''} after the session"
