"""The API's request parser: JSON bodies, query strings and form fields all pass the text rule
(`domain/text.py`) before any schema or service sees them, so a NUL or a bidirectional override
is a 422 naming the field, never a database error."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

from needlepoint.domain.text import text_problems


class TextCheckingParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # Ninja answers any exception raised here with a 400 whose cause is the exception;
        # the problem handler turns a ValidationError cause back into the 422 it is.
        data = json.loads(request.body)
        _refuse(data, "body")
        return data  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _refuse({k: v for k, v in result.items() if isinstance(v, str | list)}, "query")
        return result


def _refuse(data: object, source: str) -> None:
    errors = [
        {"loc": (source, *path.split(".")), "msg": problem, "type": "text"}
        for path, problem in text_problems(data)
    ]
    if errors:
        raise ValidationError(errors)
