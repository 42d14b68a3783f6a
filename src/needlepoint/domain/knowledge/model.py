"""Typed, frozen form of the knowledge files; `loader` builds it, the rules read it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from needlepoint.domain.ranking import Ranked

N = TypeVar("N", int, float, Decimal)
Answer = bool | int | float | str | None


class Confidence(StrEnum):
    """How firmly a value stands on its sources: the fact sheet's tags, seeds and decisions."""

    SEED = "seed"
    VERIFIED = "verified"
    SECONDARY = "secondary"
    RECALLED = "recalled"
    UNVERIFIED = "unverified"
    INFERENCE = "inference"
    DECISION = "decision"


class Severity(Ranked):
    """A screening finding's weight, least to most severe."""

    PRECAUTION = "precaution"
    DEFERRAL = "deferral"
    CONTRAINDICATION = "contraindication"


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


class QuestionKind(StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"
    MONTHS_AGO = "months_ago"  # months since an event, its date, or "never"; kept as the date


class Operator(StrEnum):
    EQUALS = "equals"
    BELOW = "below"
    AT_LEAST = "at_least"


class Suitability(StrEnum):
    """What microneedling does with a scar type."""

    TREAT = "treat"
    SUPERFICIAL = "superficial"  # other treatments first; needled shallowly, if at all
    EXCLUDE = "exclude"  # not needled; the rest of the course can go ahead
    CONTRAINDICATED = "contraindicated"  # no course at all


class SymptomKind(StrEnum):
    SCALE = "scale"  # 0-10
    FLAG = "flag"  # present or not


@dataclass(frozen=True)
class Range(Generic[N]):
    min: N
    max: N


SKIN_TYPES = Range(1, 6)  # Fitzpatrick I-VI
SKIN_TYPE_NUMERALS = ("I", "II", "III", "IV", "V", "VI")
# A course's size and rhythm as a practitioner may type them (the plan's own bounds are
# narrower and come from the knowledge's rules).
COURSE_SESSIONS = Range(1, 12)
INTERVAL_WEEKS = Range(1, 52)
# What one zone's row may count and one zone's area may measure: bounds on what is typed in
# (far above any face), not clinical thresholds.
SCAR_COUNT = Range(0, 10_000)
SCAR_AREA_CM2 = Range(0.0, 2_000.0)


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    citation: str


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    kind: QuestionKind
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    required: bool = True
    never: str | None = None  # a months_ago question's label for "never", e.g. "Never taken"


@dataclass(frozen=True)
class Condition:
    operator: Operator
    value: bool | int | float | str

    def holds(self, answer: Answer) -> bool:
        if answer is None:
            return False
        if self.operator is Operator.EQUALS:
            return answer == self.value
        if isinstance(answer, bool | str) or isinstance(self.value, bool | str):
            return False  # the loader allows ordering operators on numeric questions only
        if self.operator is Operator.BELOW:
            return answer < self.value
        return answer >= self.value


@dataclass(frozen=True)
class ScreeningRule:
    code: str
    question: str
    when: Condition
    severity: Severity
    message: str
    requires_acknowledgement: bool
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class Band:
    """One step of a banded score; a band with neither limit is the open last step."""

    value: int
    below: float | None = None
    up_to: float | None = None

    @property
    def limit(self) -> float | None:
        return self.below if self.below is not None else self.up_to

    def contains(self, amount: float) -> bool:
        if self.below is not None:
            return amount < self.below
        return self.up_to is None or amount <= self.up_to


def band_value(bands: tuple[Band, ...], amount: float) -> int:
    """The value of the first band holding `amount`; none (0) scores 0."""
    if amount == 0:
        return 0
    return next(band.value for band in bands if band.contains(amount))


@dataclass(frozen=True)
class ScaleItem:
    label: str
    weight: int


@dataclass(frozen=True)
class AreaItem:
    """A row scored by area in cm² rather than by count (Goodman & Baron hypertrophic)."""

    name: str
    label: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class CountScale:
    """A scale scored as the sum over items of weight x the band of the item's count."""

    title: str
    items: Mapping[str, ScaleItem]
    count_bands: tuple[Band, ...]
    area: AreaItem | None
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None

    @property
    def max_score(self) -> int:
        top_count = self.count_bands[-1].value
        top_area = self.area.bands[-1].value if self.area else 0
        return sum(item.weight for item in self.items.values()) * top_count + top_area


@dataclass(frozen=True)
class QualitativeGrade:
    grade: int
    level: str
    definition: str


@dataclass(frozen=True)
class CountCondition:
    """The lesions counted on `scale` in `items`, summed over zones, compared with a bound;
    `area` names the scale's area row (Goodman & Baron hypertrophic) when it is one of them:
    it adds one when any area is recorded."""

    scale: str
    items: frozenset[str]
    area: str | None = None
    more_than: int | None = None
    fewer_than: int | None = None

    def holds(self, count: int) -> bool:
        return (self.more_than is None or count > self.more_than) and (
            self.fewer_than is None or count < self.fewer_than
        )


@dataclass(frozen=True)
class GradeCheck:
    """A warning that the qualitative grade contradicts the counts: it applies to `grades`
    and holds when every condition does (a condition on a scale not counted never holds)."""

    code: str
    grades: frozenset[int]
    conditions: tuple[CountCondition, ...]
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class QualitativeScale:
    title: str
    grades: tuple[QualitativeGrade, ...]
    sources: tuple[str, ...]
    confidence: Confidence
    checks: tuple[GradeCheck, ...] = ()


@dataclass(frozen=True)
class Zone:
    """A facial zone: the depth range proposed for each qualitative grade, the passes, the
    knowledge's maximum depth (`max_depth_mm`) and the clinic's depth limit (`depth_limit_mm`,
    by default the maximum; a plan never goes deeper than either)."""

    name: str
    label: str
    thin: bool
    depth_by_grade: Mapping[int, Range[float]]
    passes: Range[int]
    max_depth_mm: float
    depth_limit_mm: float
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None

    @property
    def deepest_mm(self) -> float:
        """The deepest a plan or a chart may go: the stricter of the maximum and the limit."""
        return min(self.max_depth_mm, self.depth_limit_mm)


@dataclass(frozen=True)
class PlanFacts:
    """What planning rules are matched against: the treated scar types, the qualitative
    grade, the Fitzpatrick type, the planned zones and the patient's screening findings."""

    scar_types: frozenset[str]
    grade: int
    fitzpatrick: int
    zones: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Criteria:
    """When a planning rule applies; an empty field matches everything, a set any one of its
    members."""

    scar_types: frozenset[str] = frozenset()
    min_grade: int | None = None
    min_fitzpatrick: int | None = None
    zones: frozenset[str] = frozenset()
    findings: frozenset[str] = frozenset()

    def matches(self, facts: PlanFacts) -> bool:
        return (
            _any_of(self.scar_types, facts.scar_types)
            and (self.min_grade is None or facts.grade >= self.min_grade)
            and (self.min_fitzpatrick is None or facts.fitzpatrick >= self.min_fitzpatrick)
            and _any_of(self.zones, facts.zones)
            and _any_of(self.findings, facts.findings)
        )


def _any_of(wanted: frozenset[str], present: frozenset[str]) -> bool:
    return not wanted or not wanted.isdisjoint(present)


@dataclass(frozen=True)
class ScarType:
    """`max_depth_mm`: for a superficial type, the deepest a plan of only such marks goes."""

    name: str
    label: str
    microneedling: Suitability
    reason: str
    sources: tuple[str, ...]
    confidence: Confidence
    max_depth_mm: float | None = None


@dataclass(frozen=True)
class PlanRule:
    """An adjunct or a planning note that applies when its criteria match; an adjunct's
    `cautions` are shown with it when theirs match too."""

    code: str
    when: Criteria
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    cautions: tuple[PlanRule, ...] = ()


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


CLINIC_PRICE_SOURCE = "clinic-price"


@dataclass(frozen=True)
class PriceRange:
    min: Decimal
    max: Decimal
    currency: str
    sources: tuple[str, ...]

    @classmethod
    def single(cls, price: Money) -> PriceRange:
        """A clinic's own price: its basis is the clinic's setting."""
        return cls(price.amount, price.amount, price.currency, (CLINIC_PRICE_SOURCE,))


@dataclass(frozen=True)
class ConservativeSettings:
    """For the patients `when` matches: the shallow end of each zone's range is pre-filled
    and sessions are at least `minimum_interval_weeks` apart."""

    when: Criteria
    minimum_interval_weeks: int
    text: str
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class CourseDefaults:
    sessions_by_grade: Mapping[int, Range[int]]
    interval_weeks: Range[int]
    minimum_interval_weeks: int
    price_per_session: PriceRange
    conservative: ConservativeSettings
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class Window:
    """When an instruction applies: from hours after the session until hours after it, or,
    for an instruction that runs with the course, until months after its last session."""

    starts_after_hours: float
    ends_after_hours: float | None = None
    ends_months_after_course: int | None = None


CLINIC_CONTACT = "{clinic}"  # in an aftercare text: "the clinic on PHONE", or "the clinic"


@dataclass(frozen=True)
class AftercareInstruction:
    """`sun`: starts no earlier than the next morning when the session ended after sunset.
    `announce_end`: False for an instruction whose end is never announced (no "ends now"
    e-mail or reminder, no end date shown to the patient); its text says how long it lasts.
    The text may name the clinic's contact as `CLINIC_CONTACT`."""

    code: str
    title: str
    text: str
    window: Window
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None
    sun: bool = False
    announce_end: bool = True


@dataclass(frozen=True)
class AfterSunset:
    """Sun items of a session that ended in the dark start at `morning_hour` (clinic-local)
    the next morning; `evening_hour` stands for sunset where the clinic's location is unknown."""

    morning_hour: int
    evening_hour: int
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


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


@dataclass(frozen=True)
class PublishedOutcome:
    study: str
    text: str
    scale: str
    sessions: int
    when: Criteria
    sources: tuple[str, ...]
    confidence: Confidence


CHART_FIELDS = (
    "anaesthetic",
    "numbing_applied_at",
    "numbing_removed_at",
    "device",
    "device_id",
    "cartridge_lot",
    "product_lots",
    "zones",
    "endpoint",
    "adjuncts",
    "immediate_reactions",
    "started_at",
    "ended_at",
)


@dataclass(frozen=True)
class ChartRules:
    """What a session's chart must hold to be saved and signed (depth limits are per zone)."""

    clock_skew_minutes: int
    passes: Range[int]
    required_to_sign: tuple[str, ...]
    cartridge_lot_not_required_for: frozenset[str]
    sources: tuple[str, ...]
    confidence: Confidence
    note: str | None = None


@dataclass(frozen=True)
class Knowledge:
    sources: Mapping[str, Source]
    questions: tuple[Question, ...]
    screening_rules: tuple[ScreeningRule, ...]
    qualitative: QualitativeScale
    goodman_baron: CountScale
    ecca: CountScale
    device_max_depth_mm: float
    zones: Mapping[str, Zone]
    scar_types: Mapping[str, ScarType]
    course: CourseDefaults
    adjuncts: tuple[PlanRule, ...]
    plan_notes: tuple[PlanRule, ...]
    aftercare: tuple[AftercareInstruction, ...]
    after_sunset: AfterSunset
    recovery: Mapping[str, RecoveryCourse]
    checkins: CheckinSchedule
    worsening: Worsening
    advice: Mapping[Level, Advice]
    outcomes: tuple[PublishedOutcome, ...]
    charting: ChartRules
