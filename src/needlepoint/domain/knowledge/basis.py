"""The clinical basis as Markdown: each rule, its value and its sources, from the knowledge.

`docs/clinical-basis.md` is this text (`needlepoint knowledge basis`); a test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.aftercare import CLINIC_CONTACT, AftercareInstruction
from needlepoint.domain.knowledge.model.common import Confidence, Range
from needlepoint.domain.knowledge.model.contraindications import (
    Condition,
    Operator,
    Question,
    QuestionKind,
)
from needlepoint.domain.knowledge.model.measures import Measure
from needlepoint.domain.knowledge.model.planning import CLINIC_PRICE_SOURCE, Criteria, PlanRule
from needlepoint.domain.knowledge.model.recovery import Level, PatientCriteria, Phase
from needlepoint.domain.knowledge.model.scar_scales import Band, CountCondition, CountScale

CONFIDENCE_MEANINGS = {
    Confidence.SEED: "the seed articles' value: the product default",
    Confidence.VERIFIED: "read in the cited source (often its abstract)",
    Confidence.SECONDARY: "from secondary pages (clinic, consumer or summary sites) only: weak",
    Confidence.RECALLED: "recalled from the primary paper, not re-read: to verify",
    Confidence.UNVERIFIED: "not found or conflicting: conservative default",
    Confidence.INFERENCE: "clinical inference from the literature, not guideline text",
    Confidence.DECISION: "a product decision where the sources are silent: conservative default",
}


def render_basis(knowledge: Knowledge) -> str:
    sections = [
        _introduction(),
        _screening(knowledge),
        _scales(knowledge),
        _zones(knowledge),
        _planning(knowledge),
        _aftercare(knowledge),
        _recovery(knowledge),
        _outcomes(knowledge),
        _measures(knowledge),
        _analytics(knowledge),
        _charting(knowledge),
        _sources(knowledge),
    ]
    return "\n\n".join(sections) + "\n"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _cite(sources: Iterable[str]) -> str:
    return ", ".join(f"`{source}`" for source in sources)


def _hours(hours: float | None) -> str:
    if hours is None:
        return "onwards"
    return f"{hours:g} h" if hours < 72 or hours % 24 else f"{hours / 24:g} days"


def _introduction() -> str:
    return "\n".join(
        [
            "# Clinical basis",
            "",
            "Generated from the knowledge files in `src/needlepoint/domain/knowledge/` by",
            "`needlepoint knowledge basis`: edit those files, not this page. Needlepoint is",
            "decision support and documentation for licensed practitioners; it never diagnoses.",
            "Every rule below names its sources (listed at the end) and how firmly it stands on",
            "them:",
            "",
            _table(["Confidence", "Meaning"], CONFIDENCE_MEANINGS.items()),
            "",
            "A clinic may override the price per session, the depth limit of each zone and the",
            "window of each aftercare instruction; everything else changes by editing the files.",
        ]
    )


def _answer_kind(question: Question) -> str:
    if question.kind is QuestionKind.CHOICE:
        return " / ".join(question.choices)
    if question.kind is QuestionKind.BOOLEAN:
        return "yes / no"
    if question.kind is QuestionKind.MONTHS_AGO:
        return (
            f"months {question.minimum:g}-{question.maximum:g}, the date, or never"
            " (kept as the date, so it ages between screenings)"
        )
    return f"{question.kind} {question.minimum:g}-{question.maximum:g}"


def _condition(question: str, condition: Condition) -> str:
    value = condition.value
    if condition.operator is Operator.EQUALS:
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        return f"`{question}` = {shown}"
    sign = "<" if condition.operator is Operator.BELOW else ">="
    return (
        f"`{question}` {sign} {value:g}"
        if isinstance(value, float)
        else f"`{question}` {sign} {value}"
    )


def _screening(knowledge: Knowledge) -> str:
    return "\n".join(
        [
            "## Screening",
            "",
            "The verdict is the most severe that applies: `not_eligible` (a contraindication)",
            "> `defer` (a deferral: a temporary state, treat once resolved) > `incomplete` (a",
            "required question unanswered) > `eligible_with_precautions` (a precaution) >",
            "`eligible`.",
            "",
            "### Questions",
            "",
            _table(
                ["Question", "Asks", "Answer", "Required"],
                (
                    (f"`{q.name}`", q.text, _answer_kind(q), "yes" if q.required else "no")
                    for q in knowledge.questions
                ),
            ),
            "",
            "### Rules",
            "",
            _table(
                ["Finding", "When", "Severity", "Acknowledge", "Message", "Confidence", "Sources"],
                (
                    (
                        f"`{rule.code}`",
                        _condition(rule.question, rule.when),
                        rule.severity,
                        "yes" if rule.requires_acknowledgement else "no",
                        rule.message + (f" *Note: {rule.note}*" if rule.note else ""),
                        rule.confidence,
                        _cite(rule.sources),
                    )
                    for rule in knowledge.screening_rules
                ),
            ),
        ]
    )


def _bands(bands: Sequence[Band], unit: str) -> str:
    steps = []
    for index, band in enumerate(bands):
        if band.below is not None:
            condition = f"below {band.below:g}"
        elif band.up_to is not None:
            condition = f"up to {band.up_to:g}"
        else:
            previous = bands[index - 1]
            bound = previous.limit or 0
            condition = f"{bound:g} or more" if previous.below is not None else f"above {bound:g}"
        steps.append(f"{condition} {unit}: {band.value}")
    return "; ".join(steps)


def _count_scale(scale: CountScale) -> str:
    lines = [
        f"### {scale.title}",
        "",
        "Score = sum over rows of weight x the value of the row's count"
        f" ({_bands(scale.count_bands, 'lesions')}; none: 0). Maximum {scale.max_score}."
        f" Confidence: {scale.confidence}."
        f" Sources: {_cite(scale.sources)}." + (f" {scale.note}" if scale.note else ""),
        "",
        _table(
            ["Row", "Scar type", "Weight"],
            ((f"`{name}`", item.label, item.weight) for name, item in scale.items.items()),
        ),
    ]
    if scale.area:
        lines += [
            "",
            f"`{scale.area.name}` ({scale.area.label}, input `{scale.area.name}_area_cm2`): "
            f"{_bands(scale.area.bands, 'cm²')}; none: 0.",
        ]
    return "\n".join(lines)


def _scales(knowledge: Knowledge) -> str:
    qualitative = knowledge.qualitative
    return "\n".join(
        [
            "## Scar scales",
            "",
            "Counts from every zone are summed first, then scored (the scales are global).",
            "",
            f"### {qualitative.title}",
            "",
            f"Confidence: {qualitative.confidence}. Sources: {_cite(qualitative.sources)}.",
            "",
            _table(
                ["Grade", "Level", "Definition"],
                ((g.grade, g.level, g.definition) for g in qualitative.grades),
            ),
            "",
            _count_scale(knowledge.goodman_baron),
            "",
            _count_scale(knowledge.ecca),
            "",
            "### Grade checks",
            "",
            "A score warns (the grade is kept as given) when its grade is one a check names and",
            "every condition of the check holds on the counts summed over zones; a condition on",
            "a scale that was not counted never holds.",
            "",
            _table(
                ["Code", "Grades", "When", "Warning", "Confidence", "Sources"],
                (
                    (
                        f"`{check.code}`",
                        ", ".join(map(str, sorted(check.grades))),
                        " and ".join(map(_count_condition, check.conditions)),
                        check.text + (f" *Note: {check.note}*" if check.note else ""),
                        check.confidence,
                        _cite(check.sources),
                    )
                    for check in qualitative.checks
                ),
            ),
        ]
    )


def _count_condition(condition: CountCondition) -> str:
    bounds = [
        *([f"more than {condition.more_than}"] if condition.more_than is not None else []),
        *([f"fewer than {condition.fewer_than}"] if condition.fewer_than is not None else []),
    ]
    rows = sorted(condition.items) + ([f"{condition.area} area"] if condition.area else [])
    items = ", ".join(f"`{row}`" for row in rows)
    return f"{condition.scale} {items}: {' and '.join(bounds)}"


def _zones(knowledge: Knowledge) -> str:
    return "\n".join(
        [
            "## Zones and needle depth",
            "",
            "A plan proposes each zone's depth range for the qualitative grade, within the lowest",
            "of the clinic's limit, a requested limit and the zone's maximum. A clinic's limit",
            "defaults to the maximum and may be lowered; one set above it (up to the deepest",
            f"device setting, {knowledge.device_max_depth_mm:g} mm) is capped, with the reason",
            "`depth_capped`. Fitzpatrick IV-VI pre-fills the shallow end of the range, other",
            "types the deep end. Options for the practitioner, not directives.",
            "",
            _table(
                [
                    "Zone",
                    "Thin skin",
                    *(f"Grade {grade.grade}" for grade in knowledge.qualitative.grades),
                    "Maximum",
                    "Passes",
                    "Confidence",
                    "Sources",
                    "Note",
                ],
                (
                    (
                        f"`{zone.name}`",
                        "yes" if zone.thin else "no",
                        *map(_millimetres, zone.depth_by_grade.values()),
                        f"{zone.max_depth_mm:g} mm",
                        f"{zone.passes.min}-{zone.passes.max}",
                        zone.confidence,
                        _cite(zone.sources),
                        zone.note or "",
                    )
                    for zone in knowledge.zones.values()
                ),
            ),
        ]
    )


def _millimetres(depth: Range[float]) -> str:
    if depth.min == depth.max:
        return f"{depth.max:g} mm"
    return f"{depth.min:g}-{depth.max:g} mm"


def _criteria(criteria: Criteria) -> str:
    parts = []
    if criteria.scar_types:
        parts.append("scar types: " + ", ".join(sorted(criteria.scar_types)))
    if criteria.min_grade is not None:
        parts.append(f"grade >= {criteria.min_grade}")
    if criteria.min_fitzpatrick is not None:
        parts.append(f"Fitzpatrick >= {criteria.min_fitzpatrick}")
    if criteria.zones:
        parts.append("zones: " + ", ".join(sorted(criteria.zones)))
    if criteria.findings:
        parts.append("findings: " + ", ".join(sorted(criteria.findings)))
    return "; ".join(parts) or "always"


def _planning(knowledge: Knowledge) -> str:
    course, price = knowledge.course, knowledge.course.price_per_session
    conservative = course.conservative
    return "\n".join(
        [
            "## Course planning",
            "",
            f"Sessions {course.interval_weeks.min}-{course.interval_weeks.max} weeks apart"
            f" (a practitioner may plan {course.minimum_interval_weeks} at the shortest);"
            " sessions by qualitative grade below. Confidence:"
            f" {course.confidence}. Sources: {_cite(course.sources)}."
            + (f" {course.note}" if course.note else ""),
            "",
            _table(
                ["Grade", "Sessions"],
                (
                    (grade, f"{r.min}-{r.max}")
                    for grade, r in sorted(course.sessions_by_grade.items())
                ),
            ),
            "",
            f"Conservative settings ({_criteria(conservative.when)}): {conservative.text}"
            f" Confidence: {conservative.confidence}. Sources: {_cite(conservative.sources)}."
            + (f" {conservative.note}" if conservative.note else ""),
            "",
            "Cost = sessions x price per session: the clinic's own price (source"
            f" `{CLINIC_PRICE_SOURCE}`) or, without one, {price.min}-{price.max} {price.currency}"
            f" a session. Sources: {_cite(price.sources)}.",
            "",
            "### Scar types",
            "",
            _table(
                ["Scar type", "Microneedling", "Reason", "Confidence", "Sources"],
                (
                    (
                        f"`{s.name}` ({s.label})",
                        s.microneedling,
                        s.reason,
                        s.confidence,
                        _cite(s.sources),
                    )
                    for s in knowledge.scar_types.values()
                ),
            ),
            "",
            "`treat`: planned; `superficial`: its own pathway, other treatments first, and a plan",
            "of such marks only needles no deeper than the type's maximum"
            + "".join(
                f" ({s.name}: {s.max_depth_mm:g} mm)"
                for s in knowledge.scar_types.values()
                if s.max_depth_mm is not None
            )
            + ", if at all; `exclude`: left out of the needled area, the rest can be planned;",
            "`contraindicated`: no course.",
            "",
            "### Adjuncts and notes",
            "",
            _table(
                ["Kind", "Code", "When", "Text", "Confidence", "Sources"],
                (
                    (
                        kind,
                        f"`{rule.code}`",
                        _criteria(rule.when),
                        rule.text,
                        rule.confidence,
                        _cite(rule.sources),
                    )
                    for kind, rule in _plan_rules(knowledge)
                ),
            ),
        ]
    )


def _plan_rules(knowledge: Knowledge) -> Iterator[tuple[str, PlanRule]]:
    """Adjuncts, each followed by its cautions (coded `adjunct/caution`), then notes."""
    for rule in knowledge.adjuncts:
        yield "adjunct", rule
        for caution in rule.cautions:
            yield "caution", replace(caution, code=f"{rule.code}/{caution.code}")
    for rule in knowledge.plan_notes:
        yield "note", rule


def _aftercare_until(item: AftercareInstruction) -> str:
    months = item.window.ends_months_after_course
    until = (
        f"{months} months after the course's last session"
        if months is not None
        else _hours(item.window.ends_after_hours)
    )
    return until if item.announce_end else f"{until} (end never announced)"


def _aftercare(knowledge: Knowledge) -> str:
    after_sunset = knowledge.after_sunset
    morning = f"{after_sunset.morning_hour:02d}:00"
    return "\n".join(
        [
            "## Aftercare",
            "",
            "Windows count from the end of the session: whole days on the clinic's calendar"
            " (a session that ended at 10:30 has its day windows end at 10:30, also across a"
            " clock change), hours beyond whole days as elapsed hours.",
            "",
            f"Sun items of a session that ended after sunset, or before {morning}, start no"
            f" earlier than {morning} the next morning. Sunset comes from the clinic's"
            " location, else its time zone's city, else is taken as"
            f" {after_sunset.evening_hour:02d}:00. Confidence: {after_sunset.confidence}."
            f" Sources: {_cite(after_sunset.sources)}. {after_sunset.note or ''}".rstrip(),
            "",
            f'In a text, `{CLINIC_CONTACT}` is "the clinic on" its phone, or "the clinic".',
            "",
            _table(
                ["Code", "Instruction", "From", "Until", "Confidence", "Sources", "Note"],
                (
                    (
                        f"`{item.code}`",
                        f"**{item.title}.**{' (Sun item.)' if item.sun else ''} {item.text}",
                        _hours(item.window.starts_after_hours),
                        _aftercare_until(item),
                        item.confidence,
                        _cite(item.sources),
                        item.note or "",
                    )
                    for item in knowledge.aftercare
                ),
            ),
        ]
    )


def _charting(knowledge: Knowledge) -> str:
    rules = knowledge.charting
    return "\n".join(
        [
            "## Charting and signing a session",
            "",
            "The session gate (`domain/charting.py`). A session starts once the practitioner"
            " has reviewed what is open for the patient (unresolved alerts and adverse events,"
            " recalled lots used on them, a screening to acknowledge). A chart is saved only"
            " after a re-screen that does not block (a `defer`, `not_eligible` or `incomplete`"
            " verdict not overridden, or an unacknowledged precaution, blocks), with each zone's"
            " depth above 0 and at most its limit (see the zones above, and the clinic's own"
            " limits), lots neither expired nor recalled at the treatment time (cartridges as"
            " cartridge lots, products as product lots), and times in order and not in the"
            " future.",
            "",
            _table(
                ["Rule", "Value"],
                [
                    (
                        "Charted times may be ahead of now by at most",
                        f"{rules.clock_skew_minutes} min",
                    ),
                    ("Passes per zone", f"{rules.passes.min}-{rules.passes.max}"),
                    ("Required to sign", ", ".join(f"`{name}`" for name in rules.required_to_sign)),
                    (
                        "Cartridge lot required to sign, except for",
                        ", ".join(f"`{d}`" for d in sorted(rules.cartridge_lot_not_required_for)),
                    ),
                ],
            ),
            "",
            f"Confidence: {rules.confidence}. Sources: {_cite(rules.sources)}."
            f" {rules.note or ''}".rstrip(),
            "",
            _appointment_times(knowledge),
        ]
    )


def _appointment_times(knowledge: Knowledge) -> str:
    times = knowledge.appointment_times
    return "\n".join(
        [
            "## A session's time on the calendar",
            "",
            "A microneedling appointment (`domain/scheduling.py`) reserves the numbing before"
            " the procedure (in the treatment room or a numbing chair; the practitioner is free"
            " meanwhile) and then the procedure (practitioner and treatment room). A course's"
            " session moved closer to the one before or after it than the course's shortest"
            " interval (see the course above) is refused; outside its planned interval it is"
            " booked with a warning.",
            "",
            _table(
                ["Rule", "Value"],
                [
                    ("Numbing before the procedure", f"{times.numbing_minutes} min"),
                    (
                        "Procedure",
                        f"{times.procedure_minutes.min}-{times.procedure_minutes.max} min",
                    ),
                ],
            ),
            "",
            f"Confidence: {times.confidence}. Sources: {_cite(times.sources)}."
            f" {times.note or ''}".rstrip(),
        ]
    )


def _graded_as(phase: Phase) -> str:
    if isinstance(phase.response, Level):
        return f"`{phase.response}`"
    limits = phase.response
    return (
        f"expected <= {limits.expected_max}, monitor <= {limits.monitor_max}, else contact_clinic"
    )


def _why(phase: Phase) -> str:
    emergency = f" Emergency: {phase.emergency}" if phase.emergency else ""
    return f"{phase.concern or ''}{emergency}".strip()


def _for(criteria: PatientCriteria) -> str:
    parts = []
    if criteria.min_fitzpatrick is not None:
        parts.append(f"Fitzpatrick >= {criteria.min_fitzpatrick} (or not recorded)")
    if criteria.findings:
        parts.append("finding " + " or ".join(f"`{code}`" for code in sorted(criteria.findings)))
    return " and ".join(parts)


def _recovery(knowledge: Knowledge) -> str:
    worsening = knowledge.worsening
    courses = knowledge.recovery.values()
    adjusted = [(course, adjustment) for course in courses for adjustment in course.adjustments]
    lines = [
        "## Recovery courses and triage",
        "",
        "Levels, least to most urgent: `expected`, `monitor`, `contact_clinic`, `urgent`. A",
        "check-in takes the most severe level of its symptoms, each judged against the phase of",
        "its course at the hours since the session. Scale symptoms are rated 0-10; flags are",
        "present or not. An answer at `contact_clinic` or above calls no symptom usual. A",
        "session recorded after the report is triaged from the report (hour 0) and noted for",
        "the clinic, with an alert.",
        "",
        _table(
            ["Symptom", "From", "Until", "Graded as", "What is usual", "Why it matters", "Sources"],
            (
                (
                    f"`{course.symptom}` ({course.kind})",
                    _hours(phase.from_hour),
                    _hours(phase.to_hour),
                    _graded_as(phase),
                    phase.normal or "",
                    _why(phase),
                    _cite(course.sources),
                )
                for course in courses
                for phase in course.phases
            ),
        ),
        "",
        "Early windows: from these hours on, a flag is never below `contact_clinic` (the loader",
        "refuses knowledge that breaks this floor): "
        + ", ".join(
            f"`{course.symptom}` {_hours(course.early_window_hours)}"
            for course in courses
            if course.early_window_hours is not None
        )
        + ".",
        "",
        "Stricter courses for some patients (from the patient's record and latest screening;",
        "the first that matches applies, and none is laxer than the course at any hour):",
        "",
        _table(
            ["Symptom", "For", "From", "Until", "Graded as", "Why it matters", "Sources"],
            (
                (
                    f"`{course.symptom}`",
                    _for(adjustment.when),
                    _hours(phase.from_hour),
                    _hours(phase.to_hour),
                    _graded_as(phase),
                    _why(phase),
                    _cite(adjustment.sources),
                )
                for course, adjustment in adjusted
                for phase in adjustment.phases
            ),
        ),
        "",
        *(
            f"- `{course.symptom}` ({course.confidence}): {course.note}"
            for course in courses
            if course.note
        ),
        *(
            f"- `{course.symptom}` for {_for(adjustment.when)} ({adjustment.confidence}):"
            f" {adjustment.note}"
            for course, adjustment in adjusted
            if adjustment.note
        ),
        "",
        f"Worsening: a scale symptom that rises by {worsening.min_rise} points or more, or to"
        f" above its expected level, since the previous check-in, reported"
        f" {_hours(worsening.after_hours)} or more after the session, is `{worsening.level}`"
        f" (one reason per symptom): {worsening.concern} Confidence: {worsening.confidence}."
        f" Sources: {_cite(worsening.sources)}.",
        "",
        f"Check-ins are asked for on days {', '.join(map(str, knowledge.checkins.days))} after"
        f" a session, then every {knowledge.checkins.then_every_days} days until the next"
        f" session. Confidence: {knowledge.checkins.confidence}. Sources:"
        f" {_cite(knowledge.checkins.sources)}.",
        "",
        _table(
            ["Level", "Advice to the patient", "Sources"],
            ((f"`{a.level}`", a.text, _cite(a.sources)) for a in knowledge.advice.values()),
        ),
    ]
    return "\n".join(lines)


def _outcomes(knowledge: Knowledge) -> str:
    return "\n".join(
        [
            "## Published outcomes",
            "",
            "Shown with a plan when they apply: each study's own result on its own scale, never a",
            "single headline percentage.",
            "",
            _table(
                ["Study", "Scale", "Sessions", "Shown when", "Result", "Confidence", "Sources"],
                (
                    (
                        o.study,
                        o.scale,
                        o.sessions,
                        _criteria(o.when),
                        o.text,
                        o.confidence,
                        _cite(o.sources),
                    )
                    for o in knowledge.outcomes
                ),
            ),
            "",
            _progress(knowledge),
        ]
    )


def _progress(knowledge: Knowledge) -> str:
    schedule = knowledge.progress
    sessions = " and ".join(f"the {which} session" for which in schedule.after_sessions)
    follow_ups = (
        ", and at the outcome measures' follow-up timepoints" if schedule.at_follow_ups else ""
    )
    return "\n".join(
        [
            "### The patient's progress view",
            "",
            f"Opens at milestones only, not daily: after {sessions} of the course{follow_ups}"
            f" ({schedule.confidence}; {_cite(schedule.sources)}). Two photos are compared only",
            "when they show the same pose, both pass the quality checks and line up on the face;",
            "the studies above are shown with their scale, sessions and citation, and none while",
            "an alert or an adverse event of the patient is unresolved.",
        ]
    )


def _analytics(knowledge: Knowledge) -> str:
    rules = knowledge.analytics
    sample = rules.courses
    return "\n".join(
        [
            "## Clinic analytics",
            "",
            f"No figure is claimed for a group of fewer than {sample.minimum} courses (a mean",
            f"change) or {rules.sessions.minimum} sessions (a rate; its interval is still shown)"
            f" ({rules.sample_confidence}; {_cite(sample.sources)}). A rate's interval is the"
            f" {rules.rate_interval.method} ({_cite(rules.rate_interval.sources)}); a mean"
            f" change's the {rules.mean_interval.method} ({_cite(rules.mean_interval.sources)}).",
            "Sessions and courses are grouped by their deepest zone's depth:",
            "",
            _table(
                ["Depth band", "Up to (mm)", "Confidence", "Sources"],
                (
                    (band.label, f"{band.up_to_mm:g}", band.confidence, _cite(band.sources))
                    for band in rules.depth_bands
                ),
            ),
        ]
    )


def _scale(measure: Measure) -> str:
    item = measure.items[0]
    if item.options:
        return "; ".join(f"{o.value:g} {o.label}" for o in item.options)
    return f"{item.minimum} {item.minimum_label} to {item.maximum} {item.maximum_label}"


def _measures(knowledge: Knowledge) -> str:
    measures = knowledge.measures
    return "\n".join(
        [
            "## Outcome measures",
            "",
            "Asked at a course's timepoints, in days from the anchor: the first session's",
            "booked time, each later session's, or the end of the last session once none is",
            "left to do. A window before a session also closes once the session is done.",
            "",
            _table(
                [
                    "Timepoint",
                    "Due (days)",
                    "Opens before",
                    "Missed after",
                    "Confidence",
                    "Sources",
                ],
                (
                    (
                        rule.label,
                        rule.due_days,
                        rule.opens_days_before,
                        rule.overdue_days_after,
                        rule.confidence,
                        _cite(rule.sources),
                    )
                    for rule in measures.timepoints.values()
                ),
            ),
            "",
            _table(
                [
                    "Measure",
                    "Who",
                    "Question",
                    "Scale",
                    "Better",
                    "Asked at",
                    "Confidence",
                    "Sources",
                ],
                (
                    (
                        m.label,
                        m.respondent,
                        m.items[0].text,
                        _scale(m),
                        m.better,
                        ", ".join(t.value for t in m.timepoints),
                        m.confidence,
                        _cite(m.sources),
                    )
                    for m in measures.measures.values()
                ),
            ),
        ]
    )


def _sources(knowledge: Knowledge) -> str:
    return "\n".join(
        [
            "## Sources",
            "",
            _table(
                ["Id", "Kind", "Citation"],
                ((f"`{s.id}`", s.kind, s.citation) for s in knowledge.sources.values()),
            ),
        ]
    )
