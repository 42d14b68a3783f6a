"""Read the knowledge files and build a validated `Knowledge`.

`build_knowledge` is pure (parsed TOML in, `Knowledge` out) so tests can feed it broken
documents; `load_knowledge` reads the package's own files once.
"""

from __future__ import annotations

import functools
import itertools
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from typing import TypeVar

from needlepoint.domain.errors import InvalidInput, KnowledgeError
from needlepoint.domain.knowledge.model import (
    CHART_FIELDS,
    CLINIC_CONTACT,
    CLINIC_PRICE_SOURCE,
    MAX_INTENSITY,
    SKIN_TYPES,
    Advice,
    AftercareInstruction,
    AfterSunset,
    AreaItem,
    Band,
    ChartRules,
    CheckinSchedule,
    Condition,
    Confidence,
    ConservativeSettings,
    CountCondition,
    CountScale,
    CourseAdjustment,
    CourseDefaults,
    Criteria,
    GradeCheck,
    Knowledge,
    Level,
    Limits,
    Operator,
    PatientCriteria,
    Phase,
    PlanRule,
    PriceRange,
    PublishedOutcome,
    QualitativeGrade,
    QualitativeScale,
    Question,
    QuestionKind,
    Range,
    RecoveryCourse,
    ScaleItem,
    ScarType,
    ScreeningRule,
    Severity,
    Source,
    Suitability,
    SymptomKind,
    Window,
    Worsening,
    Zone,
)
from needlepoint.domain.parsing import (
    Fields,
    as_bool,
    as_choice,
    as_choices,
    as_currency,
    as_int,
    as_list,
    as_money,
    as_number,
    as_object,
    as_positive_number,
    as_str,
    field_path,
)

DOCUMENTS = (
    "sources.toml",
    "contraindications.toml",
    "scar_scales.toml",
    "zones.toml",
    "planning.toml",
    "aftercare.toml",
    "recovery.toml",
    "outcomes.toml",
    "charting.toml",
)
SOURCE_KINDS = ("seed", "paper", "regulatory", "secondary", "summary", "clinic")
BASIS = ("sources", "confidence")
NUMERIC_KINDS = (QuestionKind.INTEGER, QuestionKind.NUMBER, QuestionKind.MONTHS_AGO)
KIND_FIELDS = {  # the optional question fields each kind needs (and no others)
    QuestionKind.BOOLEAN: frozenset(),
    QuestionKind.INTEGER: frozenset({"min", "max"}),
    QuestionKind.NUMBER: frozenset({"min", "max"}),
    QuestionKind.CHOICE: frozenset({"choices"}),
    QuestionKind.MONTHS_AGO: frozenset({"min", "max", "never"}),
}
T = TypeVar("T")
Document = Mapping[str, object]


@functools.cache
def load_knowledge() -> Knowledge:
    """The knowledge shipped with the package (read once)."""
    return build_knowledge(read_documents())


