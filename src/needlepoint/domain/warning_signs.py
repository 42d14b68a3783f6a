"""The warning signs a patient is told about after a session, from the knowledge's expected
recovery courses as they apply to that patient (e.g. bleeding on blood thinners): what to
contact the clinic about, and when to get urgent help.

Pure: the texts are the knowledge's own (clinic-approved), never written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.recovery import Advice, Level, Limits, RecoveryCourse
from needlepoint.domain.triage import PatientContext


@dataclass(frozen=True)
class WarningSign:
    symptom: str
    label: str
    text: str  # why it matters (the course's concern)
    level: Level
    sources: tuple[str, ...]


@dataclass(frozen=True)
class WarningSigns:
    urgent: tuple[WarningSign, ...]
    contact_clinic: tuple[WarningSign, ...]
    urgent_advice: Advice
    contact_advice: Advice

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for sign in (*self.urgent, *self.contact_clinic):
            seen.update(dict.fromkeys(sign.sources))
        for advice in (self.urgent_advice, self.contact_advice):
            seen.update(dict.fromkeys(advice.sources))
        return tuple(seen)


def _sign(course: RecoveryCourse) -> WarningSign | None:
    """The course's most urgent phase at or above contact_clinic, if any.

    A scale symptom above its limits is always contact_clinic: its first phase with a
    concern says when.
    """
    best: tuple[Level, str] | None = None
    for phase in course.phases:
        if isinstance(phase.response, Limits):
            level = Level.CONTACT_CLINIC
            if phase.concern is None:
                continue
        else:
            level = phase.response
        if level.rank < Level.CONTACT_CLINIC.rank:
            continue
        if best is None or level.rank > best[0].rank:
            best = (level, phase.concern or phase.normal or "")
    if best is None:
        return None
    return WarningSign(course.symptom, course.label, best[1], best[0], course.sources)


def warning_signs(knowledge: Knowledge, patient: PatientContext | None = None) -> WarningSigns:
    """The signs for this patient (None: the courses without any patient's adjustment)."""
    courses = [
        course if patient is None else course.for_patient(patient.fitzpatrick, patient.findings)
        for course in knowledge.recovery.values()
    ]
    signs = [sign for course in courses if (sign := _sign(course))]
    return WarningSigns(
        urgent=tuple(s for s in signs if s.level is Level.URGENT),
        contact_clinic=tuple(s for s in signs if s.level is Level.CONTACT_CLINIC),
        urgent_advice=knowledge.advice[Level.URGENT],
        contact_advice=knowledge.advice[Level.CONTACT_CLINIC],
    )
