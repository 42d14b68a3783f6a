"""The clinical decisions behind generated rows, made by the domain itself (screening,
scoring, planning, triage) for a few dozen archetypes and remembered: every generated row
carries what the rules engine would have stored for it, at the cost of a dictionary lookup."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from needlepoint.cli.demo_answers import CLEAR_ANSWERS
from needlepoint.domain import scars, screening, triage
from needlepoint.domain.charting import BLOCKING_VERDICTS
from needlepoint.domain.knowledge import Knowledge
from needlepoint.domain.knowledge.model.recovery import Level
from needlepoint.domain.planning import CoursePlan, PlanRequest, plan_course
from needlepoint.domain.serialization import to_json

T = TypeVar("T")


class Json:
    """A JSON value serialised once, written as is into every row that shares it: `text` for
    SQLite, `jsonb` in PostgreSQL's binary format (a version byte, then the text) for COPY."""

    __slots__ = ("jsonb", "text")

    def __init__(self, value: object) -> None:
        self.text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        self.jsonb = b"\x01" + self.text.encode()


# (weight, intake answers changed from the clear intake): most patients have nothing to
# find; some carry a precaution the practitioner acknowledges; a few are deferred or refused.
INTAKE_VARIANTS: tuple[tuple[int, dict[str, Any]], ...] = (
    (72, {}),
    (7, {"herpes_simplex_history": True}),
    (4, {"anticoagulants": True}),
    (4, {"diabetes": "controlled"}),
    (3, {"tattoo_or_permanent_makeup_in_area": True}),
    (3, {"hypertrophic_scar_history": True}),
    (2, {"immunosuppressed": True}),
    (3, {"active_acne_in_area": True}),
    (1, {"keloid_history": True}),
    (1, {"open_wound_or_sunburn_in_area": True}),
)

# (weight, grade, scar types, {zone: Goodman & Baron counts})
ASSESSMENTS: tuple[tuple[int, int, tuple[str, ...], dict[str, dict[str, int]]], ...] = (
    (14, 2, ("boxcar",), {"left_cheek": {"mild_atrophic": 8}, "right_cheek": {"mild_atrophic": 6}}),
    (
        12,
        3,
        ("boxcar", "rolling"),
        {
            "left_cheek": {"moderate_atrophic": 14, "shallow_broad_atrophic": 4},
            "right_cheek": {"moderate_atrophic": 9},
        },
    ),
    (
        9,
        3,
        ("icepick", "boxcar"),
        {
            "left_cheek": {"moderate_atrophic": 11},
            "forehead": {"mild_atrophic": 5},
        },
    ),
    (
        8,
        2,
        ("rolling",),
        {
            "left_cheek": {"shallow_broad_atrophic": 6},
            "right_cheek": {"shallow_broad_atrophic": 5},
        },
    ),
    (
        6,
        4,
        ("boxcar", "rolling", "icepick"),
        {
            "left_cheek": {"moderate_atrophic": 12, "deep_punched_out_normal_base": 6},
            "right_cheek": {"moderate_atrophic": 10, "deep_punched_out_normal_base": 4},
            "temples": {"mild_atrophic": 4},
        },
    ),
    (
        5,
        3,
        ("boxcar",),
        {
            "forehead": {"moderate_atrophic": 7},
            "chin": {"moderate_atrophic": 6},
            "jawline": {"mild_atrophic": 5},
        },
    ),
    (4, 1, ("macular", "boxcar"), {"left_cheek": {"macular": 10, "mild_atrophic": 3}}),
    (
        3,
        2,
        ("rolling", "boxcar"),
        {
            "nose": {"mild_atrophic": 3},
            "perioral": {"mild_atrophic": 4},
            "left_cheek": {"shallow_broad_atrophic": 5},
        },
    ),
)

# (weight, symptoms) by how long after the session patients report: most report what is
# usual then; triage gives each its level (a few monitor, fewer contact the clinic, a red
# flag now and then).
S = triage.Symptoms
CHECKIN_PROFILES: dict[str, tuple[tuple[float, triage.Symptoms], ...]] = {
    "first_days": (  # up to about two days
        (45, S({"redness": 4, "swelling": 2, "pain": 1})),
        (25, S({"redness": 2, "swelling": 1}, frozenset({"dryness_flaking"}))),
        (12, S({"redness": 1})),
        (6, S({"redness": 3}, frozenset({"itching"}))),
        (5, S({"redness": 8, "swelling": 7, "pain": 5})),
        (3, S({"redness": 5, "pain": 4}, frozenset({"pus"}))),
        (1.5, S({"redness": 6, "swelling": 4, "pain": 6}, frozenset({"fever", "pus"}))),
    ),
    "settling": (  # days three to five
        (50, S({"redness": 2, "swelling": 1, "pain": 1})),
        (28, S({"redness": 1}, frozenset({"dryness_flaking"}))),
        (10, S({"redness": 4, "swelling": 3})),
        (6, S({"redness": 2}, frozenset({"itching"}))),
        (4, S({"redness": 4, "pain": 4}, frozenset({"pus"}))),
        (1, S({"redness": 5, "pain": 5}, frozenset({"fever"}))),
    ),
    "late": (  # a week or more
        (62, S()),
        (14, S({"redness": 1})),
        (8, S(flags=frozenset({"dark_spots"}))),
        (6, S(flags=frozenset({"itching"}))),
        (5, S({"redness": 3, "swelling": 2})),
        (3, S({"redness": 3}, frozenset({"pus"}))),
        (2, S(flags=frozenset({"dark_spots", "dark_spots_worsening"}))),
    ),
}