def read_documents() -> dict[str, Document]:
    package = resources.files(__package__)
    documents: dict[str, Document] = {}
    for name in DOCUMENTS:
        try:
            documents[name] = tomllib.loads(package.joinpath(name).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise KnowledgeError(name, str(error)) from None
    return documents


def build_knowledge(documents: Mapping[str, Document]) -> Knowledge:
    with _reading(documents, "sources.toml") as document:
        sources = _sources(document)
        if CLINIC_PRICE_SOURCE not in sources:
            raise KnowledgeError("sources.toml", f"{CLINIC_PRICE_SOURCE!r} must be defined")
    read = _Reader(sources)
    with _reading(documents, "contraindications.toml") as document:
        questions, rules = read.screening(document)
    with _reading(documents, "scar_scales.toml") as document:
        qualitative, goodman_baron, ecca = read.scales(document)
    grades = [grade.grade for grade in qualitative.grades]
    with _reading(documents, "zones.toml") as document:
        max_depth, zones = read.zones(document, grades)
    terms = _Terms(grades=grades, zones=zones, findings=[rule.code for rule in rules])
    with _reading(documents, "planning.toml") as document:
        scar_types, course, adjuncts, notes = read.planning(document, terms)
    terms = replace(terms, scar_types=list(scar_types))
    with _reading(documents, "aftercare.toml") as document:
        aftercare, after_sunset = read.aftercare(document)
    with _reading(documents, "recovery.toml") as document:
        findings = [rule.code for rule in rules]
        recovery, checkins, worsening, advice = read.recovery(document, findings)
    with _reading(documents, "outcomes.toml") as document:
        outcomes = read.outcomes(document, terms)
    with _reading(documents, "charting.toml") as document:
        charting = read.charting(document)
    return Knowledge(
        sources=sources,
        questions=questions,
        screening_rules=rules,
        qualitative=qualitative,
        goodman_baron=goodman_baron,
        ecca=ecca,
        device_max_depth_mm=max_depth,
        zones=zones,
        scar_types=scar_types,
        course=course,
        adjuncts=adjuncts,
        plan_notes=notes,
        aftercare=aftercare,
        after_sunset=after_sunset,
        recovery=recovery,
        checkins=checkins,
        worsening=worsening,
        advice=advice,
        outcomes=outcomes,
        charting=charting,
    )


@contextmanager
def _reading(documents: Mapping[str, Document], name: str) -> Iterator[Document]:
    """The document `name`; any invalid value in it becomes a KnowledgeError naming the file."""
    if name not in documents:
        raise KnowledgeError(name, "file is missing")
    try:
        yield documents[name]
    except InvalidInput as error:
        raise KnowledgeError(name, str(error)) from None


WINDOW_ENDS = ("ends_after_hours", "ends_months_after_course")
MONTH_HOURS = 28 * 24  # the shortest month: a course-long window starts before it ends


def read_window(fields: Fields) -> Window:
    """`starts_after_hours` (at least 0) and one end: `ends_after_hours` (after the start) or
    `ends_months_after_course` (1 to 24 months after the course's last session)."""
    start = fields.read("starts_after_hours", as_number, 0)
    if ("ends_after_hours" in fields) == ("ends_months_after_course" in fields):
        raise InvalidInput(fields.path, f"give one end: {' or '.join(WINDOW_ENDS)}")
    if "ends_months_after_course" in fields:
        if start >= MONTH_HOURS:
            raise InvalidInput(
                fields.path_of("starts_after_hours"),
                f"must be under {MONTH_HOURS} with ends_months_after_course",
            )
        return Window(
            start, ends_months_after_course=fields.read("ends_months_after_course", as_int, 1, 24)
        )
    end = fields.read("ends_after_hours", as_number, start)
    if end == start:
        raise InvalidInput(fields.path_of("ends_after_hours"), "must be after starts_after_hours")
    return Window(start, end)


def _sources(document: Document) -> dict[str, Source]:
    sources = {}
    for source_id, value in document.items():
        fields = Fields(value, source_id, required=("kind", "citation"))
        sources[source_id] = Source(
            id=source_id,
            kind=fields.read("kind", as_choice, SOURCE_KINDS),
            citation=fields.read("citation", as_str),
        )
    return sources


def _list_of(value: object, path: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
    items = as_list(value, path)
    return tuple(read(item, field_path(path, index)) for index, item in enumerate(items))


def _unique(names: Collection[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInput(path, f"{what} {name!r} is defined twice")
        seen.add(name)


def _confidence(value: object, path: str) -> Confidence:
    return Confidence(as_choice(value, path, list(Confidence)))


def _instruction_text(value: object, path: str) -> str:
    text = as_str(value, path)
    rest = text.replace(CLINIC_CONTACT, "")
    if "{" in rest or "}" in rest:
        raise InvalidInput(path, f"braces are kept for {CLINIC_CONTACT}, the clinic's contact")
    return text


def _bands(value: object, path: str) -> tuple[Band, ...]:
    """Bands in order: each but the last with one limit; limits rise, values never fall."""
    bands: list[Band] = []
    items = as_list(value, path, non_empty=True)
    for index, item in enumerate(items):
        fields = Fields(
            item, field_path(path, index), required=("value",), optional=("below", "up_to")
        )
        band = Band(
            value=fields.read("value", as_int, 0),
            below=fields.maybe("below", as_positive_number),
            up_to=fields.maybe("up_to", as_positive_number),
        )
        if ("below" in fields and "up_to" in fields) or (band.limit is None) != (
            index == len(items) - 1
        ):
            raise InvalidInput(
                fields.path, "give one limit (below or up_to), and none on the last band"
            )
        if bands and band.limit is not None and band.limit <= (bands[-1].limit or 0):
            raise InvalidInput(fields.path, "bands overlap or are out of order")
        if bands and band.value < bands[-1].value:
            raise InvalidInput(fields.path, "band values must not fall as the amount rises")
        bands.append(band)
    return tuple(bands)


def _range_int(fields: Fields, minimum: int, maximum: int) -> Range[int]:
    low = fields.read("min", as_int, minimum, maximum)
    return Range(low, fields.read("max", as_int, low, maximum))


@dataclass(frozen=True)
class _Terms:
    """The names a planning rule's `when` may use: grades, zones, screening findings and
    (once planning.toml is read) scar types."""

    grades: Collection[int]
    zones: Collection[str]
    findings: Collection[str]
    scar_types: Collection[str] = ()


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


class _Reader:
    """Builds each part of the knowledge, checking that every cited source exists."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self._source_ids = frozenset(sources)

    def sources(self, value: object, path: str) -> tuple[str, ...]:
        ids = _list_of(value, path, as_str)
        if not ids:
            raise InvalidInput(path, "must cite at least one source")
        for index, source_id in enumerate(ids):
            if source_id not in self._source_ids:
                raise InvalidInput(field_path(path, index), f"unknown source id {source_id!r}")
        return ids

    # contraindications.toml

    def screening(
        self, document: Document
    ) -> tuple[tuple[Question, ...], tuple[ScreeningRule, ...]]:
        fields = Fields(document, "", required=("question", "rule"))
        questions = fields.read("question", _list_of, self.question)
        _unique([question.name for question in questions], "question", "question")
        by_name = {question.name: question for question in questions}
        rules = fields.read("rule", _list_of, lambda value, path: self.rule(value, path, by_name))
        _unique([rule.code for rule in rules], "rule", "rule code")
        return questions, rules

    def question(self, value: object, path: str) -> Question:
        fields = Fields(
            value,
            path,
            required=("name", "text", "kind"),
            optional=("min", "max", "choices", "required", "never"),
        )
        kind = QuestionKind(fields.read("kind", as_choice, list(QuestionKind)))
        expected = KIND_FIELDS[kind]
        for name in ("min", "max", "choices", "never"):
            if (name in fields) != (name in expected):
                problem = "is required" if name in expected else "does not apply"
                raise InvalidInput(fields.path_of(name), f"{problem} for a {kind} question")
        minimum = fields.maybe("min", as_number, 0)
        maximum = fields.maybe("max", as_number, minimum or 0)
        return Question(
            name=fields.read("name", as_str),
            text=fields.read("text", as_str),
            kind=kind,
            minimum=minimum,
            maximum=maximum,
            choices=fields.maybe("choices", _list_of, as_str) or (),
            required=fields.maybe("required", as_bool) is not False,
            never=fields.maybe("never", as_str),
        )

    def rule(self, value: object, path: str, questions: Mapping[str, Question]) -> ScreeningRule:
        required = ("code", "question", "when", "severity", "message", "requires_acknowledgement")
        fields = Fields(value, path, required=(*required, *BASIS), optional=("note",))
        question = questions[fields.read("question", as_choice, questions)]
        return ScreeningRule(
            code=fields.read("code", as_str),
            question=question.name,
            when=fields.read("when", self.condition, question),
            severity=Severity(fields.read("severity", as_choice, list(Severity))),
            message=fields.read("message", as_str),
            requires_acknowledgement=fields.read("requires_acknowledgement", as_bool),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def condition(self, value: object, path: str, question: Question) -> Condition:
        table = as_object(value, path, allowed=list(Operator))
        if len(table) != 1:
            raise InvalidInput(path, f"must hold exactly one of: {', '.join(Operator)}")
        [(name, operand)] = table.items()
        operator, operand_path = Operator(name), field_path(path, name)
        if question.kind is QuestionKind.BOOLEAN and operator is Operator.EQUALS:
            return Condition(operator, as_bool(operand, operand_path))
        if question.kind is QuestionKind.CHOICE and operator is Operator.EQUALS:
            return Condition(operator, as_choice(operand, operand_path, question.choices))
        aging = question.kind is QuestionKind.MONTHS_AGO and operator is Operator.EQUALS
        if question.kind in NUMERIC_KINDS and not aging:  # months since an event only compare
            low, high = question.minimum or 0, question.maximum
            return Condition(operator, as_number(operand, operand_path, low, high))
        raise InvalidInput(operand_path, f"does not apply to the {question.kind} question")

    # scar_scales.toml

    def scales(self, document: Document) -> tuple[QualitativeScale, CountScale, CountScale]:
        fields = Fields(document, "", required=("qualitative", "goodman_baron", "ecca"))
        goodman_baron = fields.read("goodman_baron", self.count_scale)
        ecca = fields.read("ecca", self.count_scale)
        scales = {"goodman_baron": goodman_baron, "ecca": ecca}
        return fields.read("qualitative", self.qualitative, scales), goodman_baron, ecca

    def qualitative(
        self, value: object, path: str, scales: Mapping[str, CountScale]
    ) -> QualitativeScale:
        fields = Fields(value, path, required=("title", "grade", *BASIS), optional=("check",))
        grades = fields.read("grade", _list_of, self.grade)
        if not grades or [grade.grade for grade in grades] != list(range(1, len(grades) + 1)):
            raise InvalidInput(
                fields.path_of("grade"), "grades must be numbered 1, 2, 3... in order"
            )
        numbers = [grade.grade for grade in grades]

        def check(item: object, at: str) -> GradeCheck:
            return self.grade_check(item, at, numbers, scales)

        return QualitativeScale(
            title=fields.read("title", as_str),
            grades=grades,
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            checks=fields.maybe("check", _list_of, check) or (),
        )

    def grade(self, value: object, path: str) -> QualitativeGrade:
        fields = Fields(value, path, required=("grade", "level", "definition"))
        return QualitativeGrade(
            grade=fields.read("grade", as_int, 1),
            level=fields.read("level", as_str),
            definition=fields.read("definition", as_str),
        )

    def grade_check(
        self,
        value: object,
        path: str,
        grades: Collection[int],
        scales: Mapping[str, CountScale],
    ) -> GradeCheck:
        fields = Fields(
            value, path, required=("code", "grades", "when", "text", *BASIS), optional=("note",)
        )
        numbers = fields.read(
            "grades", _list_of, lambda item, at: as_int(item, at, min(grades), max(grades))
        )
        if not numbers:
            raise InvalidInput(fields.path_of("grades"), "must name at least one grade")

        def condition(item: object, at: str) -> CountCondition:
            return self.count_condition(item, at, scales)

        conditions = fields.read("when", _list_of, condition)
        if not conditions:
            raise InvalidInput(fields.path_of("when"), "must hold at least one condition")
        return GradeCheck(
            code=fields.read("code", as_str),
            grades=frozenset(numbers),
            conditions=conditions,
            text=fields.read("text", as_str),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def count_condition(
        self, value: object, path: str, scales: Mapping[str, CountScale]
    ) -> CountCondition:
        fields = Fields(
            value, path, required=("scale", "items"), optional=("more_than", "fewer_than")
        )
        scale = fields.read("scale", as_choice, scales)
        area = scales[scale].area
        rows = [*scales[scale].items, *([area.name] if area else [])]
        names = frozenset(fields.read("items", as_choices, rows))
        condition = CountCondition(
            scale=scale,
            items=names & scales[scale].items.keys(),
            area=area.name if area and area.name in names else None,
            more_than=fields.maybe("more_than", as_int, 0),
            fewer_than=fields.maybe("fewer_than", as_int, 1),
        )
        if condition.more_than is None and condition.fewer_than is None:
            raise InvalidInput(path, "give more_than or fewer_than")
        return condition

    def count_scale(self, value: object, path: str) -> CountScale:
        fields = Fields(
            value,
            path,
            required=("title", "count_bands", "items", *BASIS),
            optional=("area", "note"),
        )
        items = {
            name: self.scale_item(item, field_path(fields.path_of("items"), name))
            for name, item in fields.read("items", as_object).items()
        }
        if not items:
            raise InvalidInput(fields.path_of("items"), "must list at least one item")
        area = fields.maybe("area", self.area_item)
        if area is not None and area.name in items:
            raise InvalidInput(fields.path_of("area"), f"{area.name!r} is also an item")
        return CountScale(
            title=fields.read("title", as_str),
            items=items,
            count_bands=fields.read("count_bands", _bands),
            area=area,
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def scale_item(self, value: object, path: str) -> ScaleItem:
        fields = Fields(value, path, required=("label", "weight"))
        return ScaleItem(
            label=fields.read("label", as_str), weight=fields.read("weight", as_int, 1)
        )

    def area_item(self, value: object, path: str) -> AreaItem:
        fields = Fields(value, path, required=("name", "label", "bands"))
        return AreaItem(
            name=fields.read("name", as_str),
            label=fields.read("label", as_str),
            bands=fields.read("bands", _bands),
        )

    # zones.toml

    def zones(self, document: Document, grades: Collection[int]) -> tuple[float, dict[str, Zone]]:
        fields = Fields(document, "", required=("device_max_depth_mm", "zones"))
        max_depth = fields.read("device_max_depth_mm", as_positive_number)
        zones = {
            name: self.zone(name, value, field_path("zones", name), max_depth, grades)
            for name, value in fields.read("zones", as_object).items()
        }
        return max_depth, zones

    def zone(
        self,
        name: str,
        value: object,
        path: str,
        device_max_depth_mm: float,
        grades: Collection[int],
    ) -> Zone:
        """A zone whose depth ranges never fall as the grade rises nor exceed `max_depth_mm`."""
        required = ("label", "thin", "max_depth_mm", "depth_by_grade", "passes", *BASIS)
        fields = Fields(value, path, required=required, optional=("note",))
        deepest = fields.read("max_depth_mm", as_positive_number, device_max_depth_mm)

        def row(item: object, at: str) -> tuple[int, Range[float]]:
            row_fields = Fields(item, at, required=("grade", "min", "max"))
            high = row_fields.read("max", as_positive_number, deepest)
            low = row_fields.read("min", as_positive_number, high)
            return row_fields.read("grade", as_int, 1), Range(low, high)

        rows = fields.read("depth_by_grade", _list_of, row)
        by_grade = dict(rows)
        depth_path = fields.path_of("depth_by_grade")
        if [grade for grade, _ in rows] != sorted(grades):
            raise InvalidInput(depth_path, "must give each qualitative grade once, in order")
        for index, (lower, higher) in enumerate(itertools.pairwise(by_grade.values()), start=1):
            if higher.min < lower.min or higher.max < lower.max:
                raise InvalidInput(
                    field_path(depth_path, index), "depth must not fall as the grade rises"
                )
        passes = Fields(fields.values["passes"], fields.path_of("passes"), required=("min", "max"))
        return Zone(
            name=name,
            label=fields.read("label", as_str),
            thin=fields.read("thin", as_bool),
            depth_by_grade=by_grade,
            passes=_range_int(passes, 1, 20),
            max_depth_mm=deepest,
            depth_limit_mm=deepest,
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    # planning.toml

    def planning(
        self, document: Document, terms: _Terms
    ) -> tuple[dict[str, ScarType], CourseDefaults, tuple[PlanRule, ...], tuple[PlanRule, ...]]:
        fields = Fields(
            document, "", required=("course", "price_per_session", "scar_types", "adjunct", "note")
        )
        scar_types = {
            name: self.scar_type(name, value, field_path("scar_types", name))
            for name, value in fields.read("scar_types", as_object).items()
        }
        terms = replace(terms, scar_types=list(scar_types))
        price = fields.read("price_per_session", self.price)
        course = fields.read("course", self.course, price, terms)

        def adjunct(value: object, path: str) -> PlanRule:
            return self.plan_rule(value, path, terms, cautions=True)

        def note(value: object, path: str) -> PlanRule:
            return self.plan_rule(value, path, terms)

        adjuncts = fields.read("adjunct", _list_of, adjunct)
        notes = fields.read("note", _list_of, note)
        _unique([rule.code for rule in adjuncts], "adjunct", "adjunct code")
        _unique([rule.code for rule in notes], "note", "note code")
        return scar_types, course, adjuncts, notes

    def scar_type(self, name: str, value: object, path: str) -> ScarType:
        fields = Fields(
            value,
            path,
            required=("label", "microneedling", "reason", *BASIS),
            optional=("max_depth_mm",),
        )
        suitability = Suitability(fields.read("microneedling", as_choice, list(Suitability)))
        superficial = suitability is Suitability.SUPERFICIAL
        if superficial != ("max_depth_mm" in fields):
            problem = "is required" if superficial else "applies only"
            raise InvalidInput(
                fields.path_of("max_depth_mm"), f"{problem} to a superficial scar type"
            )
        return ScarType(
            name=name,
            label=fields.read("label", as_str),
            microneedling=suitability,
            reason=fields.read("reason", as_str),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            max_depth_mm=fields.maybe("max_depth_mm", as_positive_number),
        )

    def price(self, value: object, path: str) -> PriceRange:
        fields = Fields(value, path, required=("min", "max", "currency", "sources"))
        low, high = fields.read("min", as_money), fields.read("max", as_money)
        if high < low:
            raise InvalidInput(fields.path_of("max"), "must not be below min")
        return PriceRange(
            low, high, fields.read("currency", as_currency), fields.read("sources", self.sources)
        )

    def course(self, value: object, path: str, price: PriceRange, terms: _Terms) -> CourseDefaults:
        fields = Fields(
            value,
            path,
            required=(
                "interval_weeks",
                "minimum_interval_weeks",
                "sessions_by_grade",
                "conservative",
                *BASIS,
            ),
            optional=("note",),
        )

        def sessions_row(row: object, row_path: str) -> tuple[int, Range[int]]:
            row_fields = Fields(row, row_path, required=("grade", "min", "max"))
            return row_fields.read("grade", as_int, 1), _range_int(row_fields, 1, 20)

        rows = fields.read("sessions_by_grade", _list_of, sessions_row)
        if sorted(grade for grade, _ in rows) != sorted(terms.grades):
            raise InvalidInput(
                fields.path_of("sessions_by_grade"), "must give each qualitative grade exactly once"
            )
        interval = Fields(
            fields.values["interval_weeks"],
            fields.path_of("interval_weeks"),
            required=("min", "max"),
        )
        interval_weeks = _range_int(interval, 1, 52)
        minimum = fields.read("minimum_interval_weeks", as_int, 1, interval_weeks.min)
        return CourseDefaults(
            sessions_by_grade=dict(rows),
            interval_weeks=interval_weeks,
            minimum_interval_weeks=minimum,
            price_per_session=price,
            conservative=fields.read("conservative", self.conservative, terms, minimum),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def conservative(
        self, value: object, path: str, terms: _Terms, minimum_interval: int
    ) -> ConservativeSettings:
        fields = Fields(
            value,
            path,
            required=("when", "minimum_interval_weeks", "text", *BASIS),
            optional=("note",),
        )
        return ConservativeSettings(
            when=fields.read("when", self.criteria, terms),
            minimum_interval_weeks=fields.read(
                "minimum_interval_weeks", as_int, minimum_interval, 52
            ),
            text=fields.read("text", as_str),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def criteria(self, value: object, path: str, terms: _Terms) -> Criteria:
        fields = Fields(
            value,
            path,
            optional=("scar_types", "min_grade", "min_fitzpatrick", "zones", "findings"),
        )
        grades = terms.grades
        return Criteria(
            scar_types=frozenset(fields.maybe("scar_types", as_choices, terms.scar_types) or ()),
            min_grade=fields.maybe("min_grade", as_int, min(grades), max(grades)),
            min_fitzpatrick=fields.maybe("min_fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
            zones=frozenset(fields.maybe("zones", as_choices, terms.zones) or ()),
            findings=frozenset(fields.maybe("findings", as_choices, terms.findings) or ()),
        )

    def plan_rule(
        self, value: object, path: str, terms: _Terms, *, cautions: bool = False
    ) -> PlanRule:
        """A note or an adjunct; only an adjunct may carry `caution`s (notes themselves)."""
        fields = Fields(
            value,
            path,
            required=("code", "when", "text", *BASIS),
            optional=("caution",) if cautions else (),
        )
        caution_rules = fields.maybe(
            "caution", _list_of, lambda item, at: self.plan_rule(item, at, terms)
        )
        _unique([rule.code for rule in caution_rules or ()], fields.path_of("caution"), "code")
        return PlanRule(
            code=fields.read("code", as_str),
            when=fields.read("when", self.criteria, terms),
            text=fields.read("text", as_str),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            cautions=caution_rules or (),
        )

    # aftercare.toml

    def aftercare(self, document: Document) -> tuple[tuple[AftercareInstruction, ...], AfterSunset]:
        fields = Fields(document, "", required=("instruction", "after_sunset"))
        instructions = fields.read("instruction", _list_of, self.instruction)
        _unique([item.code for item in instructions], "instruction", "instruction code")
        return instructions, fields.read("after_sunset", self.after_sunset)

    def instruction(self, value: object, path: str) -> AftercareInstruction:
        required = ("code", "title", "text", "starts_after_hours", *BASIS)
        optional = (*WINDOW_ENDS, "note", "sun", "announce_end")
        fields = Fields(value, path, required=required, optional=optional)
        return AftercareInstruction(
            code=fields.read("code", as_str),
            title=fields.read("title", as_str),
            text=fields.read("text", _instruction_text),
            window=read_window(fields),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
            sun=fields.maybe("sun", as_bool) is True,
            announce_end=fields.maybe("announce_end", as_bool) is not False,
        )

    def after_sunset(self, value: object, path: str) -> AfterSunset:
        fields = Fields(
            value, path, required=("morning_hour", "evening_hour", *BASIS), optional=("note",)
        )
        return AfterSunset(
            morning_hour=fields.read("morning_hour", as_int, 0, 12),
            evening_hour=fields.read("evening_hour", as_int, 13, 23),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    # recovery.toml

    def recovery(
        self, document: Document, findings: Collection[str]
    ) -> tuple[dict[str, RecoveryCourse], CheckinSchedule, Worsening, dict[Level, Advice]]:
        """`findings`: the screening finding codes a course adjustment may name."""
        fields = Fields(document, "", required=("course", "checkins", "worsening", "advice"))
        courses = fields.read(
            "course", _list_of, lambda item, at: self.recovery_course(item, at, findings)
        )
        _unique([course.symptom for course in courses], "course", "symptom")
        advice = Fields(fields.values["advice"], "advice", required=list(Level))
        return (
            {course.symptom: course for course in courses},
            fields.read("checkins", self.checkins),
            fields.read("worsening", self.worsening),
            {Level(level): advice.read(level, self.advice, Level(level)) for level in Level},
        )

    def checkins(self, value: object, path: str) -> CheckinSchedule:
        fields = Fields(
            value, path, required=("days", "then_every_days", *BASIS), optional=("note",)
        )
        days = fields.read("days", _list_of, lambda day, at: as_int(day, at, 1, 366))
        if list(days) != sorted(set(days)) or not days:
            raise InvalidInput(fields.path_of("days"), "must be increasing days after the session")
        return CheckinSchedule(
            days=days,
            then_every_days=fields.read("then_every_days", as_int, 1, 366),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def recovery_course(
        self, value: object, path: str, findings: Collection[str]
    ) -> RecoveryCourse:
        fields = Fields(
            value,
            path,
            required=("symptom", "label", "kind", "phases", *BASIS),
            optional=("early_window_hours", "adjustment", "note"),
        )
        symptom = fields.read("symptom", as_str)
        kind = SymptomKind(fields.read("kind", as_choice, list(SymptomKind)))
        phases, window = self.phases(fields, symptom, kind)

        def adjustment(item: object, at: str) -> CourseAdjustment:
            return self.adjustment(item, at, symptom, kind, phases, findings)

        return RecoveryCourse(
            symptom=symptom,
            label=fields.read("label", as_str),
            kind=kind,
            phases=phases,
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            early_window_hours=window,
            adjustments=fields.maybe("adjustment", _list_of, adjustment) or (),
            note=fields.maybe("note", as_str),
        )

    def phases(
        self, fields: Fields, symptom: str, kind: SymptomKind
    ) -> tuple[tuple[Phase, ...], float | None]:
        """`phases` covering every hour from 0 and, for a flag, `early_window_hours`: the
        floor, from which on every phase must be at least contact_clinic."""
        phases = fields.read("phases", _list_of, lambda item, at: self.phase(item, at, kind))
        if not phases or phases[0].from_hour != 0:
            raise InvalidInput(fields.path_of("phases"), "the first phase must start at hour 0")
        for index, (earlier, later) in enumerate(itertools.pairwise(phases), start=1):
            if later.from_hour <= earlier.from_hour:
                raise InvalidInput(
                    field_path(fields.path_of("phases"), index),
                    "phases overlap or are out of order",
                )
        ended = [
            replace(phase, to_hour=later.from_hour) for phase, later in itertools.pairwise(phases)
        ]
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
                isinstance(phase.response, Level)
                and phase.response.rank < Level.CONTACT_CLINIC.rank
            )
            if below and (phase.to_hour is None or phase.to_hour > window):
                raise InvalidInput(
                    field_path(fields.path_of("phases"), index),
                    f"{symptom!r} is {phase.response} here, below contact_clinic at or after"
                    f" its early window ({window:g} h)",
                )
        return phases, window

    def adjustment(
        self,
        value: object,
        path: str,
        symptom: str,
        kind: SymptomKind,
        default: tuple[Phase, ...],
        findings: Collection[str],
    ) -> CourseAdjustment:
        """Stricter phases for the patients `when` matches: never laxer than `default`."""
        fields = Fields(
            value,
            path,
            required=("when", "phases", *BASIS),
            optional=("early_window_hours", "note"),
        )
        phases, window = self.phases(fields, symptom, kind)
        hours = sorted({phase.from_hour for phase in (*phases, *default)})
        for hour in hours:
            if not _as_strict(_phase_at(phases, hour).response, _phase_at(default, hour).response):
                raise InvalidInput(
                    fields.path_of("phases"),
                    f"must be at least as strict as the course's own phases (not at {hour:g} h)",
                )
        return CourseAdjustment(
            when=fields.read("when", self.patient_criteria, findings),
            phases=phases,
            early_window_hours=window,
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    def patient_criteria(
        self, value: object, path: str, findings: Collection[str]
    ) -> PatientCriteria:
        fields = Fields(value, path, optional=("min_fitzpatrick", "findings"))
        if not fields.values:
            raise InvalidInput(path, "must give min_fitzpatrick or findings")
        return PatientCriteria(
            min_fitzpatrick=fields.maybe("min_fitzpatrick", as_int, SKIN_TYPES.min, SKIN_TYPES.max),
            findings=frozenset(fields.maybe("findings", as_choices, findings) or ()),
        )

    def phase(self, value: object, path: str, kind: SymptomKind) -> Phase:
        """One phase, open-ended until `recovery_course` sets where the next one starts."""
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

    def worsening(self, value: object, path: str) -> Worsening:
        fields = Fields(
            value, path, required=("after_hours", "min_rise", "level", "concern", *BASIS)
        )
        return Worsening(
            after_hours=fields.read("after_hours", as_number, 0),
            min_rise=fields.read("min_rise", as_int, 1, MAX_INTENSITY),
            level=Level(fields.read("level", as_choice, list(Level))),
            concern=fields.read("concern", as_str),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
        )

    def advice(self, value: object, path: str, level: Level) -> Advice:
        fields = Fields(value, path, required=("text", "sources"))
        return Advice(level, fields.read("text", as_str), fields.read("sources", self.sources))

    # charting.toml

    def charting(self, document: Document) -> ChartRules:
        fields = Fields(
            Fields(document, "", required=("chart",)).values["chart"],
            "chart",
            required=(
                "clock_skew_minutes",
                "passes",
                "required_to_sign",
                "cartridge_lot_not_required_for",
                *BASIS,
            ),
            optional=("note",),
        )
        passes = Fields(fields.values["passes"], fields.path_of("passes"), required=("min", "max"))
        return ChartRules(
            clock_skew_minutes=fields.read("clock_skew_minutes", as_int, 0, 60),
            passes=_range_int(passes, 1, 100),
            required_to_sign=fields.read(
                "required_to_sign", _list_of, lambda item, at: as_choice(item, at, CHART_FIELDS)
            ),
            cartridge_lot_not_required_for=frozenset(
                fields.read("cartridge_lot_not_required_for", _list_of, as_str)
            ),
            sources=fields.read("sources", self.sources),
            confidence=fields.read("confidence", _confidence),
            note=fields.maybe("note", as_str),
        )

    # outcomes.toml

    def outcomes(self, document: Document, terms: _Terms) -> tuple[PublishedOutcome, ...]:
        def outcome(value: object, path: str) -> PublishedOutcome:
            """A study shown only for the scar types it treated (`when.scar_types`)."""
            required = ("study", "text", "scale", "sessions", "when", *BASIS)
            fields = Fields(value, path, required=required)
            when = fields.read("when", self.criteria, terms)
            if not when.scar_types:
                raise InvalidInput(
                    field_path(fields.path_of("when"), "scar_types"),
                    "is required: the scar types the study treated",
                )
            return PublishedOutcome(
                study=fields.read("study", as_str),
                text=fields.read("text", as_str),
                scale=fields.read("scale", as_str),
                sessions=fields.read("sessions", as_int, 1, 20),
                when=when,
                sources=fields.read("sources", self.sources),
                confidence=fields.read("confidence", _confidence),
            )

        return Fields(document, "", required=("outcome",)).read("outcome", _list_of, outcome)
