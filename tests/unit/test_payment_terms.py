"""Payment terms: instalments and the early discount as pure rules (issue 14 §3, §4;
SPEC I5, P2). Worked examples as an accountant would check them by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.overdue import open_due_date
from engine.domain.payment_terms import (
    Installment,
    discount_amount,
    discount_date,
    earns_discount,
    parse_term,
    schedule,
    tax_base_discount,
)
from engine.domain.pricing import LineInput, PricingRules, price_document

ISSUED = date(2027, 1, 15)


def _fields(lines: object, early: object = None) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_term(lines, early)
    return caught.value.fields


def test_thirty_percent_now_and_the_balance_in_sixty_days() -> None:
    """§3: 30 % on the issue date, the rest 60 days later (1,090,000 with tax)."""
    term = parse_term(
        [
            {"value": "percent", "amount": "30", "days": 0},
            {"value": "balance", "days": 60},
        ]
    )
    plan = schedule(term, total=Decimal(1_090_000), issued_on=ISSUED, currency="IRR")
    assert plan == [
        Installment(ISSUED, Decimal(327_000), Decimal(0)),
        Installment(date(2027, 3, 16), Decimal(763_000), Decimal(327_000)),
    ]


def test_percent_lines_round_half_up_in_the_currency_and_the_balance_takes_the_rest() -> None:
    """§3: 50 % of 1,001 Rial is 500.5 → 501; the balance is 500 (no Rial is lost)."""
    term = parse_term([{"value": "percent", "amount": "50"}, {"value": "balance", "days": 30}])
    rial = schedule(term, total=Decimal(1001), issued_on=ISSUED, currency="IRR")
    assert [i.amount for i in rial] == [Decimal(501), Decimal(500)]
    dollars = schedule(term, total=Decimal("10.01"), issued_on=ISSUED, currency="USD")
    assert [i.amount for i in dollars] == [Decimal("5.01"), Decimal("5.00")]


def test_a_fixed_line_never_takes_more_than_the_total() -> None:
    term = parse_term(
        [{"value": "fixed", "amount": "700"}, {"value": "fixed", "amount": "700", "days": 10}]
        + [{"value": "balance", "days": 20}]
    )
    plan = schedule(term, total=Decimal(1000), issued_on=ISSUED, currency="IRR")
    assert [(i.amount, i.start) for i in plan] == [(Decimal(700), 0), (Decimal(300), 700)]


def test_due_dates_by_delay() -> None:
    """§3: the four delays, counted from 15 January 2027."""
    term = parse_term(
        [
            {"value": "percent", "amount": "10", "days": 10, "delay": "days_after_end_of_month"},
            {"value": "percent", "amount": "10", "delay": "days_after_end_of_next_month"},
            {"value": "percent", "amount": "10", "delay": "day_of_next_month", "day": 31},
            {"value": "balance", "days": 20, "delay": "day_of_next_month", "day": 5},
        ]
    )
    plan = schedule(term, total=Decimal(1000), issued_on=ISSUED, currency="IRR")
    assert [i.due_date for i in plan] == [
        date(2027, 2, 10),
        date(2027, 2, 28),
        date(2027, 2, 28),
        date(2027, 3, 5),
    ]


def test_payments_settle_the_oldest_instalment_first() -> None:
    term = parse_term([{"value": "percent", "amount": "30"}, {"value": "balance", "days": 60}])
    first, second = schedule(term, total=Decimal(1000), issued_on=ISSUED, currency="IRR")
    total = Decimal(1000)
    assert (
        first.open_amount(paid=Decimal(100), total=total),
        second.open_amount(paid=Decimal(100), total=total),
    ) == (200, 700)
    assert (
        first.open_amount(paid=Decimal(400), total=total),
        second.open_amount(paid=Decimal(400), total=total),
    ) == (0, 600)
    assert open_due_date([first, second], paid=Decimal(300)) == date(2027, 3, 16)
    assert open_due_date([first, second], paid=Decimal(1000)) is None


@pytest.mark.parametrize(
    ("mode", "tax", "total", "discount", "after"),
    [
        ("included", 90_000, 1_090_000, 21_800, 1_068_200),
        ("excluded", 90_000, 1_090_000, 20_000, 1_070_000),
        ("mixed", 88_200, 1_088_200, 20_000, 1_068_200),
    ],
)
def test_two_ten_net_thirty_in_the_three_tax_modes(
    mode: str, tax: int, total: int, discount: int, after: int
) -> None:
    """§4: 2/10 net 30 on 1,000,000 at 9 % tax. Included: 2 % of the total; excluded:
    2 % of the untaxed amount; mixed: 2 % of it too, the tax invoiced on 980,000."""
    term = parse_term(
        [{"value": "balance", "days": 30}],
        {"percent": "2", "days": 10, "tax_mode": mode},
    )
    rules = PricingRules(Decimal(9), Decimal(0), "IRR", tax_base_discount=tax_base_discount(term))
    totals = price_document([LineInput(Decimal(1), Decimal(1_000_000))], rules)
    assert (totals.tax, totals.total) == (tax, total)
    early = term.early_discount
    assert early is not None
    off = discount_amount(
        early, total=totals.total, tax=totals.tax, levy=totals.levy, currency="IRR"
    )
    assert (off, totals.total - off) == (discount, after)
    until = discount_date(early, ISSUED)
    assert until == date(2027, 1, 25)
    paid = Decimal(after)
    assert earns_discount(
        amount=paid, open_=totals.total, discount=off, received_on=until, until=until
    )
    late = date(2027, 1, 26)
    assert not earns_discount(
        amount=paid, open_=totals.total, discount=off, received_on=late, until=until
    )
    assert not earns_discount(
        amount=paid - 1, open_=totals.total, discount=off, received_on=until, until=until
    )


def test_bad_lines_are_named() -> None:
    """Every bad input names its field (issue 14 "Done when")."""
    fields = _fields(
        [
            {"value": "percent", "amount": "120"},
            {"value": "balance"},
            {"value": "fixed", "amount": "-1", "delay": "tomorrow", "days": -3, "day": 4},
            {"value": "percent", "amount": "10"},
        ]
    )
    assert set(fields) == {
        "lines[0].amount",
        "lines[1].value",
        "lines[2].amount",
        "lines[2].delay",
        "lines[2].days",
        "lines[2].day",
        "lines[3].value",
    }
    assert set(_fields([])) == {"lines"}
    assert set(_fields([{"value": "balance", "delay": "day_of_next_month"}])) == {"lines[0].day"}
    assert set(_fields([{"value": "balance", "days": 30, "day": 2}])) == {"lines[0].day"}
    assert set(
        _fields(
            [
                {"value": "percent", "amount": 60},
                {"value": "percent", "amount": 40},
                {"value": "balance"},
            ]
        )
    ) == {"lines"}
    assert set(_fields([{"value": "balance", "amount": "5"}])) == {"lines[0].amount"}


def test_bad_early_discounts_are_named() -> None:
    fields = _fields(
        [{"value": "balance"}], {"percent": "100", "days": "x", "tax_mode": "sometimes"}
    )
    assert set(fields) == {
        "early_discount.percent",
        "early_discount.days",
        "early_discount.tax_mode",
    }
    assert set(_fields([{"value": "balance"}], "2/10")) == {"early_discount"}
