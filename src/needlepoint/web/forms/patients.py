"""The patient forms."""

from __future__ import annotations

from django import forms

from needlepoint.domain.knowledge.model import SKIN_TYPES
from needlepoint.patients.models import Patient
from needlepoint.patients.services import EDITABLE_FIELDS


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Patient
        fields: tuple[str, ...] = tuple(f for f in EDITABLE_FIELDS if f != "archived")
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "fitzpatrick": forms.Select(
                choices=[("", "Not assessed")]
                + [
                    (n, f"Type {numeral}")
                    for n, numeral in zip(
                        range(SKIN_TYPES.min, SKIN_TYPES.max + 1),
                        ["I", "II", "III", "IV", "V", "VI"],
                        strict=True,
                    )
                ]
            ),
        }


class PatientEditForm(PatientForm):
    class Meta(PatientForm.Meta):
        fields = EDITABLE_FIELDS
