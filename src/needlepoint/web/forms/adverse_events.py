"""The form a practitioner records an adverse event with (on the alert it came from)."""

from __future__ import annotations

from django import forms

from needlepoint.adverse_events.models import AdverseEvent


class AdverseEventForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AdverseEvent
        fields = ("kind", "severity", "serious", "outcome", "onset", "description")
        widgets = {
            "onset": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": "Type", "serious": "Serious"}
