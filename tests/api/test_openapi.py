"""Every schema of the OpenAPI document is typed: no object without properties or typed
additional properties (no `dict[str, Any]`), and `passes` an integer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client


def _untyped(node: Any, where: str = "") -> Iterator[str]:
    """Paths of the objects in `node` that say nothing of their members' types."""
    if isinstance(node, dict):
        extra = node.get("additionalProperties")
        is_object = node.get("type") == "object" or "additionalProperties" in node
        typed = bool(node.get("properties")) or (isinstance(extra, dict) and extra != {})
        if is_object and (extra is True or not typed):
            yield where
        for key, value in node.items():
            yield from _untyped(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _untyped(value, f"{where}[{index}]")


@pytest.fixture(scope="module")
def document(django_db_blocker: Any) -> Any:
    with django_db_blocker.unblock():
        return Client().get("/api/v1/openapi.json").json()


def test_every_schema_is_typed(document: Any) -> None:
    assert list(_untyped(document)) == []


def test_the_walk_finds_an_untyped_object() -> None:
    untyped = {
        "type": "object",
        "properties": {"a": {"type": "object"}, "b": {"additionalProperties": True}},
    }
    assert list(_untyped(untyped)) == ["/properties/a", "/properties/b"]


def test_passes_are_integers(document: Any) -> None:
    zone = document["components"]["schemas"]["ZoneTreatmentIn"]["properties"]["passes"]
    assert {"type": "integer"} in zone["anyOf"]


def test_operations_are_named_like_their_services(document: Any) -> None:
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert {"patient_create", "course_plan", "session_chart_save", "alert_acknowledge"} <= set(ids)
    assert not [name for name in ids if name.startswith("needlepoint_")]
