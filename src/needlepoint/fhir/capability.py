"""The CapabilityStatement of Needlepoint's FHIR server: what it answers, read from the
tables the server itself runs on, so it cannot promise what is not there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from needlepoint.fhir.json import Resource, compact

FHIR_VERSION = "4.0.1"
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"
BULK_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
PATIENT_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"
GROUP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # FHIR's SearchParamType: date, reference, string, token
    documentation: str


@dataclass(frozen=True)
class Supported:
    """One resource type the server serves: read, and search with `search` when given."""

    type: str
    search: tuple[SearchParam, ...] | None = None
    operations: tuple[tuple[str, str], ...] = ()  # (name, canonical definition)


def capability_statement(
    *,
    version: str,
    date: str,
    url: str,
    supported: Iterable[Supported],
    operations: Iterable[tuple[str, str]] = (),
    instantiates: Iterable[str] = (),
    security: str,
) -> Resource:
    resources = []
    for entry in supported:
        interactions = [{"code": "read"}] + (
            [{"code": "search-type"}] if entry.search is not None else []
        )
        resource: Resource = {"type": entry.type, "interaction": interactions}
        if entry.search:
            resource["searchParam"] = [
                {"name": p.name, "type": p.type, "documentation": p.documentation}
                for p in entry.search
            ]
        if entry.operations:
            resource["operation"] = [
                {"name": name, "definition": definition} for name, definition in entry.operations
            ]
        resources.append(resource)
    rest: Resource = {
        "mode": "server",
        "security": {"cors": False, "description": security},
        "resource": resources,
    }
    system_operations = [{"name": name, "definition": d} for name, d in operations]
    if system_operations:
        rest["operation"] = system_operations
    statement: Resource = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "Needlepoint",
        "kind": "instance",
        "instantiates": list(instantiates),
        "software": {"name": "Needlepoint", "version": version},
        "implementation": {"description": "Needlepoint FHIR R4 server", "url": url},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [rest],
    }
    return compact(statement)
