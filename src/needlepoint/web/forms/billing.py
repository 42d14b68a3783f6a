"""The billing forms: the clinic's price list and legal details, a quote, a payment, a refund,
a credit note."""

from __future__ import annotations

from typing import Any

from django import forms

from needlepoint.billing.models import BillingProfile, Payment
from needlepoint.domain.knowledge import Knowledge


def percent_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(min_value=0, max_value=100, max_digits=6, decimal_places=3, **kwargs)


def amount_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(min_value=0, max_digits=14, decimal_places=3, **kwargs)


class BillingSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """The legal details invoices print, the tax, the quote defaults and a price per session
    for each adjunct (empty: not offered on quotes until priced)."""

    class Meta:
        model = BillingProfile
        fields = (
            "legal_name", "legal_address", "tax_id", "tax_label", "tax_percent",
            "package_discount_percent", "quote_valid_days", "invoice_footer",
        )  # fmt: skip
        widgets = {
            "legal_address": forms.Textarea(attrs={"rows": 3}),
            "invoice_footer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, knowledge: Knowledge, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adjuncts = [rule.code for rule in knowledge.adjuncts]
        saved = self.instance.adjunct_prices or {}
        for code in self.adjuncts:
            name = code.replace("_", " ").capitalize()
            self.fields[f"price.{code}"] = amount_field(
                label=f"{name}: price per session", required=False
            )
            self.fields[f"tax.{code}"] = percent_field(label=f"{name}: tax (%)", required=False)
            price = saved.get(code, {})
            self.initial[f"price.{code}"] = price.get("amount")
            self.initial[f"tax.{code}"] = price.get("tax_percent")

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        prices = {
            code: {"amount": data[f"price.{code}"], "tax_percent": data[f"tax.{code}"] or 0}
            for code in self.adjuncts
            if data.get(f"price.{code}") is not None
        }
        return {**{name: data[name] for name in self.Meta.fields}, "adjunct_prices": prices}


class QuoteForm(forms.Form):
    discount_percent = percent_field(
        required=False, help_text="Empty: the clinic's package discount."
    )
    valid_days = forms.IntegerField(
        required=False, min_value=1, max_value=365, help_text="Empty: the clinic's default."
    )


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in (Payment.Kind.DEPOSIT, Payment.Kind.PAYMENT)],
        initial=Payment.Kind.PAYMENT,
    )
    method = forms.ChoiceField(choices=Payment.Method.choices)
    amount = amount_field()
    reference = forms.CharField(
        max_length=100,
        required=False,
        help_text="The terminal slip's or the transfer's reference; never a card number.",
    )
    note = forms.CharField(max_length=500, required=False)


class RefundForm(forms.Form):
    method = forms.ChoiceField(choices=Payment.Method.choices)
    amount = amount_field()
    reference = forms.CharField(max_length=100, required=False)
    note = forms.CharField(max_length=500, label="Why")


class CreditNoteForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why the invoice is cancelled")
