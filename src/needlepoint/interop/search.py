"""The search parameters each resource type takes, and a search request read into them.

Every type pages with `_count` (and the `_cursor` of a `next` link); a type made from a
patient's records takes `patient`, `date` on its natural time where it has one, and
`_lastUpdated` where its records keep the times of their changes; Patient takes `name`,
`identifier`, `birthdate` and `_lastUpdated`. An unknown parameter is ignored
(FHIR's lenient handling) unless the client asked for `Prefer: handling=strict`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from needlepoint.fhir.capability import SearchParam
from needlepoint.fhir.search import DateBound, FhirSearchError, date_bound, reference_id, token
from needlepoint.interop.sources import Source, sources_of

DEFAULT_COUNT = 50
MAX_COUNT = 200
CURSOR = "_cursor"
IGNORED = ("_format",)  # answered in JSON whatever it asks

PATIENT_PARAMS = (
    SearchParam("name", "string", "Given or family name starts with (case-insensitive)"),
    SearchParam("identifier", "token", "The record number, as [system|]value"),
    SearchParam("birthdate", "date", "Date of birth, with eq/ne/gt/lt/ge/le prefixes"),
)
PATIENT = SearchParam("patient", "reference", "The patient's records: Patient/<id> or <id>")
DATE = SearchParam(
    "date", "date", "The record's time (see docs/fhir.md), with eq/ne/gt/lt/ge/le prefixes"
)
LAST_UPDATED = SearchParam(
    "_lastUpdated",
    "date",
    "When the record last changed, as far as it keeps the time (see docs/fhir.md), with "
    "eq/ne/gt/lt/ge/le prefixes",
)


def search_params(resource_type: str) -> tuple[SearchParam, ...]:
    """The parameters a search of `resource_type` takes (paging aside)."""
    sources = sources_of(resource_type)
    if resource_type == "Patient":
        params = list(PATIENT_PARAMS)
    else:
        params = [PATIENT] if any(source.patient for source in sources) else []
    if any(source.makes[resource_type].date for source in sources):
        params.append(DATE)
    if any(source.changed for source in sources):
        params.append(LAST_UPDATED)
    return tuple(params)


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the source (its place among the type's), the row and how many of
    that row's resources of the type the previous page took."""

    source: int
    key: str
    skip: int

    def __str__(self) -> str:
        return f"{self.source}.{self.key}.{self.skip}"


@dataclass(frozen=True)
class Search:
    resource_type: str
    count: int
    cursor: Cursor | None
    applied: tuple[tuple[str, str], ...]  # the criteria used, for the page's links
    patient: str | None = None
    dates: tuple[DateBound, ...] = ()
    names: tuple[str, ...] = ()
    identifiers: tuple[tuple[str | None, str], ...] = ()
    birthdates: tuple[DateBound, ...] = ()
    updated: tuple[DateBound, ...] = ()


def _count(values: Sequence[str]) -> int:
    value = values[-1]
    if not value.isdigit() or int(value) < 1:
        raise FhirSearchError("_count", f"{value!r} is not a positive number")
    return min(int(value), MAX_COUNT)


def _cursor(resource_type: str, values: Sequence[str]) -> Cursor:
    source, _, rest = values[-1].partition(".")
    key, _, skip = rest.rpartition(".")
    sources = sources_of(resource_type)
    if not (source.isdigit() and skip.isdigit() and int(source) < len(sources)):
        raise FhirSearchError(CURSOR, "is not a cursor of this search")
    if sources[int(source)].key(_key_id(sources[int(source)], key)) is None:
        raise FhirSearchError(CURSOR, "is not a cursor of this search")
    return Cursor(int(source), key, int(skip))


def _key_id(source: Source, key: str) -> str:
    return f"{source.kind}-{key}" if source.kind else key


def row_key(source: Source, key: str) -> object:
    """The row key a cursor names (checked when the cursor was read)."""
    return int(key) if source.kind else uuid.UUID(key)


def read_search(
    resource_type: str, params: Mapping[str, Sequence[str]], zone: tzinfo, *, strict: bool
) -> Search:
    """The search `params` ask for (each a list of values: repeats are ANDed), dates without
    an offset read in `zone`; refuses bad values, and unknown parameters when `strict`."""
    known = {param.name for param in search_params(resource_type)}
    unknown = set(params) - known - {"_count", CURSOR, *IGNORED}
    if strict and unknown:
        raise FhirSearchError(sorted(unknown)[0], f"is not a search parameter of {resource_type}")
    used = {name: list(values) for name, values in params.items() if name in known and values}

    def dates(name: str) -> tuple[DateBound, ...]:
        return tuple(date_bound(name, value, zone) for value in used.get(name, ()))

    patients = {reference_id("patient", value, "Patient") for value in used.get("patient", ())}
    if len(patients) > 1:
        raise FhirSearchError("patient", "give one patient")
    return Search(
        resource_type=resource_type,
        count=_count(params["_count"]) if params.get("_count") else DEFAULT_COUNT,
        cursor=_cursor(resource_type, params[CURSOR]) if params.get(CURSOR) else None,
        applied=tuple((name, value) for name, values in used.items() for value in values),
        patient=next(iter(patients), None),
        dates=dates("date"),
        names=tuple(value.strip() for value in used.get("name", ()) if value.strip()),
        identifiers=tuple(token(value) for value in used.get("identifier", ())),
        birthdates=dates("birthdate"),
        updated=dates("_lastUpdated"),
    )
