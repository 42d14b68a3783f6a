"""The model layer refuses text the rule refuses, whichever path saves it, naming the field:
a `CharField` holds one line, a `TextField` free text."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from needlepoint.clinics.models import Clinic
from tests.factories import PatientFactory


def test_a_one_line_field_refuses_a_line_break_and_names_the_field(clinic: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        PatientFactory(clinic=clinic, given_name="Ma\nya", family_name="\u202eThompson")
    assert refused.value.message_dict == {
        "given_name": ["must not contain a control character (U+000A)"],
        "family_name": ["must not contain a bidirectional control character (U+202E)"],
    }


def test_free_text_keeps_its_line_breaks_and_refuses_nul(clinic: Any) -> None:
    patient = PatientFactory(clinic=clinic, address="1 Main St\nFlat 2")
    patient.address = "1 Main St\x00"
    with pytest.raises(ValidationError) as refused:
        patient.save()
    assert list(refused.value.message_dict) == ["address"]


def test_an_update_of_any_model_is_checked(clinic: Clinic) -> None:
    clinic.name = "Demo\x07Clinic"
    with pytest.raises(ValidationError) as refused:
        clinic.save()
    assert list(refused.value.message_dict) == ["name"]
