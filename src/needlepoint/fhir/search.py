"""Search parameter values, read as FHIR R4 defines them: a date with its prefix is the
period it covers (`ge2026-03` is on or after 1 March 2026), a reference is `[Type/]id`, a
token `[system|]code`. Bad values raise `FhirSearchError` naming the parameter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
DATE = re.compile(
    r"(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


class FhirSearchError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class DateBound:
    """A date parameter: its prefix and the period its value covers, [start, end)."""

    prefix: str
    start: datetime
    end: datetime


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _period(found: re.Match[str], zone: tzinfo) -> tuple[datetime, datetime]:
    year, month, day = found["year"], found["month"], found["day"]
    if found["time"]:
        given = datetime.fromisoformat(f"{year}-{month}-{day}T{found['time']}{found['zone'] or ''}")
        start = given if given.tzinfo else given.replace(tzinfo=zone)
        precision = {5: timedelta(minutes=1), 8: timedelta(seconds=1)}
        return start, start + precision.get(len(found["time"]), timedelta(microseconds=1))
    if day:
        first = date(int(year), int(month), int(day))
        last = first + timedelta(days=1)
    elif month:
        first = date(int(year), int(month), 1)
        last = _next_month(first)
    else:
        first, last = date(int(year), 1, 1), date(int(year) + 1, 1, 1)
    midnight = datetime.min.time()
    return (
        datetime.combine(first, midnight, tzinfo=zone),
        datetime.combine(last, midnight, tzinfo=zone),
    )


def date_bound(parameter: str, value: str, zone: tzinfo) -> DateBound:
    """A date search value; one without an offset is read in `zone` (the clinic's)."""
    found = DATE.fullmatch(value.replace(" ", "+"))  # a "+" offset left unescaped in a URL
    if found is None:
        raise FhirSearchError(parameter, f"{value!r} is not a FHIR date (e.g. ge2026-03-01)")
    prefix = found["prefix"] or "eq"
    if prefix not in PREFIXES:
        raise FhirSearchError(
            parameter, f"prefix {prefix!r} is not supported ({', '.join(PREFIXES)})"
        )
    try:
        start, end = _period(found, zone)
    except ValueError:
        raise FhirSearchError(parameter, f"{value!r} is not a date") from None
    return DateBound(prefix, start, end)


def reference_id(parameter: str, value: str, resource_type: str) -> str:
    """The id in a reference value: `Patient/abc` or `abc` (of `resource_type`)."""
    kind, _, rest = value.rpartition("/")
    if kind not in ("", resource_type) and not kind.endswith(f"/{resource_type}"):
        raise FhirSearchError(parameter, f"refers to a {resource_type}, not {value!r}")
    if not rest:
        raise FhirSearchError(parameter, "needs an id")
    return rest


def token(value: str) -> tuple[str | None, str]:
    """A token value: (system or None when not given, code)."""
    system, bar, code = value.partition("|")
    return (system, code) if bar else (None, value)
