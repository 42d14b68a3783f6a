"""Strict reading of decoded JSON (and TOML) values.

Every reader takes the value and its field path, and either returns a typed value or raises
`InvalidInput` naming that path, e.g. `symptoms.redness: must be an integer from 0 to 10`.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from needlepoint.domain.errors import InvalidInput

T = TypeVar("T")


def field_path(parent: str, name: str | int) -> str:
    """The path of `name` inside `parent`: `symptoms.redness`, `zones[2]`."""
    if isinstance(name, int):
        return f"{parent}[{name}]"
    return f"{parent}.{name}" if parent else name


def parse_json_text(text: str) -> object:
    """Decode JSON text, rejecting NaN/Infinity, duplicate fields, nesting deeper than the
    decoder's limit and integers too long to convert."""

    def reject_constant(name: str) -> object:
        raise InvalidInput("", f"{name} is not a valid number")

    def unique_fields(pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for name, value in pairs:
            if name in result:
                raise InvalidInput(name, "duplicate field")
            result[name] = value
        return result

    try:
        return json.loads(text, parse_constant=reject_constant, object_pairs_hook=unique_fields)
    except json.JSONDecodeError as error:
        message = f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        raise InvalidInput("", message) from None
    except RecursionError:
        raise InvalidInput("", "invalid JSON: nested too deeply") from None
    except ValueError:  # the only other ValueError: an integer longer than Python converts
        limit = sys.get_int_max_str_digits()
        raise InvalidInput("", f"invalid JSON: a number has more than {limit} digits") from None


def as_object(
    value: object,
    path: str,
    allowed: Collection[str] | None = None,
    *,
    required: Collection[str] = (),
) -> Mapping[str, object]:
    """An object whose fields are all in `allowed` (when given) and include every `required`."""
    if not isinstance(value, dict):
        raise InvalidInput(path, "must be an object")
    if allowed is not None:
        for name in value:
            if name not in allowed:
                raise InvalidInput(field_path(path, name), f"unknown field{_one_of(allowed)}")
    for name in required:
        if name not in value:
            raise InvalidInput(field_path(path, name), "is required")
    return value


class Fields:
    """An object being read field by field, each error naming the field's full path."""

    def __init__(
        self,
        value: object,
        path: str,
        *,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> None:
        self.path = path
        self.values = as_object(value, path, allowed=(*required, *optional), required=required)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def path_of(self, name: str) -> str:
        return field_path(self.path, name)

    def read(self, name: str, reader: Callable[..., T], *args: Any) -> T:
        """`reader(value, path, *args)` on a field that must be present."""
        return reader(self.values[name], self.path_of(name), *args)

    def maybe(self, name: str, reader: Callable[..., T], *args: Any) -> T | None:
        """Like `read`, but None when the field is absent or null."""
        value = self.values.get(name)
        return None if value is None else reader(value, self.path_of(name), *args)


def as_list(value: object, path: str, *, non_empty: bool = False) -> list[object]:
    if not isinstance(value, list):
        raise InvalidInput(path, "must be a list")
    if non_empty and not value:
        raise InvalidInput(path, "must not be empty")
    return value


def as_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(path, "must be true or false")
    return value


def as_int(value: object, path: str, minimum: int, maximum: int | None = None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        raise InvalidInput(path, f"must be an integer {_bounds(minimum, maximum)}")
    return value


def as_number(value: object, path: str, minimum: float, maximum: float | None = None) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        raise InvalidInput(path, f"must be a number {_bounds(minimum, maximum)}")
    return float(value)


def as_positive_number(value: object, path: str, maximum: float | None = None) -> float:
    number = as_number(value, path, 0, maximum)
    if number == 0:
        raise InvalidInput(path, "must be greater than 0")
    return number


def as_money(value: object, path: str) -> Decimal:
    """A non-negative amount of money with at most two decimals."""
    as_number(value, path, 0, 1_000_000)
    amount = Decimal(str(value))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(path, "must have at most two decimals")
    return amount


def as_str(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(path, "must be a non-empty string")
    return value


def as_choice(value: object, path: str, choices: Collection[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(path, f"must be one of: {', '.join(choices)}")
    return value


def as_choices(value: object, path: str, choices: Collection[str]) -> tuple[str, ...]:
    """A non-empty list of distinct choices, in the order given."""
    items = as_list(value, path, non_empty=True)
    result = tuple(
        as_choice(item, field_path(path, index), choices) for index, item in enumerate(items)
    )
    for index, item in enumerate(result):
        if item in result[:index]:
            raise InvalidInput(field_path(path, index), f"repeats {item!r}")
    return result


def as_currency(value: object, path: str) -> str:
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isupper():
        raise InvalidInput(path, "must be a three-letter ISO 4217 currency code, e.g. USD")
    return value


def as_aware_datetime(value: object, path: str) -> datetime:
    """An ISO 8601 date-time that carries its UTC offset."""
    example = "e.g. 2025-03-01T10:00:00+01:00"
    if not isinstance(value, str):
        raise InvalidInput(path, f"must be an ISO 8601 date-time with a UTC offset, {example}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(path, f"must be an ISO 8601 date-time, {example}") from None
    if moment.utcoffset() is None:
        raise InvalidInput(path, f"must include a UTC offset, {example}")
    return moment


def _bounds(minimum: float, maximum: float | None) -> str:
    return f"of at least {minimum:g}" if maximum is None else f"from {minimum:g} to {maximum:g}"


def _one_of(allowed: Collection[str]) -> str:
    return f" (expected one of: {', '.join(allowed)})" if allowed else ""
