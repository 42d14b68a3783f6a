"""The typed form of recovery.toml: triage levels, each symptom's expected course, the
check-ins, worsening and advice."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum

from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.ranking import Ranked

MAX_INTENSITY = 10  # a scale symptom is rated 0 (none) to 10 (the worst imaginable)


class Level(Ranked):
    """A triage level, least to most urgent."""

    EXPECTED = "expected"
    MONITOR = "monitor"
    CONTACT_CLINIC = "contact_clinic"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.EXPECTED: "As expected",
    Level.MONITOR: "Keep an eye on it",
    Level.CONTACT_CLINIC: "Contact the clinic",
    Level.URGENT: "Urgent",
}


class SymptomKind(StrEnum):
    SCALE = "scale"  # 0-10
    FLAG = "flag"  # present or not


@dataclass(frozen=True)
class Limits:
    """Scale intensity up to `expected_max` is expected, up to `monitor_max` monitor, then more."""

    expected_max: int
    monitor_max: int

    def level_for(self, intensity: int) -> Level:
        if intensity <= self.expected_max:
            return Level.EXPECTED
        return Level.MONITOR if intensity <= self.monitor_max else Level.CONTACT_CLINIC


@dataclass(frozen=True)
class Phase:
    """Part of a symptom's expected course, from `from_hour` until `to_hour` (None: for good).

    A scale symptom is graded by `response` limits; a flag symptom, when present, is at the
    `response` level.
    """

    from_hour: float
    to_hour: float | None
    response: Limits | Level
    normal: str | None = None  # what is usual in this phase
    concern: str | None = None  # why it matters when above expected
    emergency: str | None = None  # when to call emergency services, said with the advice

    def contains(self, hours: float) -> bool:
        return self.from_hour <= hours and (self.to_hour is None or hours < self.to_hour)


@dataclass(frozen=True)
class PatientCriteria:
    """Which patients a course adjustment is for; an empty field matches everyone.

    An unrecorded skin type matches `min_fitzpatrick`: the stricter course is the safe one.
    """

    min_fitzpatrick: int | None = None
    findings: frozenset[str] = frozenset()  # any one of these screening findings

    def matches(self, fitzpatrick: int | None, findings: Collection[str]) -> bool:
        skin_matches = (
            self.min_fitzpatrick is None
            or fitzpatrick is None
            or fitzpatrick >= self.min_fitzpatrick
        )
        return skin_matches and (not self.findings or not self.findings.isdisjoint(findings))


@dataclass(frozen=True)
class CourseAdjustment:
    """Stricter phases of a course for some patients (darker skin, anticoagulation)."""

    when: PatientCriteria
    phases: tuple[Phase, ...]
    early_window_hours: float | None
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class RecoveryCourse:
    """A symptom's expected course after a session.

    A flag declares `early_window_hours`, from which on every phase is at least
    contact_clinic (the loader refuses a course that is not); scale symptoms have none.
    """

    symptom: str
    label: str
    kind: SymptomKind
    phases: tuple[Phase, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    early_window_hours: float | None = None
    adjustments: tuple[CourseAdjustment, ...] = ()  # the first that matches the patient applies
    note: str | None = None

    def phase_at(self, hours: float) -> Phase:
        return next(phase for phase in self.phases if phase.contains(hours))

    def for_patient(self, fitzpatrick: int | None, findings: Collection[str]) -> RecoveryCourse:
        """The course as it applies to this patient: the first matching adjustment, if any."""
        for adjustment in self.adjustments:
            if adjustment.when.matches(fitzpatrick, findings):
                return replace(
                    self,
                    phases=adjustment.phases,
                    early_window_hours=adjustment.early_window_hours,
                    sources=tuple(dict.fromkeys((*self.sources, *adjustment.sources))),
                    confidence=adjustment.confidence,
                    note=adjustment.note,
                    adjustments=(),
                )
        return self


@dataclass(frozen=True)
class CheckinSchedule:
    """Days after a session on which the portal asks for a check-in, then a steady rhythm."""

    days: tuple[int, ...]
    then_every_days: int
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class Worsening:
    """A scale symptom that rises between two check-ins, `after_hours` or more after the
    session, by `min_rise` points or more or to above its expected level, is at `level`."""

    after_hours: float
    min_rise: int
    level: Level
    concern: str
    sources: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True)
class Advice:
    level: Level
    text: str
    sources: tuple[str, ...]
