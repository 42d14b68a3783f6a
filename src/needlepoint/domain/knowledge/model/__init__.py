"""Typed, frozen form of the knowledge files, one module per file (`model/planning.py` for
`planning.toml`; `common` for what several share); `loader` builds it, the rules read it.
This package holds the whole, `Knowledge`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from needlepoint.domain.knowledge.model.aftercare import AftercareInstruction, AfterSunset
from needlepoint.domain.knowledge.model.analytics import AnalyticsRules
from needlepoint.domain.knowledge.model.booking import SelfBooking
from needlepoint.domain.knowledge.model.charting import AppointmentTimes, ChartRules
from needlepoint.domain.knowledge.model.common import Source
from needlepoint.domain.knowledge.model.contraindications import Question, ScreeningRule
from needlepoint.domain.knowledge.model.measures import Measures
from needlepoint.domain.knowledge.model.outcomes import ProgressSchedule, PublishedOutcome
from needlepoint.domain.knowledge.model.planning import CourseDefaults, PlanRule, ScarType
from needlepoint.domain.knowledge.model.recovery import (
    Advice,
    CheckinSchedule,
    Level,
    RecoveryCourse,
    Worsening,
)
from needlepoint.domain.knowledge.model.scar_scales import CountScale, QualitativeScale
from needlepoint.domain.knowledge.model.zones import Zone


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
    progress: ProgressSchedule
    charting: ChartRules
    appointment_times: AppointmentTimes
    measures: Measures
    analytics: AnalyticsRules
    self_booking: SelfBooking = field(default_factory=SelfBooking)
