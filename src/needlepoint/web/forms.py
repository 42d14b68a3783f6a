"""Forms for the clinic pages; validation only, writes go through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from needlepoint.clinics.models import Staff
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
                    (n, f"Type {r}")
                    for n, r in zip(range(1, 7), ["I", "II", "III", "IV", "V", "VI"], strict=True)
                ]
            ),
        }


class PatientEditForm(PatientForm):
    class Meta(PatientForm.Meta):
        fields = EDITABLE_FIELDS


class StaffForm(forms.Form):
    full_name = forms.CharField(max_length=200)
    role = forms.ChoiceField(choices=Staff.ROLE_CHOICES)
    profession = forms.CharField(max_length=100, required=False)
    licence_number = forms.CharField(
        max_length=60, required=False, help_text="Required for practitioners."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "practitioner" and not data.get("licence_number"):
            self.add_error("licence_number", "A practitioner needs a licence number.")
        return data


class StaffCreateForm(StaffForm):
    email = forms.EmailField()
    password = forms.CharField(
        widget=forms.PasswordInput,
        help_text="An initial password; they can change it after signing in.",
    )
    field_order = ("email", "full_name", "role", "profession", "licence_number", "password")


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(required=False, label="Account active")


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False)
    actor_email = forms.CharField(required=False, label="User")
    object_id = forms.CharField(required=False, label="Record id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


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
