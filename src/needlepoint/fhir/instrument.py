"""A clinic's licensed instrument, loaded as a FHIR R4 Questionnaire, read into an outcome
measure (`domain.knowledge.model.measures.Measure`) that is administered, scored and charted
like the built-in ones.

The scoring rule travels in the Questionnaire:
- each choice item's answer options carry their ordinal value in the standard
  `ordinalValue` extension; an `integer` item is a whole number from its `minValue` to its
  `maxValue` (standard extensions); `display` items are shown, not scored; `group` items hold
  items;
- the score is the sum of the answered items' values; our `score-table` extension (repeated:
  `raw` integer, `score` decimal) converts each possible raw sum to the instrument's scale;
- our extensions `measure-respondent` (`patient` or `clinician`, default `patient`),
  `measure-better` (`higher` or `lower`, required) and `measure-timepoint` (repeated: the
  timepoints it is asked at) say how it is used.
Every refusal names the element and why (`Questionnaire.item[2].answerOption[1]: …`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from needlepoint.domain.knowledge.model.common import Confidence
from needlepoint.domain.knowledge.model.measures import (
    CLINIC_INSTRUMENT_SOURCE,
    Better,
    Item,
    Measure,
    Option,
    Respondent,
    Timepoint,
)
from needlepoint.fhir.codes import CANONICAL
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import Node

STRUCTURE = "http://hl7.org/fhir/StructureDefinition"
ORDINAL_VALUE = f"{STRUCTURE}/ordinalValue"
MIN_VALUE = f"{STRUCTURE}/minValue"
MAX_VALUE = f"{STRUCTURE}/maxValue"
OWN = f"{CANONICAL}/StructureDefinition"
RESPONDENT = f"{OWN}/measure-respondent"
BETTER = f"{OWN}/measure-better"
TIMEPOINT = f"{OWN}/measure-timepoint"
SCORE_TABLE = f"{OWN}/score-table"
NAME = re.compile(r"[a-z][a-z0-9_]{1,40}")
MAX_ITEMS = 200
LARGEST_NUMBER = 1000


def _extensions(node: Node, url: str) -> list[Node]:
    return [ext for ext in node.list("extension") if ext.field("url").value == url]


def _one_extension(node: Node, url: str, value: str) -> Node | None:
    found = _extensions(node, url)
    if len(found) > 1:
        raise node.fail(f"has the extension {url} more than once")
    return found[0].field(value) if found else None


def _number(node: Node) -> float:
    number = node.number()
    if abs(number) > LARGEST_NUMBER:
        raise node.fail(f"must be between -{LARGEST_NUMBER} and {LARGEST_NUMBER}")
    return number


def _leaf_items(node: Node) -> Iterator[Node]:
    for item in node.list("item"):
        kind = item.field("type").value
        if kind == "group":
            yield from _leaf_items(item)
        elif kind != "display":
            yield item


def _option(node: Node) -> Option:
    coding = node.field("valueCoding")
    ordinal = _one_extension(node, ORDINAL_VALUE, "valueDecimal")
    if ordinal is None:
        raise node.fail(f"needs its score: an extension {ORDINAL_VALUE} with a valueDecimal")
    code = coding.field("code").text()
    return Option(
        code, coding.field("display").text() if coding.has("display") else code, _number(ordinal)
    )


def _item(node: Node) -> Item:
    link_id, text = node.field("linkId").text(), node.field("text").text()
    kind = node.field("type").one_of(("choice", "integer"))
    required = node.field("required").boolean() if node.has("required") else False
    if node.has("repeats") and node.field("repeats").boolean():
        raise node.field("repeats").fail("an item scored by its one answer cannot repeat")
    if kind == "choice":
        options = tuple(_option(option) for option in node.list("answerOption"))
        if len(options) < 2:
            raise FhirMappingError(f"{node.path}.answerOption", "give at least two options")
        codes = [option.code for option in options]
        if len(set(codes)) != len(codes):
            raise FhirMappingError(f"{node.path}.answerOption", "two options share a code")
        return Item(link_id, text, options=options, required=required)
    low, high = (_one_extension(node, url, "valueInteger") for url in (MIN_VALUE, MAX_VALUE))
    if low is None or high is None:
        raise node.fail(f"an integer item needs its range: extensions {MIN_VALUE} and {MAX_VALUE}")
    minimum, maximum = low.integer(), high.integer()
    if not 0 <= minimum < maximum <= LARGEST_NUMBER:
        raise node.fail(f"minValue and maxValue must be 0 <= min < max <= {LARGEST_NUMBER}")
    return Item(
        link_id,
        text,
        minimum=minimum,
        maximum=maximum,
        required=required,
    )


def _table(root: Node, items: tuple[Item, ...]) -> dict[int, float] | None:
    entries = _extensions(root, SCORE_TABLE)
    if not entries:
        return None
    table: dict[int, float] = {}
    for entry in entries:
        raw = _one_extension(entry, "raw", "valueInteger")
        score = _one_extension(entry, "score", "valueDecimal")
        if raw is None or score is None:
            raise entry.fail(
                "a score-table entry needs a raw (valueInteger) and a score (valueDecimal)"
            )
        if raw.integer() in table:
            raise raw.fail(f"the raw sum {raw.integer()} is in the table twice")
        table[raw.integer()] = _number(score)
    values = [o.value for item in items for o in item.options]
    if any(value != int(value) for value in values):
        raise root.fail("a score table needs whole-number ordinal values")
    low = sum(item.lowest for item in items if item.required)
    high = sum(item.highest for item in items)
    missing = [raw for raw in range(int(low), int(high) + 1) if raw not in table]
    if missing:
        raise root.fail(f"the score table has no score for the raw sum {missing[0]}")
    return table


def questionnaire_measure(resource: object, taken: frozenset[str] = frozenset()) -> Measure:
    """The measure a Questionnaire defines; `taken`: codes already in use (the built-in
    measures'), which its `name` may not have."""
    root = Node(resource, "Questionnaire")
    if root.field("resourceType").value != "Questionnaire":
        raise FhirMappingError("Questionnaire.resourceType", "must be 'Questionnaire'")
    root.field("status").one_of(("draft", "active"))
    name = root.field("name")
    code = name.text().lower()
    if not NAME.fullmatch(code):
        raise name.fail("must be 2-41 letters, digits or underscores, starting with a letter")
    if code in taken:
        raise name.fail(f"{code!r} is the name of a built-in measure; choose another")
    leaves = list(_leaf_items(root))
    if not leaves or len(leaves) > MAX_ITEMS:
        raise FhirMappingError("Questionnaire.item", f"give 1 to {MAX_ITEMS} scored items")
    items = tuple(_item(leaf) for leaf in leaves)
    link_ids = [item.code for item in items]
    if len(set(link_ids)) != len(link_ids):
        raise FhirMappingError("Questionnaire.item", "two items share a linkId")
    respondent = _one_extension(root, RESPONDENT, "valueCode")
    better = _one_extension(root, BETTER, "valueCode")
    if better is None:
        raise root.fail(f"say whether a higher or lower score is better: extension {BETTER}")
    timepoints = [ext.field("valueCode") for ext in _extensions(root, TIMEPOINT)]
    if not timepoints:
        raise root.fail(f"name the timepoints it is asked at: extension {TIMEPOINT}, repeated")
    copyright_ = root.field("copyright").text() if root.has("copyright") else ""
    return Measure(
        code=code,
        label=root.field("title").text(),
        respondent=Respondent(respondent.one_of(tuple(Respondent)) if respondent else "patient"),
        better=Better(better.one_of(tuple(Better))),
        timepoints=tuple(dict.fromkeys(Timepoint(t.one_of(tuple(Timepoint))) for t in timepoints)),
        items=items,
        sources=(CLINIC_INSTRUMENT_SOURCE,),
        confidence=Confidence.DECISION,
        table=_table(root, items),
        note=copyright_,
    )
