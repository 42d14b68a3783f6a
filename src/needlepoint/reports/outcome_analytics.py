"""The clinic's outcomes: for each course begun in the period that has a re-assessment, the
change (latest re-assessment minus the course's baseline assessment) in the Goodman & Baron
quantitative score and qualitative grade and in the ECCA score, as a mean with its 95 %
confidence interval, by scar type, Fitzpatrick type, device and depth band, beside the
published results on the same scales (outcomes.toml). A group of fewer courses than
analytics.toml's minimum is shown as "too few courses to compare", with no figure.

A course's re-assessment is its patient's latest assessment after the course's baseline; its
device is the one charted in its last signed session; its depth band is its planned deepest
zone's; its practitioner is the one who planned it. The GAIS distribution counts the
patients' and clinicians' GAIS answers of the courses begun in the period, per timepoint,
and each course's latest answer to each by the same groups (`course_groups`,
`scar_type_breakdown`), too few to say below the same minimum of courses.
Every table is one GROUP BY query, so the page reads in the same few queries however many
courses there are."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from needlepoint.clinics.actors import Actor
from needlepoint.clinics.knowledge import clinic_knowledge
from needlepoint.clinics.replica import reporting_database
from needlepoint.clinics.roles import Permission
from needlepoint.courses.models import Assessment, Course, Session
from needlepoint.domain.knowledge.model import Knowledge
from needlepoint.domain.knowledge.model.common import SKIN_TYPE_NUMERALS
from needlepoint.domain.knowledge.model.measures import Option, Timepoint
from needlepoint.domain.knowledge.model.outcomes import PublishedOutcome
from needlepoint.domain.statistics import MeanChange, mean_change
from needlepoint.outcomes.models import MeasureResponse
from needlepoint.reports.analytics import (
    Breakdown,
    Figure,
    FigurePatients,
    Filters,
    access_csv_table,
    access_patients_behind,
    basis,
    choice_label,
    deepest,
    depth_breakdown,
    key_of,
    rounded,
)
from needlepoint.reports.csv import Table
from needlepoint.safety.audit import audit_read

PAGE = "outcomes"


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    scale: str  # the `scale` of the published outcomes on it (outcomes.toml)
    unit: str


GB_SCORE, GB_GRADE = "Goodman & Baron quantitative score", "Goodman & Baron qualitative grade"
MEASURES = (
    Measure("goodman_baron", GB_SCORE, GB_SCORE, "points"),
    Measure("grade", GB_GRADE, GB_GRADE, "grades"),
    Measure("ecca", "ECCA score", "ECCA score", "points"),
)


def _score(path: str, scale: str) -> Cast:
    return Cast(KeyTextTransform("score", KeyTransform(scale, path)), FloatField())


def courses_begun(actor: Actor, filters: Filters) -> QuerySet[Any]:
    """The clinic's courses begun in the period (planned by the practitioner, if chosen)."""
    starts, ends = filters.bounds(actor)
    courses = Course.objects.using(reporting_database()).filter(
        clinic=actor.clinic, first_session_at__gte=starts, first_session_at__lt=ends
    )
    if filters.practitioner is not None:
        courses = courses.filter(planned_by=filters.practitioner)
    return courses


def courses_compared(actor: Actor, filters: Filters, knowledge: Knowledge) -> QuerySet[Any]:
    """The courses begun in the period that have a re-assessment, each annotated with its
    changes and its groups. The re-assessment is joined (the patient's assessments after the
    baseline, none later than it), not looked up per use, so each course's is read once."""
    later_than_it = Assessment.objects.filter(
        clinic=actor.clinic, patient=OuterRef("patient")
    ).filter(
        Q(assessed_at__gt=OuterRef("later_at"))
        | Q(assessed_at=OuterRef("later_at"), pk__gt=OuterRef("later_id"))
    )
    after_baseline = Q(
        patient__assessments__clinic=F("clinic"),
        patient__assessments__assessed_at__gt=F("assessment__assessed_at"),
    )
    courses: QuerySet[Any] = (
        courses_begun(actor, filters)
        .annotate(later=FilteredRelation("patient__assessments", condition=after_baseline))
        .annotate(later_at=F("later__assessed_at"), later_id=F("later__id"))
        .filter(later_at__isnull=False)
        .exclude(Exists(later_than_it))
        .annotate(
            change_grade=F("later__qualitative_grade") - F("assessment__qualitative_grade"),
            change_goodman_baron=_score("later__scores", "goodman_baron")
            - _score("assessment__scores", "goodman_baron"),
            change_ecca=_score("later__scores", "ecca") - _score("assessment__scores", "ecca"),
            **course_groups(actor, knowledge),
        )
    )
    return courses


