"""How values read to people in fa, ar and en: the one home of display formatting (E1).

Web pages (``web.ui.formatting``), printed pages and PDFs (``engine.printing``),
message texts (``engine.services.followups._messages``, ``report_mail``,
``notifications.papers``) and the text cells of spreadsheets all call these functions,
so a date or an amount reads the same everywhere. Pure: the language and, for times,
the business's time zone are passed in (``engine.clock.business_zone()``).

Calendars and scripts (docs/ui.md, "Formatting"):

- ``fa``: Jalali dates (jdatetime), ``۱۴۰۵/۰۱/۰۱``, Persian digits.
- ``ar``: Gregorian dates, ``٢٠٢٦/٠٣/٢١``, Arabic-Indic digits. Not Hijri: invoices,
  due dates and statements are Gregorian business dates in the Gulf too, and no
  maintained Hijri library is a dependency. The slash matters: Arabic-Indic digits
  are "Arabic numbers" to the bidi algorithm, and a hyphen between them would let the
  parts of the date swap places inside right-to-left text; a slash keeps one run.
- ``en``: ISO dates, ``2026-03-21``, ASCII digits.

Any other language code is formatted as ``en``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from decimal import Decimal
from html import escape

import jdatetime

from engine.domain import bounds
from engine.domain.digits import clean_typed, normalize_digits, write_digits
from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, format_amount

__all__ = [
    "LANGUAGES",
    "RTL_LANGUAGES",
    "bdi",
    "clean_typed",
    "digit_set",
    "direction",
    "format_date",
    "format_datetime",
    "format_money",
    "format_percent",
    "format_quantity",
    "input_date",
    "isolate",
    "local_digits",
    "money_places",
    "normalize_digits",
    "parse_date",
    "plain_number",
]

LANGUAGES = ("fa", "ar", "en")
RTL_LANGUAGES = frozenset({"fa", "ar"})
_DIGIT_SETS = {"fa": "persian", "ar": "arabic"}
_PERCENT_SIGNS = {"fa": "\u066a", "ar": "\u066a"}  # ٪
_JALALI_BEFORE = 1700  # a typed year below this is Jalali (1405), above Gregorian (2026)
_TYPED_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$", re.ASCII)
# First Strong Isolate would guess from the text; codes and numbers are always LTR.
_LRI, _PDI = "\u2066", "\u2069"


def direction(locale: str) -> str:
    """Return ``rtl`` for Persian and Arabic, ``ltr`` otherwise."""
    return "rtl" if locale in RTL_LANGUAGES else "ltr"


def digit_set(locale: str) -> str:
    """Return the digit script of a language: ``persian``, ``arabic`` or ``latin``."""
    return _DIGIT_SETS.get(locale, "latin")


def local_digits(value: object, locale: str) -> str:
    """Write ``value`` as text with its ASCII digits in the language's script."""
    text = "" if value is None else str(value)
    return write_digits(text, digit_set(locale))


# --- dates ---------------------------------------------------------------------------


def format_date(value: date | datetime | None, locale: str, zone: tzinfo | None = None) -> str:
    """Show a date in the language's calendar and digits; "" for None.

    A ``datetime`` is an instant: it is shown as the date it was in ``zone`` (the
    business's zone); raises ``ValueError`` when a datetime comes without a zone.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        if zone is None:
            raise ValueError("a datetime needs the business's time zone to be shown as a date")
        value = value.astimezone(zone).date()
    return local_digits(_calendar_text(value, locale), locale)


def format_datetime(value: datetime | None, locale: str, zone: tzinfo) -> str:
    """Show an instant as its date and ``HH:MM`` in ``zone``, in the language's script."""
    if value is None:
        return ""
    moment = value.astimezone(zone)
    return f"{format_date(moment.date(), locale)} {local_digits(moment.strftime('%H:%M'), locale)}"


def input_date(value: date | None, locale: str) -> str:
    """Write a date for a form field (ASCII digits): Jalali for fa, ISO otherwise.

    :func:`parse_date` reads back both forms.
    """
    if value is None:
        return ""
    if locale == "fa":
        return _jalali_text(value)
    return value.isoformat()


