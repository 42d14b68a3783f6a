"""The public consultation request form, with two traps for robots sent beside its fields: a
field people never see (`website`) and the signed time the form was shown (`shown`), refused
when sent back faster than a person fills it in."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing

from needlepoint.patients.models import ConsultationRequest
from needlepoint.patients.services import PROSPECT_FIELDS

FASTEST_HUMAN_SECONDS = 3
FORM_LIFETIME_SECONDS = 2 * 3600
SALT = "needlepoint.consultation-form"


class ConsultationForm(forms.Form):
    given_name = forms.CharField(max_length=100, label="First name")
    family_name = forms.CharField(max_length=100, label="Last name")
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label="E-mail")
    phone = forms.CharField(max_length=40, required=False)
    preferred_date = forms.DateField(
        label="Preferred day", widget=forms.DateInput(attrs={"type": "date"})
    )
    preferred_part = forms.ChoiceField(
        label="Preferred time", choices=ConsultationRequest.Part.choices
    )
    message = forms.CharField(
        max_length=1000,
        required=False,
        label="Anything the clinic should know (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.BooleanField(
        label="The clinic may contact me by e-mail or phone about this request"
    )

    @staticmethod
    def shown_now() -> str:
        """The signed time to send with a form being shown (fresh on every showing)."""
        return signing.dumps(time.time(), salt=SALT)

    def _age(self) -> float | None:
        try:
            return time.time() - float(signing.loads(self.data.get("shown", ""), salt=SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return None

    def is_robot(self) -> bool:
        """Filled in the field people never see, sent back faster than a person types, or with
        a forged time: answered as if accepted, and nothing is written."""
        age = self._age()
        return bool(self.data.get("website")) or age is None or age < FASTEST_HUMAN_SECONDS

    def clean(self) -> dict[str, Any] | None:
        age = self._age()
        if age is not None and age > FORM_LIFETIME_SECONDS:
            raise forms.ValidationError("This form was open for a long time: send it again.")
        return super().clean()

    def request_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        wanted = (*PROSPECT_FIELDS, "preferred_date", "preferred_part", "message")
        return {name: data[name] for name in wanted}
