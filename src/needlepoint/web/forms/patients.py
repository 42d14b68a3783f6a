"""The patient forms."""

from __future__ import annotations

from django import forms

from needlepoint.patients.models import Patient
from needlepoint.patients.services import EDITABLE_FIELDS
from needlepoint.web.forms.shared import SKIN_TYPE_CHOICES


class PatientForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Patient
        fields: tuple[str, ...] = tuple(f for f in EDITABLE_FIELDS if f != "archived")
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "fitzpatrick": forms.Select(choices=[("", "Not assessed"), *SKIN_TYPE_CHOICES]),
        }


class PatientEditForm(PatientForm):
    class Meta(PatientForm.Meta):
        fields = EDITABLE_FIELDS


class PatientEraseForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    created_in_error = forms.BooleanField(
        required=False,
        label="This record was created in error",
        help_text="Erase it now, before the retention period ends.",
    )
