"""Reading form and query values typed by people: Persian/Arabic digits, Jalali dates (E1)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import jdatetime

from engine.domain.errors import ValidationFailed
from engine.domain.money import normalize_digits, to_decimal

_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


def optional_decimal(value: str | None, *, field: str) -> Decimal | None:
    """Return the number typed in ``value`` (any digits, separators), or None when empty."""
    if value is None or not value.strip():
        return None
    return to_decimal(value, field=field)


def optional_int(value: str | None, *, field: str) -> int | None:
    """Return the whole number typed in ``value``, or None when empty."""
    if value is None or not value.strip():
        return None
    text = normalize_digits(value.strip())
    if not text.isdigit():
        raise ValidationFailed.single(field, "must be a whole number")
    return int(text)


def optional_date(value: str | None, *, field: str) -> date | None:
    """Return the date typed in ``value``: Jalali (year before 1700) or Gregorian, or None.

    ``1405/09/02``, ``۱۴۰۵/۰۹/۰۲`` and ``2026-11-23`` are all accepted.
    """
    if value is None or not value.strip():
        return None
    match = _DATE.match(normalize_digits(value.strip()))
    if match is None:
        raise ValidationFailed.single(field, "must be a date like 1405/09/02 or 2026-11-23")
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < 1700:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError as error:
        raise ValidationFailed.single(field, "is not a real date") from error


def flag(value: str | None) -> bool:
    """Return True for a ticked checkbox or a true-ish query value."""
    return (value or "").lower() in ("1", "on", "true", "yes")
