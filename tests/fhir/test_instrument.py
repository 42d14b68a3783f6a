"""A clinic's licensed instrument read from a FHIR Questionnaire: its items, ordinal values,
score table and use; every refusal names the element and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from needlepoint.domain.measures import AnswerMissing, measure_score
from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.instrument import questionnaire_measure
from tests.questionnaires import skin_mood


def test_the_questionnaire_reads_as_a_measure_scored_through_its_table() -> None:
    measure = questionnaire_measure(skin_mood(), frozenset({"scar_bother"}))
    assert (measure.code, measure.respondent, measure.better) == ("skin_mood", "patient", "lower")
    assert [t.value for t in measure.timepoints] == ["baseline", "follow_up_3m"]
    assert [item.code for item in measure.items] == ["hide", "mirror"]  # display left out
    assert (measure.minimum, measure.maximum) == (0, 100)
    assert measure_score(measure, {"hide": "sometimes", "mirror": "often"}) == 70
    with pytest.raises(AnswerMissing, match=r"answers\.mirror"):
        measure_score(measure, {"hide": "never"})


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(resource: dict[str, Any]) -> None:
        target: Any = resource
        *parents, last = path.split("/")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is None:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (_set("resourceType", "Patient"), "Questionnaire.resourceType", "must be 'Questionnaire'"),
        (_set("name", "scar_bother"), "Questionnaire.name", "built-in measure"),
        (
            _set("item/1/item/0/answerOption/1/extension", None),
            "Questionnaire.item[1].item[0].answerOption[1]",
            "needs its score",
        ),
        (_set("item/1/item/1/type", "string"), "Questionnaire.item[1].item[1].type", "choice"),
        (_set("extension/1", {"url": "x"}), "Questionnaire", "higher or lower"),
        (_set("extension/8", None), "Questionnaire", "no score for the raw sum 4"),
    ],
)
def test_a_questionnaire_that_cannot_be_scored_is_refused_naming_where(
    change: Callable[[dict[str, Any]], None], path: str, message: str
) -> None:
    resource = skin_mood()
    change(resource)
    with pytest.raises(FhirMappingError, match=message) as refused:
        questionnaire_measure(resource, frozenset({"scar_bother"}))
    assert refused.value.path == path
