"""A staff member's personal API tokens: a new one's label, the one to revoke."""

from __future__ import annotations

from django import forms


class ApiTokenForm(forms.Form):
    label = forms.CharField(
        max_length=100, required=False, help_text="What the token is for, e.g. 'lab integration'."
    )


class ApiTokenRevokeForm(forms.Form):
    token_prefix = forms.CharField(max_length=12)
