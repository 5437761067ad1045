"""Contact payment terms and credit limits (SPEC P2, P4)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

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


class CreditBreach(StrEnum):
    """What a document type does with a sale past the contact's credit limit (issue 14 §5)."""

    REFUSE = "refuse"  # a 422 naming credit_limit
    APPROVE = "approve"  # the document goes on, to its diagram's credit approval


def credit_breached(
    *, limit: Decimal | None, before: Decimal, after: Decimal, recheck: bool = False
) -> bool:
    """Tell whether moving the contact's exposure from ``before`` to ``after`` breaks
    its credit limit (P4, issue 14 §5).

    ``limit`` None is unlimited; 0 allows no credit at all, so only a sale the
    contact's credit (an advance) pays in full up front passes. Exposure that does not
    grow breaks nothing (an edit counts only its change), unless ``recheck`` asks
    whether the exposure as it stands is past the limit (before goods ship).
    Raises ``ValidationFailed`` on ``credit_limit`` for a negative limit.
    """
    if limit is None:
        return False
    if limit < 0:
        raise ValidationFailed.single("credit_limit", "must not be negative")
    if after <= before and not recheck:
        return False
    return after > limit


def credit_refusal(*, limit: Decimal, exposure: Decimal) -> ValidationFailed:
    """Return the 422 that refuses a sale past the limit, naming the limit and the exposure."""
    # Stored amounts carry trailing zeros (scale 4); show them as typed.
    limit, exposure = (
        to_decimal(limit, field="credit_limit"),
        to_decimal(exposure, field="exposure"),
    )
    places = _places(limit, exposure)
    shown_limit, shown_exposure = (format_amount(v, places=places) for v in (limit, exposure))
    return ValidationFailed.single(
        "credit_limit",
        f"credit limit {shown_limit} would be exceeded: exposure {shown_exposure} "
        "(open receivables and confirmed orders, with this document)",
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
