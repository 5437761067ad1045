"""Reading form and query values typed by people: Persian/Arabic digits, Jalali dates (E1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.domain import bounds
from engine.domain.errors import ValidationFailed
from engine.domain.localize import clean_typed, parse_date
from engine.domain.money import to_decimal


def optional_decimal(value: str | None, *, field: str) -> Decimal | None:
    """Return the number typed in ``value`` (any digits, separators), or None when empty.

    At most 4 decimals (refused, not rounded) and at most bounds.NUMBER_MAX.
    """
    if value is None or not value.strip():
        return None
    return bounds.check_number(to_decimal(value, field=field), field=field)


def optional_int(value: str | None, *, field: str) -> int | None:
    """Return the whole number typed in ``value`` (0..bounds.INT_MAX), or None when empty."""
    if value is None or not value.strip():
        return None
    text = clean_typed(value)
    if not (text.isascii() and text.isdigit()):
        raise ValidationFailed.single(field, "must be a whole number")
    if len(text) > 19:  # past any bound whatever the digits; int() of long text is slow
        raise ValidationFailed.single(field, f"must be between 0 and {bounds.INT_MAX}")
    return bounds.check_int(int(text), field=field, minimum=0)


def page_number(value: str | None) -> int:
    """Return the page asked for in ``value`` (1 when empty), at most bounds.PAGE_MAX."""
    page = optional_int(value, field="page") or 1
    return bounds.check_int(page, field="page", minimum=1, maximum=bounds.PAGE_MAX)


def optional_date(value: str | None, *, field: str) -> date | None:
    """Return the date typed in ``value``: Jalali (year before 1700) or Gregorian, or None.

    ``1405/09/02``, ``۱۴۰۵/۰۹/۰۲`` and ``2026-11-23`` are all accepted; the date must lie
    in bounds.DATE_MIN..DATE_MAX (Jalali 1278/10/11..2378/10/10).
    """
    if value is None or not value.strip():
        return None
    return parse_date(value, field=field)


def flag(value: str | None) -> bool:
    """Return True for a ticked checkbox or a true-ish query value."""
    return (value or "").lower() in ("1", "on", "true", "yes")
