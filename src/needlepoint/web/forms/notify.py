"""The forms of a patient's messages: choices per channel, consent to texts (given in the
portal, or recorded by staff saying how), and a clinic's own message texts."""

from __future__ import annotations

from django import forms

from needlepoint.notify.models import MailPreference, SmsConsent

STAFF_METHODS = [(m.value, m.label) for m in SmsConsent.Method if m != SmsConsent.Method.PORTAL]
_KINDS = {
    "reminders": "A message the day before each booked session.",
    "checkin_prompts": "A request to tell the clinic how your skin is, on the days after a "
    "session.",
    "milestones": "When an aftercare instruction ends, with those that still apply.",
}


class MailPreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MailPreference
        fields = tuple(_KINDS)
        help_texts = _KINDS


class TextPreferenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MailPreference
        fields = tuple(f"sms_{kind}" for kind in _KINDS)
        labels = {
            "sms_reminders": "Session reminders",
            "sms_checkin_prompts": "Check-in prompts",
            "sms_milestones": "Aftercare updates",
        }


class PortalSmsConsentForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number",
        max_length=40,
        help_text="With the country code if it is not the clinic's country (+44 7911 123456).",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    agree = forms.BooleanField(
        label="I agree to get texts from the clinic about my treatment at this number. I can "
        "stop them here at any time.",
    )


class StaffSmsConsentForm(forms.Form):
    phone = forms.CharField(label="Mobile number", max_length=40)
    method = forms.ChoiceField(label="How the patient agreed", choices=STAFF_METHODS)


class SmsWithdrawalForm(forms.Form):
    method = forms.ChoiceField(label="How the patient asked", choices=STAFF_METHODS)


class MessageTemplateForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))


class OnCallNumberForm(forms.Form):
    phone = forms.CharField(
        label="On-call mobile",
        max_length=40,
        required=False,
        help_text="Alerts left unacknowledged past the clinic's escalation time are texted "
        "here too (the record number and a link, no names). Empty: e-mail only.",
    )
