"""Jinja filters that format values for people (E1): amounts, dates, digits.

They only format; they never decide (STYLE: no business rules in templates).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import jdatetime
from flask import Flask
from flask_babel import get_locale, gettext, ngettext

from engine import clock
from engine.domain.money import format_amount

_DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
_DIGIT_SET = {"fa": "persian", "ar": "arabic"}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def _zone() -> ZoneInfo:
    # The business's zone, as engine.clock.business_today uses (stored times are UTC).
    return clock.business_zone()


def local_digits(value: object) -> str:
    """Write the digits of ``value`` in the page's script (Persian or Arabic-Indic)."""
    text = "" if value is None else str(value)
    digits = _DIGITS.get(_lang())
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def money(value: Decimal | int | None, places: int = 0) -> str:
    """Format an amount with thousands separators in the page's digits (Rial: no decimals)."""
    if value is None:
        return ""
    return format_amount(Decimal(value), places=places, digits=_DIGIT_SET.get(_lang(), "latin"))


def quantity(value: Decimal | None) -> str:
    """Format a quantity without trailing zeros, in the page's digits."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    places = len(text.split(".")[1]) if "." in text else 0
    return money(Decimal(value), places)


def local_date(value: date | datetime | None) -> str:
    """Show a date: Jalali for Persian pages (E1), ISO otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date()
    if _lang() == "fa":
        return local_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return local_digits(value.isoformat())


def local_datetime(value: datetime | None) -> str:
    """Show a UTC time in the business's zone: Jalali date for Persian pages."""
    if value is None:
        return ""
    moment = value.astimezone(_zone())
    return f"{local_date(moment.date())} {local_digits(moment.strftime('%H:%M'))}"


def input_date(value: date | None) -> str:
    """Write a date for a form field: Jalali (Latin digits) for Persian pages, ISO otherwise."""
    if value is None:
        return ""
    if _lang() == "fa":
        return str(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return value.isoformat()


def plain_number(value: Decimal | None) -> str:
    """Write a Decimal for a form field: no exponent, no trailing zeros."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def age(value: datetime | None) -> str:
    """Say how long ago ``value`` was, in days or hours, in the page's language."""
    if value is None:
        return ""
    seconds = max(0, int((clock.now() - value).total_seconds()))
    days, hours = seconds // 86400, seconds // 3600
    if days:
        return local_digits(ngettext("%(num)s day", "%(num)s days", days))
    if hours:
        return local_digits(ngettext("%(num)s hour", "%(num)s hours", hours))
    return str(gettext("just now"))


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(
        digits=local_digits,
        money=money,
        quantity=quantity,
        jdate=local_date,
        jdatetime=local_datetime,
        input_date=input_date,
        plain_number=plain_number,
        age=age,
    )