def course_groups(actor: Actor, knowledge: Knowledge, course: str = "") -> dict[str, Any]:
    """The annotations `breakdowns` group a course by (the device of its last signed session,
    its planned deepest zone), on rows of courses (`course` "") or of rows that belong to a
    course (`course` "course__"). Its Fitzpatrick type is its patient's (`patient__`, the
    same patient on a course's rows)."""
    last_signed = Session.objects.filter(
        clinic=actor.clinic, course=OuterRef(f"{course}pk"), status=Session.Status.SIGNED
    ).order_by("-number")
    return {
        "device": Subquery(last_signed.values("device")[:1]),
        "deepest": deepest(f"{course}zones", knowledge),
    }


def _sums(only: Q | None = None) -> dict[str, Any]:
    """n, sum and sum of squares of each measure's change (of the courses in `only`)."""
    sums: dict[str, Any] = {"courses": Count("pk", filter=only)}
    for measure in MEASURES:
        change = f"change_{measure.code}"
        has = Q(**{f"{change}__isnull": False}) & (only or Q())
        sums[f"n_{measure.code}"] = Count("pk", filter=has)
        sums[f"sum_{measure.code}"] = Sum(change, filter=has)
        sums[f"squares_{measure.code}"] = Sum(F(change) * F(change), filter=has)
    return sums


@dataclass(frozen=True)
class Change:
    measure: Measure
    n: int
    change: MeanChange | None  # None when too few (or none) to say
    too_few: str | None


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    label: str
    courses: int
    changes: tuple[Change, ...]


def _row(
    key: str, label: str, sums: dict[str, Any], knowledge: Knowledge, prefix: str = ""
) -> OutcomeRow:
    rule = knowledge.analytics.courses
    changes = []
    for measure in MEASURES:
        n = sums[f"{prefix}n_{measure.code}"] or 0
        enough = rule.enough(n)
        figure = (
            mean_change(n, float(sums[f"{prefix}sum_{measure.code}"]),
                        float(sums[f"{prefix}squares_{measure.code}"]))
            if enough else None
        )  # fmt: skip
        changes.append(Change(measure, n, figure, rule.too_few(n, "courses")))
    return OutcomeRow(key, label, sums[f"{prefix}courses"] or 0, tuple(changes))


def breakdowns(knowledge: Knowledge) -> tuple[Breakdown, ...]:
    return (
        Breakdown("fitzpatrick", "Fitzpatrick type", "patient__fitzpatrick",
                  lambda v: f"Type {SKIN_TYPE_NUMERALS[v - 1]}" if v else "Not recorded", int),
        Breakdown("device", "Device (last session)", "device",
                  choice_label(dict(Session.Device.choices), "No signed session"), blank=True),
        depth_breakdown("Planned depth (deepest zone)", knowledge),
    )  # fmt: skip


def scar_type_breakdown(knowledge: Knowledge, course: str = "") -> list[tuple[str, str, Q]]:
    """(code, label, condition) per scar type in knowledge: a course counts under each type
    its baseline assessment records (on rows that belong to a course: `course` "course__")."""
    return [
        (code, scar.label, Q(**{f"{course}assessment__scar_types__icontains": f'"{code}"'}))
        for code, scar in knowledge.scar_types.items()
    ]


SCAR_TYPE = "scar_type", "Scar type (baseline)"


@dataclass(frozen=True)
class OutcomeTable:
    code: str
    title: str
    rows: list[OutcomeRow]


@dataclass(frozen=True)
class Study:
    outcome: PublishedOutcome
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Published:
    measure: Measure
    clinic: Change
    studies: tuple[Study, ...]


GAIS = ("gais_patient", "gais_clinician")
TIMEPOINT_LABELS = {
    Timepoint.BASELINE: "Baseline",
    Timepoint.PRE_SESSION: "Before a later session",
    Timepoint.FOLLOW_UP_3M: "3 months after the last session",
    Timepoint.FOLLOW_UP_6M: "6 months after the last session",
}


@dataclass(frozen=True)
class GaisRow:
    """One GAIS measure's answers at one timepoint: (option, count, link key) best first."""

    measure: str
    label: str
    timepoint: str
    counts: list[tuple[Option, int, str]]

    @property
    def timepoint_label(self) -> str:
        return TIMEPOINT_LABELS[Timepoint(self.timepoint)]

    @property
    def answers(self) -> int:
        return sum(count for _, count, _ in self.counts)