def parse_date(text: str, *, field: str) -> date:
    """Read a typed date: Jalali when the year is below 1700, else Gregorian.

    ``1405/09/02``, ``۱۴۰۵/۰۹/۰۲``, ``٢٠٢٦/١١/٢٣`` and ``2026-11-23`` all work.
    Raises ``ValidationFailed`` on ``field`` for another shape, a day that does not
    exist, or a date outside bounds.DATE_MIN..DATE_MAX (issue 10 #9).
    """
    match = _TYPED_DATE.fullmatch(clean_typed(text))
    if match is None:
        raise ValidationFailed.single(field, "must be a date like 1405/09/02 or 2026-11-23")
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < _JALALI_BEFORE:
            typed = jdatetime.date(year, month, day).togregorian()
        else:
            typed = date(year, month, day)
    except ValueError as error:
        raise ValidationFailed.single(field, "is not a real date") from error
    return bounds.check_date(typed, field=field)


def _calendar_text(day: date, locale: str) -> str:
    if locale == "fa":  # E1: the Jalali calendar for Persian
        return _jalali_text(day)
    if locale == "ar":  # Gregorian; "/" keeps Arabic-Indic digits in one bidi run
        return day.strftime("%Y/%m/%d")
    return day.isoformat()


def _jalali_text(day: date) -> str:
    return str(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))


# --- numbers -------------------------------------------------------------------------


def format_money(amount: Decimal | int | None, locale: str, places: int = 0) -> str:
    """Show an amount grouped by thousands, rounded half up to ``places``; "" for None.

    Rial amounts are whole (T3.19, ``places=0``). Raises ``TypeError`` for a float
    (money is Decimal). A negative amount in fa or ar is an isolated left-to-right run
    (see :func:`_signed`), so its minus stays in front of the digits.
    """
    if amount is None:
        return ""
    if isinstance(amount, float):
        raise TypeError("money must be a Decimal, not float")
    return _signed(format_amount(Decimal(amount), places=places, digits=digit_set(locale)), locale)


def money_places(currency: str, *, whole_numbers: bool) -> int:
    """Return the decimals to show: none when the type shows whole amounts (T3.19).

    Otherwise the currency's minor unit (0 for the Rial, 2 for USD); unknown: 0.
    """
    return 0 if whole_numbers else MINOR_UNITS.get(currency, 0)


def format_quantity(value: Decimal | int | None, locale: str, places: int | None = None) -> str:
    """Show a quantity with the type's ``places`` decimals (T3.21); "" for None.

    Never hides a decimal the value has (a quantity saved before the type's setting
    changed shows all its digits); ``places=None`` shows exactly the digits it has.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("a quantity must be a Decimal, not float")
    number = Decimal(value)
    shown = max(places or 0, _decimals(number))
    return _signed(format_amount(number, places=shown, digits=digit_set(locale)), locale)


def format_percent(value: Decimal | int | None, locale: str) -> str:
    """Show a percentage (``۹٪``, ``١٢٫٥٪``, ``9%``) without trailing zeros; "" for None."""
    if value is None:
        return ""
    return format_quantity(value, locale) + _PERCENT_SIGNS.get(locale, "%")


def plain_number(value: Decimal | int | None) -> str:
    """Write a number for a form field or a machine: ASCII, no exponent, no trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def _signed(text: str, locale: str) -> str:
    # Inside right-to-left text the bidi algorithm puts a leading minus on the right of
    # the digits ("۱٬۲۰۰-"); isolating the run keeps "-۱٬۲۰۰" as written. Positive
    # numbers need nothing, and stay free of invisible characters.
    return isolate(text, locale) if text.startswith("-") else text


def _decimals(number: Decimal) -> int:
    text = plain_number(number)
    return len(text.split(".")[1]) if "." in text else 0


# --- direction -----------------------------------------------------------------------


def isolate(value: object, locale: str | None = None) -> str:
    """Wrap a left-to-right run (code, number, email) in Unicode isolates (LRI … PDI).

    For plain text and SMS, where no markup exists: the run keeps its order inside a
    right-to-left sentence. With ``locale`` given, left-to-right languages get the text
    unchanged (nothing to protect, and an SMS keeps its length).
    """
    text = "" if value is None else str(value)
    if not text or (locale is not None and locale not in RTL_LANGUAGES):
        return text
    return f"{_LRI}{text}{_PDI}"


def bdi(value: object) -> str:
    """Return ``value`` HTML-escaped in ``<bdi dir="ltr">`` with isolates inside.

    Browsers honour the element; WeasyPrint ignores ``unicode-bidi`` but Pango honours
    the isolate characters, so the same markup holds in pages and PDFs.
    """
    text = "" if value is None else str(value)
    return f'<bdi dir="ltr">{_LRI}{escape(text)}{_PDI}</bdi>'
