"""The money rules: lines, discount and tax rounded once per line, totals that add up, the
balance, refunds never above what was paid, session usage and card numbers in references."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from needlepoint.domain.billing import (
    PriceLine,
    Usage,
    balance,
    check_amount,
    check_payment,
    check_refund,
    looks_like_card_number,
    minor_unit,
    price_lines,
    round_money,
)
from needlepoint.domain.errors import InvalidInput

CURRENCIES = st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP"])
PERCENTS = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def price_items(draw: st.DrawFn) -> list[PriceLine]:
    count = draw(st.integers(1, 4))
    return [
        PriceLine(
            f"item{n}",
            f"Item {n}",
            draw(st.integers(1, 12)),
            draw(st.decimals(min_value=0, max_value=5000, places=3)),
            draw(PERCENTS),
        )
        for n in range(count)
    ]


def test_a_course_quote_worked_by_hand() -> None:
    totals = price_lines(
        [
            PriceLine("session", "Microneedling session", 4, Decimal("350.00"), Decimal("20")),
            PriceLine("prp", "Platelet-rich plasma", 4, Decimal("99.99"), Decimal("0")),
        ],
        currency="EUR",
        discount_percent=Decimal("12.5"),
    )
    session, prp = totals.lines
    assert (session.gross, session.discount, session.net, session.tax) == (
        Decimal("1400.00"), Decimal("175.00"), Decimal("1225.00"), Decimal("245.00"),
    )  # fmt: skip
    # 399.96 x 12.5% = 49.995: half away from zero at the line
    assert (prp.discount, prp.net, prp.tax) == (Decimal("50.00"), Decimal("349.96"), Decimal(0))
    assert totals.total == Decimal("1819.96")


@given(price_items(), PERCENTS, CURRENCIES)
def test_totals_are_the_sums_of_rounded_lines(
    items: list[PriceLine], discount: Decimal, currency: str
) -> None:
    totals = price_lines(items, currency=currency, discount_percent=discount)
    places = Decimal(1).scaleb(-minor_unit(currency))
    for line in totals.lines:
        assert line.net == line.gross - line.discount >= 0
        assert line.total == line.net + line.tax
        assert all(a == a.quantize(places) for a in (line.gross, line.discount, line.tax))
    assert totals.total == sum(line.total for line in totals.lines)
    assert totals.total == totals.gross - totals.discount + totals.tax
    assert totals.discount <= totals.gross


def test_lines_and_percentages_out_of_range_are_refused() -> None:
    item = PriceLine("session", "Session", 1, Decimal(100), Decimal(0))
    with pytest.raises(InvalidInput, match="0 to 100"):
        price_lines([item], currency="USD", discount_percent=Decimal(101))
    with pytest.raises(InvalidInput) as refused:
        price_lines([PriceLine("prp", "PRP", 0, Decimal(1), Decimal(0))], currency="USD")
    assert refused.value.field == "lines.prp.quantity"
    with pytest.raises(InvalidInput, match="at least one line"):
        price_lines([], currency="USD")


def test_amounts_keep_to_the_currency_minor_unit() -> None:
    assert round_money(Decimal("2.5"), "JPY") == Decimal(3)
    assert round_money(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert check_amount(Decimal("10.50"), "USD") == Decimal("10.50")
    with pytest.raises(InvalidInput, match="0 decimal places"):
        check_amount(Decimal("10.5"), "JPY")
    with pytest.raises(InvalidInput, match="above zero"):
        check_amount(Decimal(0), "USD")


@given(
    st.decimals(min_value=1, max_value=10_000, places=2),
    st.lists(st.decimals(min_value=Decimal("0.01"), max_value=3000, places=2), max_size=6),
)
def test_payments_never_exceed_the_balance_and_refunds_never_what_was_paid(
    charged: Decimal, attempts: list[Decimal]
) -> None:
    paid: list[Decimal] = []
    refunded: list[Decimal] = []
    for n, amount in enumerate(attempts):
        current = balance(charged, paid, refunded, "USD")
        check, book = (check_refund, refunded) if n % 3 == 2 else (check_payment, paid)
        try:
            book.append(check(amount, current))
        except InvalidInput:
            assert amount > (current.net_paid if check is check_refund else current.due)
    final = balance(charged, paid, refunded, "USD")
    assert Decimal(0) <= final.net_paid <= charged
    assert final.due == charged - sum(paid) + sum(refunded)


def test_a_refund_above_what_was_paid_says_how_much_may_be_refunded() -> None:
    current = balance(Decimal(500), [Decimal(200)], [Decimal(50)], "USD")
    with pytest.raises(InvalidInput, match=r"150\.00 USD paid and not refunded"):
        check_refund(Decimal("150.01"), current)
    assert check_refund(Decimal(150), current) == Decimal(150)


@given(st.integers(0, 20), st.integers(0, 30))
def test_usage_remaining_and_over(bought: int, used: int) -> None:
    usage = Usage(bought, used)
    assert usage.remaining + used - usage.over == bought
    assert usage.remaining >= 0
    assert usage.over >= 0


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("4111 1111 1111 1111", True),
        ("ref 5555-5555-5555-4444 ok", True),
        ("4111111111111112", False),  # fails the Luhn check
        ("AUTH 482913", False),
        ("TXN-2026-000123", False),
    ],
)
def test_card_numbers_in_references_are_recognised(text: str, card: bool) -> None:
    assert looks_like_card_number(text) is card