def gais_responses(actor: Actor, filters: Filters) -> QuerySet[Any]:
    return MeasureResponse.objects.using(reporting_database()).filter(
        clinic=actor.clinic,
        measure__in=GAIS,
        course__in=courses_begun(actor, filters).values("pk"),
    )


def gais_distribution(actor: Actor, filters: Filters, knowledge: Knowledge) -> list[GaisRow]:
    """Per GAIS measure and timepoint, how many answers gave each grade: one query."""
    measures = [knowledge.measures.measures[code] for code in GAIS]
    grades = {option.value for m in measures for option in m.items[0].options}
    per_grade = {f"grade_{g:g}": Count("pk", filter=Q(score=g)) for g in sorted(grades)}
    found = {
        (row["measure"], row["timepoint"]): row
        for row in gais_responses(actor, filters)
        .values("measure", "timepoint")
        .annotate(**per_grade)
    }
    rows = []
    for measure in measures:
        for timepoint in Timepoint:
            row = found.get((measure.code, timepoint.value))
            if row is None:
                continue
            counts = [
                (o, row[f"grade_{o.value:g}"], f"{measure.code}:{timepoint.value}:{o.value:g}")
                for o in measure.items[0].options
            ]
            rows.append(GaisRow(measure.code, measure.label, timepoint.value, counts))
    return rows


def gais_latest(actor: Actor, filters: Filters, knowledge: Knowledge) -> QuerySet[Any]:
    """Each course's latest answer to each GAIS measure (of the courses begun in the period),
    annotated with its course's groups."""
    later = MeasureResponse.objects.filter(
        clinic=actor.clinic, course=OuterRef("course"), measure=OuterRef("measure")
    ).filter(
        Q(taken_at__gt=OuterRef("taken_at"))
        | Q(taken_at=OuterRef("taken_at"), pk__gt=OuterRef("pk"))
    )
    latest: QuerySet[Any] = (
        gais_responses(actor, filters)
        .exclude(Exists(later))
        .annotate(**course_groups(actor, knowledge, "course__"))
    )
    return latest


@dataclass(frozen=True)
class GaisCounts:
    """One GAIS measure's latest answers in a group: n courses answered and, when enough,
    (option, count, link key) best first."""

    measure: str
    label: str
    n: int
    counts: list[tuple[Option, int, str]]  # empty when too few to say
    too_few: str | None


@dataclass(frozen=True)
class GaisGroup:
    key: str
    label: str
    measures: tuple[GaisCounts, ...]


@dataclass(frozen=True)
class GaisTable:
    code: str  # "gais_" and the breakdown's code
    title: str
    options: tuple[Option, ...]
    rows: list[GaisGroup]


def _gais_group(
    key: str, label: str, found: dict[str, Any], knowledge: Knowledge, prefix: str = ""
) -> GaisGroup:
    rule = knowledge.analytics.courses
    measures = []
    for code in GAIS:
        measure = knowledge.measures.measures[code]
        options = _options(knowledge, code)
        per_option = [found.get(f"{prefix}{code}__{o.value:g}") or 0 for o in options]
        n = sum(per_option)
        counts = [
            (o, count, f"{code}:{key}:{o.value:g}")
            for o, count in zip(options, per_option, strict=True)
        ]
        enough = rule.enough(n)
        measures.append(GaisCounts(
            code, measure.label, n, counts if enough else [], rule.too_few(n, "courses")
        ))  # fmt: skip
    return GaisGroup(key, label, tuple(measures))


def gais_by_group(actor: Actor, filters: Filters, knowledge: Knowledge) -> list[GaisTable]:
    """Each course's latest GAIS answers by scar type, Fitzpatrick type, device and depth
    band (the outcome tables' groups): one query per grouping. A group of fewer courses
    answering than analytics.toml's minimum is too few to say."""
    responses = gais_latest(actor, filters, knowledge)
    per_grade = {
        f"{code}__{o.value:g}": Count("pk", filter=Q(measure=code, score=o.value))
        for code in GAIS
        for o in _options(knowledge, code)
    }
    types = scar_type_breakdown(knowledge, "course__")
    by_type: dict[str, Any] = {}
    for code, _label, condition in types:
        by_type |= {
            f"{code}__{name}": Count("pk", filter=count.filter & condition)
            for name, count in per_grade.items()
        }
    type_counts = responses.aggregate(**by_type)
    options = _options(knowledge, GAIS[0])
    tables = [GaisTable(f"gais_{SCAR_TYPE[0]}", SCAR_TYPE[1], options, [
        _gais_group(code, label, type_counts, knowledge, f"{code}__") for code, label, _ in types
    ])]  # fmt: skip
    for breakdown in breakdowns(knowledge):
        grouped = responses.values(breakdown.group).annotate(**per_grade).order_by(breakdown.group)
        rows = [
            _gais_group(key_of(value), breakdown.label(value), row, knowledge)
            for value, row in breakdown.rows(grouped)
        ]
        tables.append(GaisTable(f"gais_{breakdown.code}", breakdown.title, options, rows))
    return tables


