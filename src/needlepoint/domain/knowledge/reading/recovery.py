"""recovery.toml: each symptom's expected course (phases, early window, adjustments for some
patients), the check-in schedule, when a rising symptom is worse, and the advice per level."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import replace

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge.model.common import SKIN_TYPES
from needlepoint.domain.knowledge.model.recovery import (
    MAX_INTENSITY,
    Advice,
    CheckinSchedule,
    CourseAdjustment,
    Level,
    Limits,
    PatientCriteria,
    Phase,
    RecoveryCourse,
    SymptomKind,
    Worsening,
)
from needlepoint.domain.knowledge.reading.common import (
    BASIS,
    Document,
    as_confidence,
    list_of,
    unique,
)
from needlepoint.domain.knowledge.reading.sources import Cite
from needlepoint.domain.parsing import (
    Fields,
    as_choice,
    as_choices,
    as_int,
    as_number,
    as_str,
    field_path,
)


def read_recovery(
    document: Document, findings: Collection[str], cite: Cite
) -> tuple[dict[str, RecoveryCourse], CheckinSchedule, Worsening, dict[Level, Advice]]:
    """`findings`: the screening finding codes a course adjustment may name."""
    fields = Fields(document, "", required=("course", "checkins", "worsening", "advice"))
    courses = fields.read(
        "course", list_of, lambda item, at: _recovery_course(item, at, findings, cite)
    )
    unique([course.symptom for course in courses], "course", "symptom")
    advice = Fields(fields.values["advice"], "advice", required=list(Level))
    return (
        {course.symptom: course for course in courses},
        fields.read("checkins", _checkins, cite),
        fields.read("worsening", _worsening, cite),
        {Level(level): advice.read(level, _advice, Level(level), cite) for level in Level},
    )


def _checkins(value: object, path: str, cite: Cite) -> CheckinSchedule:
    fields = Fields(value, path, required=("days", "then_every_days", *BASIS), optional=("note",))
    days = fields.read("days", list_of, lambda day, at: as_int(day, at, 1, 366))
    if list(days) != sorted(set(days)) or not days:
        raise InvalidInput(fields.path_of("days"), "must be increasing days after the session")
    return CheckinSchedule(
        days=days,
        then_every_days=fields.read("then_every_days", as_int, 1, 366),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _recovery_course(
    value: object, path: str, findings: Collection[str], cite: Cite
) -> RecoveryCourse:
    fields = Fields(
        value,
        path,
        required=("symptom", "label", "kind", "phases", *BASIS),
        optional=("early_window_hours", "adjustment", "note"),
    )
    symptom = fields.read("symptom", as_str)
    kind = SymptomKind(fields.read("kind", as_choice, list(SymptomKind)))
    phases, window = _phases(fields, symptom, kind)

    def adjustment(item: object, at: str) -> CourseAdjustment:
        return _adjustment(item, at, symptom, kind, phases, findings, cite)

    return RecoveryCourse(
        symptom=symptom,
        label=fields.read("label", as_str),
        kind=kind,
        phases=phases,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        early_window_hours=window,
        adjustments=fields.maybe("adjustment", list_of, adjustment) or (),
        note=fields.maybe("note", as_str),
    )


def _phases(
    fields: Fields, symptom: str, kind: SymptomKind
) -> tuple[tuple[Phase, ...], float | None]:
    """`phases` covering every hour from 0 and, for a flag, `early_window_hours`: the
    floor, from which on every phase must be at least contact_clinic."""
    phases = fields.read("phases", list_of, lambda item, at: _phase(item, at, kind))
    if not phases or phases[0].from_hour != 0:
        raise InvalidInput(fields.path_of("phases"), "the first phase must start at hour 0")
    for index, (earlier, later) in enumerate(itertools.pairwise(phases), start=1):
        if later.from_hour <= earlier.from_hour:
            raise InvalidInput(
                field_path(fields.path_of("phases"), index),
                "phases overlap or are out of order",
            )
    ended = [replace(phase, to_hour=later.from_hour) for phase, later in itertools.pairwise(phases)]
    phases = (*ended, phases[-1])
    if kind is SymptomKind.SCALE:
        if "early_window_hours" in fields:
            raise InvalidInput(
                fields.path_of("early_window_hours"), "does not apply to a scale symptom"
            )
        return phases, None
    if "early_window_hours" not in fields:
        raise InvalidInput(
            fields.path_of("early_window_hours"),
            "is required for a flag: the hour from which it is at least contact_clinic",
        )
    window = fields.read("early_window_hours", as_number, 0)
    for index, phase in enumerate(phases):
        below = (
            isinstance(phase.response, Level) and phase.response.rank < Level.CONTACT_CLINIC.rank
        )
        if below and (phase.to_hour is None or phase.to_hour > window):
            raise InvalidInput(
                field_path(fields.path_of("phases"), index),
                f"{symptom!r} is {phase.response} here, below contact_clinic at or after"
                f" its early window ({window:g} h)",
            )
    return phases, window


def _adjustment(
    value: object,
    path: str,
    symptom: str,
    kind: SymptomKind,
    default: tuple[Phase, ...],
    findings: Collection[str],
    cite: Cite,
) -> CourseAdjustment:
    """Stricter phases for the patients `when` matches: never laxer than `default`."""
    fields = Fields(
        value,
        path,
        required=("when", "phases", *BASIS),
        optional=("early_window_hours", "note"),
    )
    phases, window = _phases(fields, symptom, kind)
    hours = sorted({phase.from_hour for phase in (*phases, *default)})
    for hour in hours:
        if not _as_strict(_phase_at(phases, hour).response, _phase_at(default, hour).response):
            raise InvalidInput(
                fields.path_of("phases"),
                f"must be at least as strict as the course's own phases (not at {hour:g} h)",
            )
    return CourseAdjustment(
        when=fields.read("when", _patient_criteria, findings),
        phases=phases,
        early_window_hours=window,
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
        note=fields.maybe("note", as_str),
    )


def _phase_at(phases: tuple[Phase, ...], hours: float) -> Phase:
    return next(phase for phase in phases if phase.contains(hours))


def _as_strict(response: Limits | Level, default: Limits | Level) -> bool:
    """Whether `response` escalates at least wherever `default` does."""
    if isinstance(response, Limits) and isinstance(default, Limits):
        return (
            response.expected_max <= default.expected_max
            and response.monitor_max <= default.monitor_max
        )
    return (
        isinstance(response, Level) and isinstance(default, Level) and response.rank >= default.rank
    )


def _patient_criteria(value: object, path: str, findings: Collection[str]) -> PatientCriteria:
    fields = Fields(value, path, optional=("min_fitzpatrick", "findings"))
    if not fields.values:
        raise InvalidInput(path, "must give min_fitzpatrick or findings")
    return PatientCriteria(
        min_fitzpatrick=fields.maybe("min_fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
        findings=frozenset(fields.maybe("findings", as_choices, findings) or ()),
    )


def _phase(value: object, path: str, kind: SymptomKind) -> Phase:
    """One phase, open-ended until `_phases` sets where the next one starts."""
    grading = ("expected_max", "monitor_max") if kind is SymptomKind.SCALE else ("level",)
    fields = Fields(
        value,
        path,
        required=("from_hour", *grading),
        optional=("normal", "concern", "emergency"),
    )
    response: Limits | Level
    if kind is SymptomKind.SCALE:
        expected = fields.read("expected_max", as_int, 0, MAX_INTENSITY)
        response = Limits(expected, fields.read("monitor_max", as_int, expected, MAX_INTENSITY))
    else:
        response = Level(fields.read("level", as_choice, list(Level)))
    phase = Phase(
        from_hour=fields.read("from_hour", as_number, 0),
        to_hour=None,
        response=response,
        normal=fields.maybe("normal", as_str),
        concern=fields.maybe("concern", as_str),
        emergency=fields.maybe("emergency", as_str),
    )
    if phase.normal is None and (kind is SymptomKind.SCALE or response is Level.EXPECTED):
        raise InvalidInput(fields.path_of("normal"), "is required: say what is usual")
    if phase.concern is None and isinstance(response, Level) and response is not Level.EXPECTED:
        raise InvalidInput(fields.path_of("concern"), "is required: say why it matters")
    return phase


def _worsening(value: object, path: str, cite: Cite) -> Worsening:
    fields = Fields(value, path, required=("after_hours", "min_rise", "level", "concern", *BASIS))
    return Worsening(
        after_hours=fields.read("after_hours", as_number, 0),
        min_rise=fields.read("min_rise", as_int, 1, MAX_INTENSITY),
        level=Level(fields.read("level", as_choice, list(Level))),
        concern=fields.read("concern", as_str),
        sources=fields.read("sources", cite),
        confidence=fields.read("confidence", as_confidence),
    )


def _advice(value: object, path: str, level: Level, cite: Cite) -> Advice:
    fields = Fields(value, path, required=("text", "sources"))
    return Advice(level, fields.read("text", as_str), fields.read("sources", cite))
