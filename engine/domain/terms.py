"""Contact payment terms and credit limits (SPEC P2, P4)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from engine.domain.errors import ValidationFailed
from engine.domain.money import format_amount, to_decimal


def due_date(issued_on: date, *, days: int | None, months: int | None) -> date:
    """Return the date payment falls due under a term in days or in months (P2).

    Months are Gregorian calendar months, the day clamped to the month's end
    (31 Jan + 1 month → 28/29 Feb). No term means due on issue. Raises
    ``ValidationFailed`` on ``payment_term_days`` / ``payment_term_months`` for a
    negative or non-integer term, both terms at once, or a date past year 9999.
    """
    _check_term(days, "payment_term_days")
    _check_term(months, "payment_term_months")
    if days is not None and months is not None:
        raise ValidationFailed.single("payment_term_months", "give days or months, not both")
    try:
        if days is not None:
            return issued_on + timedelta(days=days)
        if months is not None:
            return _add_months(issued_on, months)
    except (OverflowError, ValueError) as exc:
        field = "payment_term_days" if days is not None else "payment_term_months"
        raise ValidationFailed.single(field, "is too long") from exc
    return issued_on


def check_credit_limit(*, limit: Decimal | None, open_balance: Decimal, amount: Decimal) -> None:
    """Refuse a credit sale that would take the contact past its credit limit (P4).

    ``limit`` None is unlimited; ``limit`` 0 forbids any credit sale. Raises
    ``ValidationFailed`` on ``contact_id`` naming the limit and the open balance.
    """
    if limit is None:
        return
    limit = to_decimal(limit, field="credit_limit")
    open_balance = to_decimal(open_balance, field="open_balance")
    amount = to_decimal(amount, field="amount")
    if limit < 0:
        raise ValidationFailed.single("credit_limit", "must not be negative")
    if amount <= 0:
        return  # nothing is sold on credit
    if limit == 0:
        raise ValidationFailed.single("contact_id", "credit sales are not allowed (credit limit 0)")
    if open_balance + amount > limit:
        places = _places(limit, open_balance, amount)
        shown = [format_amount(value, places=places) for value in (limit, open_balance, amount)]
        raise ValidationFailed.single(
            "contact_id",
            f"credit limit {shown[0]} would be exceeded: "
            f"open balance {shown[1]} + this document {shown[2]}",
        )


def _check_term(value: int | None, field: str) -> None:
    """Raise ValidationFailed unless ``value`` is None or a non-negative int."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed.single(field, "must be a whole number")
    if value < 0:
        raise ValidationFailed.single(field, "must not be negative")


def _add_months(start: date, months: int) -> date:
    """Add calendar months to ``start``, clamping the day to the target month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def _places(*values: Decimal) -> int:
    """Return how many decimals it takes to show every value exactly."""
    exponents = [value.as_tuple().exponent for value in values]
    return max([0] + [-e for e in exponents if isinstance(e, int) and e < 0])