def report_phase(hours: int) -> str:
    return "first_days" if hours <= 50 else "settling" if hours < 120 else "late"


@dataclass(frozen=True)
class ScreeningFacts:
    answers: Json
    answers_given: Json
    verdict: str
    findings: Json
    missing: Json
    codes: frozenset[str]
    to_acknowledge: tuple[str, ...]

    @property
    def blocks(self) -> bool:
        return screening.Verdict(self.verdict) in BLOCKING_VERDICTS


@dataclass(frozen=True)
class AssessmentFacts:
    grade: int
    scar_types: Json
    zones: Json
    scores: Json
    zone_names: tuple[str, ...]
    scar_type_names: tuple[str, ...]


@dataclass(frozen=True)
class TriageFacts:
    level: str
    symptoms: Json
    triage: Json
    alert: bool
    flags: frozenset[str]


class ClinicalRules:
    """The clinic's knowledge, asked once per archetype."""

    def __init__(self, knowledge: Knowledge, anchor: date) -> None:
        self.knowledge, self.anchor = knowledge, anchor
        self._memo: dict[Hashable, Any] = {}

    def _remember(self, key: Hashable, make: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = make()
        result: T = self._memo[key]
        return result

    def screening(self, variant: int, age: int, fitzpatrick: int) -> ScreeningFacts:
        return self._remember(
            ("screening", variant, age, fitzpatrick),
            lambda: self._screen(variant, age, fitzpatrick),
        )

    def _screen(self, variant: int, age: int, fitzpatrick: int) -> ScreeningFacts:
        data = {
            **CLEAR_ANSWERS,
            **INTAKE_VARIANTS[variant][1],
            "age": age,
            "fitzpatrick": fitzpatrick,
        }
        intake = screening.parse_intake(data, self.knowledge, self.anchor)
        result = screening.screen(intake, self.knowledge, self.anchor)
        return ScreeningFacts(
            answers=Json(screening.stored_answers(intake)),
            answers_given=Json(dict(intake.given)),
            verdict=result.verdict.value,
            findings=Json(to_json(result.findings)),
            missing=Json(list(result.missing)),
            codes=frozenset(f.code for f in result.findings),
            to_acknowledge=tuple(f.code for f in result.findings if f.requires_acknowledgement),
        )

    def assessment(self, index: int) -> AssessmentFacts:
        return self._remember(("assessment", index), lambda: self._assess(index))

    def _assess(self, index: int) -> AssessmentFacts:
        _, grade, types, zones = ASSESSMENTS[index]
        counts = scars.Assessment(
            grade, zones={z: scars.ScarCounts(scars.ScaleCounts(c)) for z, c in zones.items()}
        )
        return AssessmentFacts(
            grade=grade,
            scar_types=Json(sorted(types)),
            zones=Json(
                {z: scars.scar_counts_json(c, self.knowledge) for z, c in counts.zones.items()}
            ),
            scores=Json(to_json(scars.score(counts, self.knowledge))),
            zone_names=tuple(sorted(zones)),
            scar_type_names=tuple(sorted(types)),
        )

    def plan(
        self, index: int, fitzpatrick: int, findings: frozenset[str]
    ) -> tuple[CoursePlan, Json]:
        def make() -> tuple[CoursePlan, Json]:
            facts = self.assessment(index)
            plan = plan_course(
                PlanRequest(
                    scar_types=facts.scar_type_names,
                    qualitative_grade=facts.grade,
                    fitzpatrick=fitzpatrick,
                    zones=facts.zone_names,
                    findings=tuple(sorted(findings)),
                ),
                self.knowledge,
            )
            return plan, Json(to_json(plan))

        return self._remember(("plan", index, fitzpatrick, findings), make)

    def triage(
        self, profile: int, hours: int, fitzpatrick: int, findings: frozenset[str]
    ) -> TriageFacts:
        """The triage of the `profile`-th report of its phase, `hours` after the session."""

        def make() -> TriageFacts:
            symptoms = CHECKIN_PROFILES[report_phase(hours)][profile][1]
            performed = datetime(2000, 1, 1, 12, tzinfo=UTC)  # only the hours between count
            result = triage.triage(
                triage.CheckIn(
                    performed_at=performed,
                    reported_at=performed + timedelta(hours=hours),
                    symptoms=symptoms,
                    patient=triage.PatientContext(fitzpatrick, findings),
                ),
                self.knowledge,
            )
            stored = to_json(result)
            assert isinstance(stored, dict)
            del stored["level"]  # stored once, as the check-in's level
            return TriageFacts(
                level=result.level.value,
                symptoms=Json(triage.symptoms_json(symptoms, self.knowledge)),
                triage=Json(stored),
                alert=result.level is not Level.EXPECTED or bool(result.anomalies),
                flags=symptoms.flags,
            )

        return self._remember(("triage", profile, hours, fitzpatrick, findings), make)
