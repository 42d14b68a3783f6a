"""What the page forms share: the date-time widget, the skin-type choices and running a service
on a valid form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from needlepoint.domain.knowledge.model.common import SKIN_TYPE_NUMERALS, SKIN_TYPES

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SKIN_TYPE_CHOICES = [
    (n, f"Type {numeral}")
    for n, numeral in zip(
        range(SKIN_TYPES.min, SKIN_TYPES.max + 1), SKIN_TYPE_NUMERALS, strict=True
    )
]


T = TypeVar("T")


def submit(form: forms.BaseForm, service: Callable[..., T]) -> T | None:
    """Run `service` with a valid form's data; its validation errors go back onto the form."""
    if not form.is_valid():
        return None
    try:
        return service(**form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return None
