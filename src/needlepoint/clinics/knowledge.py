"""The clinical knowledge a clinic works with: the shipped defaults with its overrides."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from needlepoint.clinics.models import Clinic
from needlepoint.domain.errors import InvalidInput
from needlepoint.domain.knowledge import Knowledge, load_knowledge, merge_overrides, parse_overrides

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
