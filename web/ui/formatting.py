"""Jinja filters that format values for people (E1): thin wrappers of engine.domain.localize.

They only format; they never decide (STYLE: no business rules in templates). The page's
language comes from Flask-Babel, the business's zone from engine.clock; the printed
pages (engine.printing) and message texts call the same functions, so they agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import get_locale, gettext, ngettext
from markupsafe import Markup

from engine import clock
from engine.domain import localize


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def local_digits(value: object) -> str:
    """Write the digits of ``value`` in the page's script (Persian or Arabic-Indic)."""
    return localize.local_digits(value, _lang())


def money(value: Decimal | int | None, places: int = 0) -> str:
    """Format an amount with thousands separators in the page's digits (Rial: no decimals)."""
    return localize.format_money(value, _lang(), places)


def quantity(value: Decimal | None, places: int | None = None) -> str:
    """Format a quantity with ``places`` decimals (the type's, T3.21), in the page's digits."""
    return localize.format_quantity(value, _lang(), places)


def percent(value: Decimal | None) -> str:
    """Format a percentage in the page's digits with the page's percent sign."""
    return localize.format_percent(value, _lang())


def local_date(value: date | datetime | None) -> str:
    """Show a date in the page's calendar: Jalali for fa, Gregorian for ar and en."""
    return localize.format_date(value, _lang(), clock.business_zone())


def local_datetime(value: datetime | None) -> str:
    """Show a UTC time in the business's zone, with the date in the page's calendar."""
    return localize.format_datetime(value, _lang(), clock.business_zone())


def input_date(value: date | None) -> str:
    """Write a date for a form field: Jalali (Latin digits) for Persian pages, ISO otherwise."""
    return localize.input_date(value, _lang())


def ltr(value: object) -> Markup:
    """Keep a code, number or email left to right inside right-to-left text."""
    return Markup(localize.bdi(value))


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


def span(seconds: float | None) -> str:
    """Say how long ``seconds`` is, in days, hours or minutes, in the page's language."""
    if seconds is None:
        return ""
    whole = max(0, int(seconds))
    days, hours, minutes = whole // 86400, whole // 3600, whole // 60
    if days:
        return local_digits(ngettext("%(num)s day", "%(num)s days", days))
    if hours:
        return local_digits(ngettext("%(num)s hour", "%(num)s hours", hours))
    return local_digits(ngettext("%(num)s minute", "%(num)s minutes", max(1, minutes)))


def time_left(due: datetime | None) -> str:
    """Say how long until ``due``, or how long it is overdue, in the page's language."""
    if due is None:
        return ""
    seconds = (due - clock.now()).total_seconds()
    if seconds >= 0:
        return str(gettext("%(span)s left", span=span(seconds)))
    return str(gettext("%(span)s overdue", span=span(-seconds)))


def is_overdue(due: datetime | None) -> bool:
    return due is not None and due < clock.now()


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(
        digits=local_digits,
        money=money,
        quantity=quantity,
        percent=percent,
        jdate=local_date,
        jdatetime=local_datetime,
        input_date=input_date,
        plain_number=localize.plain_number,
        ltr=ltr,
        age=age,
        span=span,
        time_left=time_left,
        overdue=is_overdue,
    )
