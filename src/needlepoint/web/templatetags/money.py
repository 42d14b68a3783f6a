"""Amounts as the pages print them: rounded to the currency's minor unit, with the currency."""

from __future__ import annotations

from decimal import Decimal

from django import template

from needlepoint.domain.billing import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str) -> str:
    return "" if amount is None else format_money(Decimal(str(amount)), currency)
