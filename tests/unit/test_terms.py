"""Payment terms and credit limits (SPEC P2, P4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.terms import check_credit_limit, due_date

D = Decimal


# --- due_date (P2) ------------------------------------------------------------------


def test_term_in_days_adds_days() -> None:
    assert due_date(date(2026, 11, 23), days=30, months=None) == date(2026, 12, 23)


def test_term_in_months_adds_calendar_months() -> None:
    assert due_date(date(2026, 11, 23), days=None, months=3) == date(2027, 2, 23)


@pytest.mark.parametrize(
    ("issued", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 1, 31), 13, date(2027, 2, 28)),
    ],
)
def test_term_in_months_clamps_to_the_month_end(issued: date, months: int, due: date) -> None:
    """P2: 31 January plus one month is the last day of February."""
    assert due_date(issued, days=None, months=months) == due


def test_no_term_is_due_on_issue() -> None:
    assert due_date(date(2026, 11, 23), days=None, months=None) == date(2026, 11, 23)


def test_zero_term_is_due_on_issue() -> None:
    assert due_date(date(2026, 11, 23), days=0, months=None) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("days", "months", "field"),
    [
        (-1, None, "payment_term_days"),
        (None, -1, "payment_term_months"),
        (1.5, None, "payment_term_days"),
        (None, True, "payment_term_months"),
        (10**7, None, "payment_term_days"),
        (None, 10**6, "payment_term_months"),
        (30, 1, "payment_term_months"),
    ],
)
def test_bad_terms_are_rejected_on_their_field(
    days: int | None, months: int | None, field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        due_date(date(2026, 11, 23), days=days, months=months)
    assert list(exc.value.fields) == [field]


# --- check_credit_limit (P4) -----------------------------------------------------------


def test_no_limit_means_unlimited_credit() -> None:
    """P4: an empty credit limit is unlimited."""
    check_credit_limit(limit=None, open_balance=D(10**15), amount=D(10**15))


def test_sale_within_the_limit_passes() -> None:
    check_credit_limit(limit=D(50_000_000), open_balance=D(30_000_000), amount=D(20_000_000))


def test_sale_over_the_limit_names_the_limit_and_open_balance() -> None:
    """P4: over the limit, credit sales are blocked."""
    with pytest.raises(ValidationFailed) as exc:
        check_credit_limit(limit=D(50_000_000), open_balance=D(40_000_000), amount=D(20_000_000))
    assert exc.value.fields == {
        "contact_id": [
            "credit limit 50,000,000 would be exceeded: "
            "open balance 40,000,000 + this document 20,000,000"
        ]
    }


def test_message_keeps_cents_when_amounts_have_them() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_credit_limit(limit=D("100.50"), open_balance=D(100), amount=D("0.75"))
    assert "credit limit 100.50" in exc.value.fields["contact_id"][0]


def test_zero_limit_forbids_any_credit_sale() -> None:
    """P4: a credit limit of 0 means no credit sale at all, even with a credit balance."""
    with pytest.raises(ValidationFailed) as exc:
        check_credit_limit(limit=D(0), open_balance=D(-1_000_000), amount=D(1))
    assert "contact_id" in exc.value.fields


def test_zero_amount_is_never_blocked() -> None:
    check_credit_limit(limit=D(0), open_balance=D(5), amount=D(0))


def test_credit_balance_makes_room_under_the_limit() -> None:
    check_credit_limit(limit=D(100), open_balance=D(-50), amount=D(150))


def test_negative_limit_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_credit_limit(limit=D(-1), open_balance=D(0), amount=D(1))
    assert list(exc.value.fields) == ["credit_limit"]


def test_float_amount_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_credit_limit(limit=D(100), open_balance=D(0), amount=1.5)  # type: ignore[arg-type]
    assert list(exc.value.fields) == ["amount"]
