"""The money rules of a course: quote lines, the package discount, tax, totals, and the balance
of what was charged, paid and refunded.

Rounding, stated once: every amount is rounded to its currency's minor unit (cents for most;
none for JPY and the other currencies without one; three places for BHD, KWD and the others
with mils), half away from zero, at the line. A line's discount and its tax are rounded there,
and every total is the sum of its lines' rounded amounts, so a quote, an invoice or a credit
note always adds up as printed. Amounts are `Decimal`, never floats.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from needlepoint.domain.errors import InvalidInput

# ISO 4217 minor units of the circulating currencies that do not have two.
NO_MINOR_UNIT = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)  # fmt: skip
THREE_MINOR_UNITS = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def minor_unit(currency: str) -> int:
    """Decimal places of the currency's smallest unit."""
    if currency in NO_MINOR_UNIT:
        return 0
    return 3 if currency in THREE_MINOR_UNITS else 2


def round_money(amount: Decimal, currency: str) -> Decimal:
    """The one rounding of the module: to the minor unit, half away from zero."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """An amount as printed: rounded to the minor unit, thousands grouped, with its currency."""
    return f"{round_money(amount, currency):,} {currency}"


def check_amount(amount: Decimal, currency: str, field: str = "amount") -> Decimal:
    """A sum of money someone entered: above zero and in whole minor units of the currency."""
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(field, f"Give an amount above zero (in {currency}).")
    if round_money(amount, currency) != amount:
        places = minor_unit(currency)
        raise InvalidInput(
            field, f"{currency} amounts have {places} decimal place{'s' if places != 1 else ''}."
        )
    return amount


def check_percent(percent: Decimal, field: str) -> Decimal:
    if not percent.is_finite() or not ZERO <= percent <= HUNDRED:
        raise InvalidInput(field, "Give a percentage from 0 to 100.")
    return percent


@dataclass(frozen=True)
class PriceLine:
    """What is sold: `code` is `session` or an adjunct's code; the unit price is before
    discount and tax."""

    code: str
    description: str
    quantity: int
    unit_price: Decimal
    tax_percent: Decimal


@dataclass(frozen=True)
class Line:
    code: str
    description: str
    quantity: int
    unit_price: Decimal
    tax_percent: Decimal
    gross: Decimal  # quantity x unit price
    discount: Decimal
    net: Decimal  # gross - discount
    tax: Decimal
    total: Decimal  # net + tax


@dataclass(frozen=True)
class Totals:
    currency: str
    discount_percent: Decimal
    lines: tuple[Line, ...]
    gross: Decimal
    discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal


def _line(item: PriceLine, discount_percent: Decimal, currency: str) -> Line:
    if item.quantity < 1:
        raise InvalidInput(f"lines.{item.code}.quantity", "A line sells at least one.")
    if not item.unit_price.is_finite() or item.unit_price < 0:
        raise InvalidInput(f"lines.{item.code}.unit_price", "A price cannot be below zero.")
    check_percent(item.tax_percent, f"lines.{item.code}.tax_percent")
    gross = round_money(item.quantity * item.unit_price, currency)
    discount = round_money(gross * discount_percent / HUNDRED, currency)
    net = gross - discount
    tax = round_money(net * item.tax_percent / HUNDRED, currency)
    return Line(
        item.code, item.description, item.quantity, item.unit_price, item.tax_percent,
        gross, discount, net, tax, net + tax,
    )  # fmt: skip


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def price_lines(
    items: Sequence[PriceLine], *, currency: str, discount_percent: Decimal = ZERO
) -> Totals:
    """The lines priced: the package discount off each line, then each line's tax on what is
    left; the totals are the sums of the rounded lines."""
    if not items:
        raise InvalidInput("lines", "A quote has at least one line.")
    check_percent(discount_percent, "discount_percent")
    lines = tuple(_line(item, discount_percent, currency) for item in items)
    return Totals(
        currency,
        discount_percent,
        lines,
        gross=_sum(line.gross for line in lines),
        discount=_sum(line.discount for line in lines),
        net=_sum(line.net for line in lines),
        tax=_sum(line.tax for line in lines),
        total=_sum(line.total for line in lines),
    )


@dataclass(frozen=True)
class Balance:
    """What a package owes: `due` is what is charged less what was paid and not refunded."""

    currency: str
    charged: Decimal
    paid: Decimal
    refunded: Decimal

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.refunded

    @property
    def due(self) -> Decimal:
        return self.charged - self.net_paid


def balance(
    charged: Decimal, payments: Iterable[Decimal], refunds: Iterable[Decimal], currency: str
) -> Balance:
    return Balance(currency, charged, _sum(payments), _sum(refunds))


def check_payment(amount: Decimal, current: Balance) -> Decimal:
    """A payment (or deposit) of `amount`: never more than is still due."""
    check_amount(amount, current.currency)
    if amount > current.due:
        raise InvalidInput(
            "amount",
            f"{format_money(amount, current.currency)} is more than the "
            f"{format_money(max(current.due, ZERO), current.currency)} still due.",
        )
    return amount


def check_refund(amount: Decimal, current: Balance) -> Decimal:
    """A refund of `amount`: never more than was paid and not refunded yet."""
    check_amount(amount, current.currency)
    if amount > current.net_paid:
        raise InvalidInput(
            "amount",
            f"{format_money(amount, current.currency)} is more than the "
            f"{format_money(current.net_paid, current.currency)} paid and not refunded.",
        )
    return amount


@dataclass(frozen=True)
class Usage:
    """Sessions of a package: `used` counts the course's performed (signed) sessions, each
    once; `over` those performed beyond what was bought."""

    bought: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.bought - self.used, 0)

    @property
    def over(self) -> int:
        return max(self.used - self.bought, 0)


_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def looks_like_card_number(text: str) -> bool:
    """Whether `text` holds a payment card number (13-19 digits, spaces or hyphens between,
    passing the Luhn check): a payment reference must never store one."""
    return any(_luhn(re.sub(r"[ -]", "", run.group())) for run in _DIGIT_RUN.finditer(text))
