"""The accepted ranges of every number, date and text a user may send (issue 10 #9).

One place defines them; the API fields (web/api/fields.py), the page forms
(web/ui/forms.py), the URL converter and the services all check against these, so a
value the databases or the Jalali calendar cannot hold is refused as bad input
(422 naming the field, 404 for a path) instead of failing later as a 500.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from engine.domain.errors import ValidationFailed

# Integers: ids, counters and terms are INTEGER columns, 32-bit on PostgreSQL (SQLite
# would take 64): one range for both, so a value is refused the same way everywhere.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
ID_MIN = 1  # ids are positive
OFFSET_MAX = 1_000_000_000  # paging further than this is not paging
PAGE_MAX = 1_000_000  # page numbers of the web pages

# Dates: wide enough for any business date, narrow enough that every one has a Jalali
# equivalent (the calendar's year 1 is 622 CE) and prints with four-digit years.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2999, 12, 31)

# Decimals: at most 4 places (the stored scale); any one typed number and any computed
# line or document total at most 10^21 (Rial totals of 10^18 and more stay exact; the
# columns hold 26 integer digits, so sums of many such totals fit too).
PLACES = 4
NUMBER_MAX = Decimal(10) ** 21
TOTAL_MAX = Decimal(10) ** 21

# Text: any one value; longer fields (templates, diagrams) declare their own limit.
TEXT_MAX = 10_000
NOTES_MAX = 10_000

_FORBIDDEN_CHARS = re.compile("[\x00\ud800-\udfff]")


def check_int(value: int, *, field: str, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int:
    """Return ``value`` if it lies in ``minimum..maximum``; raise ValidationFailed otherwise."""
    if not minimum <= value <= maximum:
        raise ValidationFailed.single(field, f"must be between {minimum} and {maximum}")
    return value


def check_date(value: date, *, field: str) -> date:
    """Return ``value`` if it lies in DATE_MIN..DATE_MAX; raise ValidationFailed otherwise."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationFailed.single(
            field, f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}"
        )
    return value


def check_number(value: Decimal, *, field: str, places: int = PLACES) -> Decimal:
    """Return ``value`` if finite, at most ``places`` decimals and |value| ≤ NUMBER_MAX.

    Raises ValidationFailed on ``field``; a longer fraction is refused, never rounded.
    """
    if not value.is_finite():
        raise ValidationFailed.single(field, "must be a finite number")
    if abs(value) > NUMBER_MAX:
        raise ValidationFailed.single(field, f"must not exceed {NUMBER_MAX:,}")
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places:
        reason = "must be a whole number" if places == 0 else f"at most {places} decimal places"
        raise ValidationFailed.single(field, reason)
    return value


def text_problem(value: str, *, maximum: int | None = TEXT_MAX) -> str | None:
    """Return why ``value`` is not acceptable text (NUL, a lone surrogate, too long), or None."""
    if _FORBIDDEN_CHARS.search(value):
        return "must not contain NUL characters or lone surrogates"
    if maximum is not None and len(value) > maximum:
        return f"at most {maximum} characters"
    return None


def check_text(value: str, *, field: str, maximum: int | None = TEXT_MAX) -> str:
    """Return ``value`` if acceptable text; raise ValidationFailed on ``field`` otherwise."""
    problem = text_problem(value, maximum=maximum)
    if problem is not None:
        raise ValidationFailed.single(field, problem)
    return value


def required_name(value: str | None, *, maximum: int, field: str = "name") -> str:
    """Return ``value`` stripped; raise ValidationFailed on ``field`` when it is empty,
    longer than ``maximum`` or not acceptable text."""
    name = (value or "").strip()
    if not name:
        raise ValidationFailed.single(field, "is required")
    if len(name) > maximum:
        raise ValidationFailed.single(field, f"must be at most {maximum} characters")
    return check_text(name, field=field, maximum=maximum)


def check_document_header(
    *, issue_date: date | None, due_date: date | None, notes: str | None
) -> None:
    """Raise ValidationFailed naming each of a document's dates or notes out of bounds.

    A year-1 issue date would be stored but could never be shown in the Jalali
    calendar, approved or printed; notes are at most NOTES_MAX characters.
    """
    errors: dict[str, list[str]] = {}
    for field, day in (("issue_date", issue_date), ("due_date", due_date)):
        if day is not None and not DATE_MIN <= day <= DATE_MAX:
            errors[field] = [f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}"]
    if notes is not None and (problem := text_problem(notes, maximum=NOTES_MAX)):
        errors["notes"] = [problem]
    if errors:
        raise ValidationFailed(errors)
