"""Payment terms and credit limits (SPEC P2, P4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.terms import credit_breached, credit_refusal, due_date

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


# --- credit_breached (P4, issue 14 §5) ---------------------------------------------------


def test_no_limit_means_unlimited_credit() -> None:
    """P4: an empty credit limit is unlimited."""
    assert not credit_breached(limit=None, before=D(0), after=D(10**15))


def test_exposure_within_the_limit_passes() -> None:
    assert not credit_breached(limit=D(1_000_000), before=D(900_000), after=D(1_000_000))


def test_exposure_past_the_limit_breaks_it() -> None:
    assert credit_breached(limit=D(1_000_000), before=D(900_000), after=D(1_100_000))


def test_an_exposure_that_does_not_grow_breaks_nothing() -> None:
    """Issue 14 §5: an edit counts only its change (already past the limit, going down)."""
    assert not credit_breached(limit=D(100), before=D(500), after=D(400))


def test_a_recheck_looks_at_the_exposure_as_it_stands() -> None:
    """Issue 14 §5: before goods ship, an order already past the limit is caught."""
    assert credit_breached(limit=D(100), before=D(500), after=D(500), recheck=True)
    assert not credit_breached(limit=D(500), before=D(500), after=D(500), recheck=True)


def test_zero_limit_passes_only_a_sale_paid_up_front() -> None:
    """Issue 14 §5: limit 0 is no credit; an advance covering the sale is not credit."""
    assert not credit_breached(limit=D(0), before=D(-1_000_000), after=D(0))
    assert credit_breached(limit=D(0), before=D(-1_000_000), after=D(1))


def test_negative_limit_is_rejected() -> None:
    with pytest.raises(ValidationFailed) as exc:
        credit_breached(limit=D(-1), before=D(0), after=D(1))
    assert list(exc.value.fields) == ["credit_limit"]


def test_the_refusal_names_the_limit_and_the_exposure() -> None:
    error = credit_refusal(limit=D(1_000_000), exposure=D(1_100_000))
    (message,) = error.fields["credit_limit"]
    assert message.startswith("credit limit 1,000,000 would be exceeded: exposure 1,100,000")


def test_the_refusal_keeps_cents_when_amounts_have_them() -> None:
    error = credit_refusal(limit=D("100.50"), exposure=D("101.25"))
    assert "credit limit 100.50" in error.fields["credit_limit"][0]
