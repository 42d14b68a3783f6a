"""Resource ids, derived from the record's primary key (or its uuid) and so stable across
exports of the same data. FHIR ids are 1-64 of `[A-Za-z0-9-.]`; a resource made from a part
of a record (an assessment's ECCA score) takes the record's id and a suffix."""

from __future__ import annotations

from needlepoint.fhir.errors import FhirMappingError
from needlepoint.fhir.json import FHIR_ID


def checked(resource_id: str, path: str = "id") -> str:
    if not FHIR_ID.fullmatch(resource_id):
        raise FhirMappingError(path, f"{resource_id!r} is not a FHIR id (1-64 of A-Z a-z 0-9 - .)")
    return resource_id


def of(kind: str, key: object) -> str:
    """The id of record `key` of `kind` (`of("session", 12)` is `session-12`); a uuid is used
    as it is, without a prefix."""
    text = str(key)
    return checked(text if len(text) == 36 and text.count("-") == 4 else f"{kind}-{text}")


def part(resource_id: str, suffix: str) -> str:
    return checked(f"{resource_id}-{suffix.replace('_', '-')}")
