"""Every text a Needlepoint model stores passes the text rule (`domain/text.py`): a `CharField`
holds one line, a `TextField` free text. Checked before each save, so a page, the API, a
service or the CLI cannot store what the rule refuses; the `ValidationError` names the field,
which the API answers with a 422 and a page form shows on that field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from needlepoint.domain.text import text_problem


def refuse_hostile_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or not sender.__module__.startswith("needlepoint."):
        return
    errors: dict[str, list[str]] = {}
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            problem = text_problem(value, multiline=isinstance(field, models.TextField))
            if problem is not None:
                errors[field.name] = [problem]
    if errors:
        raise ValidationError(errors)
