"""Request bodies for the authorisation matrix's writes, made from each operation's OpenAPI
request schema: its required properties filled with a valid value of their type, then the
operation's recipe laid over them (the world's real ids where the domain needs one, written
"{lot_id}"), so that a request passes validation and reaches the view's permission and tenancy
checks. A file field gets a photo that passes the quality gate."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.photos.helpers import close_up

TEXT = "Written by the authorisation matrix."
WORLD_ID = re.compile(r"^\{(\w+)\}$")
JSON = "application/json"
MULTIPART = "multipart/form-data"


def request_body(
    operation: dict[str, Any], components: dict[str, Any], recipe: dict[str, Any],
    ids: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """The keyword arguments of a test client's call: a JSON body or a multipart form."""
    content = operation.get("requestBody", {}).get("content", {JSON: {"schema": {}}})
    (content_type, media), *others = content.items()
    assert not others, f"{operation['operationId']} takes several media types"
    data = _value(media["schema"], components)
    data.update({name: _world(value, ids) for name, value in recipe.items()})
    if content_type == MULTIPART:
        return {"data": data}
    assert content_type == JSON, f"{operation['operationId']}: no body for {content_type}"
    return {"data": data, "content_type": JSON}


def _world(value: Any, ids: dict[str, Any]) -> Any:
    match = WORLD_ID.match(value) if isinstance(value, str) else None
    return ids[match.group(1)] if match else value


def _value(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _value(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return _value(next(s for s in schema["anyOf"] if s.get("type") != "null"), components)
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _value(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return [_value(schema["items"], components) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    raise AssertionError(f"the matrix cannot fill a value of schema {schema}")


def _string(schema: dict[str, Any]) -> Any:
    now = timezone.now()
    match schema.get("format"):
        case "binary":
            return SimpleUploadedFile("face.jpg", _photo(), content_type="image/jpeg")
        case "date":
            return (now - timedelta(days=1)).date().isoformat()
        case "date-time":
            return (now + timedelta(days=7)).isoformat()
    assert schema.get("minLength", 0) <= len(TEXT), f"the matrix's text is too short: {schema}"
    return TEXT[: schema.get("maxLength", len(TEXT))]


@cache
def _photo() -> bytes:
    return close_up()
