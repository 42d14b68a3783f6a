"""Strict JSON reading: every error names its field path."""

from __future__ import annotations

import pytest

from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.parsing import (
    Fields,
    as_aware_datetime,
    as_bool,
    as_choices,
    as_currency,
    as_int,
    as_money,
    as_number,
    parse_json_text,
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "input: invalid JSON at line 1 column 2"),
        ('{"a": NaN}', "input: NaN is not a valid number"),
        ('{"a": Infinity}', "input: Infinity is not a valid number"),
        ('{"a": 1, "a": 2}', "a: duplicate field"),
    ],
)
def test_bad_json_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_json_text(text)


def test_fields_reject_unknown_and_missing_fields() -> None:
    with pytest.raises(InvalidInput, match=r"^symptoms\.itchy: unknown field"):
        Fields({"itchy": True}, "symptoms", optional=("itching",))
    with pytest.raises(InvalidInput, match=r"^previous\.reported_at: is required$"):
        Fields({}, "previous", required=("reported_at",))
    with pytest.raises(InvalidInput, match=r"^symptoms: must be an object$"):
        Fields([], "symptoms")


def test_fields_read_and_maybe_name_the_path() -> None:
    fields = Fields({"a": 3, "b": None}, "x", optional=("a", "b", "c"))
    assert fields.read("a", as_int, 0, 5) == 3
    assert fields.maybe("b", as_int, 0) is None
    assert fields.maybe("c", as_int, 0) is None
    with pytest.raises(InvalidInput, match=r"^x\.a: must be an integer from 0 to 2$"):
        fields.read("a", as_int, 0, 2)


@pytest.mark.parametrize("value", [True, 1.5, "3", None, -1, 11])
def test_integers_are_integers_in_range(value: object) -> None:
    with pytest.raises(InvalidInput, match="must be an integer from 0 to 10"):
        as_int(value, "pain", 0, 10)


@pytest.mark.parametrize("value", [True, "1", float("nan"), float("inf"), -0.1])
def test_numbers_are_finite_and_in_range(value: object) -> None:
    with pytest.raises(InvalidInput, match="must be a number"):
        as_number(value, "area", 0, 100)


def test_booleans_are_not_integers() -> None:
    with pytest.raises(InvalidInput, match="must be true or false"):
        as_bool(1, "pus")


def test_choices_are_known_and_distinct() -> None:
    assert as_choices(["a", "b"], "types", ["a", "b", "c"]) == ("a", "b")
    with pytest.raises(InvalidInput, match=r"types\[1\]: repeats 'a'"):
        as_choices(["a", "a"], "types", ["a"])
    with pytest.raises(InvalidInput, match=r"types\[0\]: must be one of: a"):
        as_choices(["z"], "types", ["a"])
    with pytest.raises(InvalidInput, match="types: must not be empty"):
        as_choices([], "types", ["a"])


def test_money_and_currency() -> None:
    assert str(as_money(249.5, "amount")) == "249.5"
    with pytest.raises(InvalidInput, match="at most two decimals"):
        as_money(10.001, "amount")
    with pytest.raises(InvalidInput, match="ISO 4217"):
        as_currency("usd", "currency")


def test_date_times_must_carry_an_offset() -> None:
    assert as_aware_datetime("2025-03-01T10:00:00Z", "at").utcoffset() is not None
    with pytest.raises(InvalidInput, match=r"^at: must include a UTC offset"):
        as_aware_datetime("2025-03-01T10:00:00", "at")
    with pytest.raises(InvalidInput, match=r"^at: must be an ISO 8601 date-time"):
        as_aware_datetime("yesterday", "at")