@dataclass(frozen=True)
class OutcomeReport:
    filters: Filters
    total: OutcomeRow
    tables: list[OutcomeTable]
    published: list[Published]
    gais: list[GaisRow]
    gais_groups: list[GaisTable]
    minimum: int
    basis: tuple[str, ...]  # the citations behind the intervals and the minimum sample


def outcome_report(actor: Actor, filters: Filters) -> OutcomeReport:
    knowledge = clinic_knowledge(actor.clinic)
    courses = courses_compared(actor, filters, knowledge)
    total = _row("all", "All courses", courses.aggregate(**_sums()), knowledge)
    types = scar_type_breakdown(knowledge)
    by_type: dict[str, Any] = {}
    for code, _label, condition in types:
        by_type |= {f"{code}__{name}": value for name, value in _sums(condition).items()}
    type_sums = courses.aggregate(**by_type)
    tables = [
        OutcomeTable(*SCAR_TYPE, [
            _row(code, label, type_sums, knowledge, f"{code}__") for code, label, _ in types
        ])
    ]  # fmt: skip
    for breakdown in breakdowns(knowledge):
        grouped = courses.values(breakdown.group).annotate(**_sums()).order_by(breakdown.group)
        rows = [
            _row(key_of(value), breakdown.label(value), row, knowledge)
            for value, row in breakdown.rows(grouped)
        ]
        tables.append(OutcomeTable(breakdown.code, breakdown.title, rows))
    published = [
        Published(measure, change, tuple(
            Study(o, tuple(knowledge.sources[s].citation for s in o.sources))
            for o in knowledge.outcomes if o.scale == measure.scale
        ))
        for measure, change in zip(MEASURES, total.changes, strict=True)
    ]  # fmt: skip
    rules = knowledge.analytics
    cited = basis(knowledge, rules.mean_interval.sources, rules.courses.sources)
    gais = gais_distribution(actor, filters, knowledge)
    groups = gais_by_group(actor, filters, knowledge)
    return OutcomeReport(
        filters, total, tables, published, gais, groups, rules.courses.minimum, cited
    )


def access_outcome_report(actor: Actor, filters: Filters) -> OutcomeReport:
    actor.require(Permission.CLINICAL_READ)
    report = outcome_report(actor, filters)
    audit_read(actor, "analytics.outcomes", "clinic", actor.clinic.pk, detail=filters.detail())
    return report


GROUPS = ("scar_type", "fitzpatrick", "device", "depth_band")
OUTCOME_TABLES = ("all", *GROUPS, "gais", *(f"gais_{group}" for group in GROUPS))


def access_outcome_table(actor: Actor, filters: Filters, table: str) -> Table:
    """One table of the page as CSV: a line per group with each measure's n, mean change
    and 95 % interval (empty where too few to say)."""
    actor.require(Permission.CLINICAL_READ)
    if table not in OUTCOME_TABLES:
        raise ValueError(f"not an outcomes table: {table!r}")
    report = outcome_report(actor, filters)
    if table == "gais":
        gais_lines = (
            (row.label, row.timepoint, option.label, option.value, count)
            for row in report.gais
            for option, count, _ in row.counts
        )
        gais_header = ("measure", "timepoint", "answer", "grade", "answers")
        return access_csv_table(actor, PAGE, table, filters, gais_header, gais_lines)
    if table.startswith("gais_"):
        grouped = next(t for t in report.gais_groups if t.code == table)
        group_lines = (
            (group.label, counts.label, counts.n, option.label, option.value,
             count if counts.counts else "")
            for group in grouped.rows
            for counts in group.measures
            for option, count, _ in counts.counts or [(o, 0, "") for o in grouped.options]
        )  # fmt: skip
        group_header = ("group", "measure", "courses", "answer", "grade", "latest_answers")
        return access_csv_table(actor, PAGE, table, filters, group_header, group_lines)
    rows = (
        [report.total] if table == "all" else next(t.rows for t in report.tables if t.code == table)
    )

    def lines() -> Iterator[tuple[object, ...]]:
        for row in rows:
            cells: list[object] = [row.label, row.courses]
            for change in row.changes:
                figure = change.change
                cells += [change.n, *(
                    (rounded(figure.mean), rounded(figure.low), rounded(figure.high))
                    if figure else ("", "", "")
                )]  # fmt: skip
            yield tuple(cells)

    header = ["group", "courses"]
    for measure in MEASURES:
        header += [f"{measure.code}_n", f"{measure.code}_mean_change",
                   f"{measure.code}_ci95_low", f"{measure.code}_ci95_high"]  # fmt: skip
    return access_csv_table(actor, PAGE, table, filters, header, lines())


