"""Reading FHIR JSON with clear refusals, and writing the few types that need care.

`Node` walks a parsed resource keeping the path to where it is, so every refusal names the
element (`Procedure.bodySite[1].coding`), as the rest of the app names fields by path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from needlepoint.fhir.errors import FhirMappingError

Resource = dict[str, Any]
RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]+")
FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def instant(value: datetime, path: str) -> str:
    """A timezone-aware datetime as FHIR's dateTime / instant (ISO 8601 with offset)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise FhirMappingError(path, "a datetime needs a time zone")
    return value.isoformat()


def reference(resource_type: str, resource_id: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id}"}


def compact(resource: Resource) -> Resource:
    """The resource without empty elements (None, "", [] or {}), which FHIR forbids."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


class Node:
    def __init__(self, value: object, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, message: str) -> FhirMappingError:
        return FhirMappingError(self.path, message)

    def _object(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail("must be an object")
        return self.value

    def has(self, name: str) -> bool:
        return name in self._object()

    def field(self, name: str) -> Node:
        values = self._object()
        if name not in values:
            raise FhirMappingError(f"{self.path}.{name}", "is required")
        return Node(values[name], f"{self.path}.{name}")

    def maybe(self, name: str) -> Node | None:
        return self.field(name) if self.has(name) else None

    def items(self) -> Iterator[Node]:
        if not isinstance(self.value, list):
            raise self.fail("must be a list")
        for index, value in enumerate(self.value):
            yield Node(value, f"{self.path}[{index}]")

    def list(self, name: str) -> list[Node]:
        return list(self.field(name).items()) if self.has(name) else []

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value:
            raise self.fail("must be a non-empty string")
        return self.value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("must be an integer")
        return self.value

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail("must be a number")
        return float(self.value)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail("must be true or false")
        return self.value

    def one_of(self, allowed: tuple[str, ...]) -> str:
        value = self.text()
        if value not in allowed:
            raise self.fail(f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    def instant(self) -> datetime:
        try:
            value = datetime.fromisoformat(self.text())
        except ValueError:
            raise self.fail("must be an ISO 8601 date and time") from None
        if value.tzinfo is None:
            raise self.fail("must give a time zone offset")
        return value

    def day(self) -> date:
        try:
            return date.fromisoformat(self.text())
        except ValueError:
            raise self.fail("must be an ISO 8601 date (YYYY-MM-DD)") from None

    def reference(self, *types: str) -> str:
        """The id of a `Type/id` reference to one of `types` (to any type when none given)."""
        target = self.field("reference").text()
        kind, _, resource_id = target.partition("/")
        known = kind in types if types else RESOURCE_TYPE.fullmatch(kind) is not None
        if not known or not FHIR_ID.fullmatch(resource_id):
            expected = " or ".join(types) or "Type"
            raise FhirMappingError(
                f"{self.path}.reference", f"must be {expected}/<id>; got {target!r}"
            )
        return resource_id

    def typed_reference(self, *types: str) -> tuple[str, str]:
        """(type, id) of a reference to one of `types`."""
        resource_id = self.reference(*types)
        return self.field("reference").text().partition("/")[0], resource_id

    def code(self, system: str) -> str:
        """The code from `system` in this CodeableConcept (or Coding)."""
        codings = list(self.field("coding").items()) if self.has("coding") else [self]
        for coding in codings:
            if coding.has("system") and coding.field("system").value == system:
                return coding.field("code").text()
        raise self.fail(f"needs a code from {system}")


def resource_node(resource: object, resource_type: str) -> Node:
    """The root of `resource`, refused unless it is a `resource_type` with an id."""
    node = Node(resource, resource_type)
    if node.field("resourceType").value != resource_type:
        raise FhirMappingError(f"{resource_type}.resourceType", f"must be {resource_type!r}")
    node.field("id").text()
    return node


def of_type(resources: list[Resource], resource_type: str) -> list[Node]:
    """The resources of `resource_type` among those an input was mapped to, in order."""
    return [
        resource_node(resource, resource_type)
        for resource in resources
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type
    ]


def one_of_type(resources: list[Resource], resource_type: str) -> Node:
    found = of_type(resources, resource_type)
    if len(found) != 1:
        raise FhirMappingError(resource_type, f"expected one {resource_type}, got {len(found)}")
    return found[0]


def first(node: Node, name: str) -> Node:
    """The first item of the list `name` (required)."""
    for item in node.field(name).items():
        return item
    raise FhirMappingError(f"{node.path}.{name}", "must not be empty")


def references(value: object) -> Iterator[str]:
    """Every `reference` inside a resource (or a list of them), depth first."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value["reference"]
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
