"""The clinical knowledge a clinic works with: the shipped defaults with its overrides."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from needlepoint.clinics.models import Clinic
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, load_knowledge, merge_overrides, parse_overrides

T = TypeVar("T")

OVERRIDES_KEY = "overrides"  # clinic.settings[OVERRIDES_KEY]: prices, depth limits, aftercare


def clinic_knowledge(clinic: Clinic) -> Knowledge:
    defaults = load_knowledge()
    overrides = clinic.settings.get(OVERRIDES_KEY)
    if not overrides:
        return defaults
    return merge_overrides(defaults, parse_overrides(overrides, defaults))


def validation_error(error: InvalidInput, prefix: str = "") -> ValidationError:
    """A rules-engine input error as a Django validation error on the named field."""
    field = ".".join(part for part in (prefix, error.field) if part) or NON_FIELD_ERRORS
    return ValidationError({field: error.message})


def read_input(parse: Callable[[object, Knowledge], T], data: object, knowledge: Knowledge) -> T:
    """A rules-engine reader (`parse_assessment`, …) at a JSON edge: a field it refuses is a
    validation error naming that field."""
    try:
        return parse(data, knowledge)
    except InvalidInput as error:
        raise validation_error(error) from None
