"""`needlepoint screen`: the isotretinoin contract at the JSON edge and the screening's day."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.test_rules import _one_error_line, _run
from tests.intake_answers import CLEAR

CONTRACT = "must be a number of months from 0 to 1200, a date (YYYY-MM-DD) no later than"


def _screen(answers: dict[str, Any], *options: str) -> Any:
    result = _run("screen", *options, "-", stdin=json.dumps(answers))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("answer", "verdict", "missing"),
    [
        ("never", "eligible", []),
        (6, "eligible", []),
        (5.9, "eligible_with_precautions", []),
        (None, "incomplete", ["isotretinoin_months_ago"]),
    ],
)
def test_isotretinoin_is_months_or_never_and_null_is_unanswered(
    answer: object, verdict: str, missing: list[str]
) -> None:
    output = _screen({**CLEAR, "isotretinoin_months_ago": answer})
    assert (output["verdict"], output["missing"]) == (verdict, missing)


def test_a_date_counts_to_the_day_given_with_on() -> None:
    answers = {**CLEAR, "isotretinoin_months_ago": "2024-12-01"}
    [finding] = _screen(answers, "--on", "2025-06-01")["findings"]
    assert (finding["code"], finding["answer"]) == ("isotretinoin_recent", 5.98)
    assert _screen(answers, "--on", "2025-06-02")["verdict"] == "eligible"


@pytest.mark.parametrize(
    ("answer", "options"),
    [
        ("sometimes", ()),
        (True, ()),
        (-1, ()),
        (1201, ()),
        ("2025-06-02", ("--on", "2025-06-01")),
    ],
)
def test_a_bad_isotretinoin_answer_is_one_line_with_the_contract(
    answer: object, options: tuple[str, ...]
) -> None:
    stdin = json.dumps({**CLEAR, "isotretinoin_months_ago": answer})
    _one_error_line(
        _run("screen", *options, "-", stdin=stdin), f"isotretinoin_months_ago: {CONTRACT}"
    )


def test_a_bad_screening_day_is_one_line() -> None:
    _one_error_line(
        _run("screen", "--on", "1 June", "-", stdin=json.dumps(CLEAR)),
        "--on: must be a date, YYYY-MM-DD",
    )
