"""A small made-up instrument, loaded as a FHIR Questionnaire with its scoring rule (never a
licensed instrument's items)."""

from __future__ import annotations

import copy
from typing import Any

OWN = "https://needlepoint.example/fhir/StructureDefinition"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def _option(code: str, display: str, value: int) -> dict[str, Any]:
    return {
        "valueCoding": {"code": code, "display": display},
        "extension": [{"url": ORDINAL, "valueDecimal": value}],
    }


def _item(link_id: str, text: str) -> dict[str, Any]:
    return {
        "linkId": link_id,
        "text": text,
        "type": "choice",
        "required": True,
        "answerOption": [
            _option("never", "Never", 0),
            _option("sometimes", "Sometimes", 1),
            _option("often", "Often", 2),
        ],
    }


SKIN_MOOD: dict[str, Any] = {
    "resourceType": "Questionnaire",
    "status": "active",
    "name": "skin_mood",
    "title": "Skin mood (made-up test instrument)",
    "copyright": "Made up for tests; no licence needed.",
    "extension": [
        {"url": f"{OWN}/measure-respondent", "valueCode": "patient"},
        {"url": f"{OWN}/measure-better", "valueCode": "lower"},
        {"url": f"{OWN}/measure-timepoint", "valueCode": "baseline"},
        {"url": f"{OWN}/measure-timepoint", "valueCode": "follow_up_3m"},
        *(
            {
                "url": f"{OWN}/score-table",
                "extension": [
                    {"url": "raw", "valueInteger": raw},
                    {"url": "score", "valueDecimal": score},
                ],
            }
            for raw, score in [(0, 0), (1, 30), (2, 50), (3, 70), (4, 100)]
        ),
    ],
    "item": [
        {"linkId": "intro", "type": "display", "text": "Think of the last week."},
        {
            "linkId": "mood",
            "type": "group",
            "text": "How you felt",
            "item": [
                _item("hide", "How often did you hide your skin?"),
                _item("mirror", "How often did mirrors upset you?"),
            ],
        },
    ],
}


def skin_mood() -> dict[str, Any]:
    return copy.deepcopy(SKIN_MOOD)