def access_outcome_patients(actor: Actor, filters: Filters, table: str, key: str) -> FigurePatients:
    """The patients of the courses behind one row of a table (LookupError: no such row)."""
    actor.require(Permission.CLINICAL_READ)
    knowledge = clinic_knowledge(actor.clinic)
    courses = courses_compared(actor, filters, knowledge)
    if table == "gais":
        measure, timepoint, grade = ([*key.split(":"), "", ""])[:3]
        known = measure in GAIS and timepoint in {t.value for t in Timepoint}
        if not known or grade not in {f"{o.value:g}" for o in _options(knowledge, measure)}:
            raise LookupError(f"no GAIS figure {key!r}")
        responses = gais_responses(actor, filters).filter(
            measure=measure, timepoint=timepoint, score=float(grade)
        )
        label = knowledge.measures.measures[measure].label
        title = f"{label}, {TIMEPOINT_LABELS[Timepoint(timepoint)].lower()}: grade {grade}"
        figure = Figure(PAGE, table, key)
        return access_patients_behind(actor, figure, title, filters, responses.values("patient_id"))
    if table in OUTCOME_TABLES and table.startswith("gais_"):
        return access_gais_group_patients(actor, filters, knowledge, table, key)
    if table == "all" and key == "all":
        title = "All courses compared"
    else:
        title, courses = _in_group(knowledge, table, key, courses)
    figure = Figure(PAGE, table, key)
    return access_patients_behind(actor, figure, title, filters, courses.values("patient_id"))


def _options(knowledge: Knowledge, measure: str) -> tuple[Option, ...]:
    return knowledge.measures.measures[measure].items[0].options


def access_gais_group_patients(
    actor: Actor, filters: Filters, knowledge: Knowledge, table: str, key: str
) -> FigurePatients:
    """The patients behind one count of a GAIS group table, `measure:group:grade`."""
    measure, _, rest = key.partition(":")
    group, _, grade = rest.rpartition(":")
    if measure not in GAIS or grade not in {f"{o.value:g}" for o in _options(knowledge, measure)}:
        raise LookupError(f"no GAIS figure {key!r}")
    responses = gais_latest(actor, filters, knowledge).filter(measure=measure, score=float(grade))
    title, responses = _in_group(
        knowledge, table.removeprefix("gais_"), group, responses, "course__"
    )
    label = knowledge.measures.measures[measure].label
    title = f"{title}, {label} (latest answer): grade {grade}"
    figure = Figure(PAGE, table, key)
    return access_patients_behind(actor, figure, title, filters, responses.values("patient_id"))


def _in_group(
    knowledge: Knowledge, code: str, key: str, rows: QuerySet[Any], course: str = ""
) -> tuple[str, QuerySet[Any]]:
    """The title of one group (`key`) of a grouping (`code`) and the rows in it: rows of
    courses, or of rows that belong to a course (`course` "course__", annotated with
    `course_groups`). LookupError: no such grouping or group."""
    if code == SCAR_TYPE[0]:
        found = [(label, q) for c, label, q in scar_type_breakdown(knowledge, course) if c == key]
        if not found:
            raise LookupError(f"no scar type {key!r}")
        return f"Scar type: {found[0][0]}", rows.filter(found[0][1])
    breakdown = next((b for b in breakdowns(knowledge) if b.code == code), None)
    if breakdown is None:
        raise LookupError(f"no outcomes table {code!r}")
    try:
        value = breakdown.value_of(key)
    except ValueError:
        raise LookupError(f"no group {key!r}") from None
    return f"{breakdown.title}: {breakdown.label(value)}", breakdown.only(rows, key)
