"""Printed pages (invoices, statements, follow-up reports) rendered without Flask.

The same HTML serves the browser's print view and the PDF (engine.pdf), and the
notification workers render attachments with it outside any request, so this is a plain
sandbox-free Jinja environment with autoescaping, the i18n extension and the formatting
filters a printed page needs. Labels are translated from the .po catalogs beside this
module (``translations/<lang>.po``), in the language of the *document* (the customer's),
which need not be the language of the user who prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jdatetime
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from engine import clock
from engine.domain.money import format_amount
from engine.pdf import text_direction

TEMPLATES = Path(__file__).resolve().parent / "templates"
CATALOGS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("fa", "ar", "en")
_DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
_DIGIT_SET = {"fa": "persian", "ar": "arabic"}


@dataclass(frozen=True)
class Seller:
    """The issuing company printed on documents (CARTABLE_COMPANY_* settings)."""

    name: str
    address: str = ""
    phone: str = ""
    tax_id: str = ""

    @classmethod
    def current(cls) -> Seller:
        """Return this process's seller (Settings.company_*, set by engine.configure)."""
        return _seller[0]


_seller = [Seller(name="Cartable")]


def configure_seller(seller: Seller) -> None:
    """Set the seller printed by this process (from CARTABLE_COMPANY_* via Settings)."""
    _seller[0] = seller


@lru_cache(maxsize=8)
def _catalog(language: str) -> dict[str, str]:
    path = CATALOGS / f"{language}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


class _Formats:
    """The filters of one language: digits, amounts, dates, LTR runs."""

    def __init__(self, language: str) -> None:
        self.language = language

    def digits(self, value: object) -> str:
        text = "" if value is None else str(value)
        table = _DIGITS.get(self.language)
        return text.translate(str.maketrans("0123456789", table)) if table else text

    def money(self, value: Decimal | int | None, places: int = 0) -> str:
        if value is None:
            return ""
        digit_set = _DIGIT_SET.get(self.language, "latin")
        return format_amount(Decimal(value), places=places, digits=digit_set)

    def quantity(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        text = format(Decimal(value).normalize(), "f")
        return self.money(Decimal(value), len(text.split(".")[1]) if "." in text else 0)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(clock.business_zone()).date()
        if self.language == "fa":  # E1: Jalali dates for Persian
            return self.digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
        if self.language == "ar":
            # "/" keeps Arabic-Indic digits in one left-to-right run; "-" would let the
            # bidi algorithm reverse the parts inside right-to-left text.
            return self.digits(value.strftime("%Y/%m/%d"))
        return self.digits(value.isoformat())

    def ltr(self, value: object) -> Markup:
        # Codes, numbers and emails stay left to right inside RTL text (see engine.pdf).
        # WeasyPrint ignores unicode-bidi, so the isolate marks (LRI ... PDI) go into the
        # text itself, where both Pango and browsers honour them.
        text = "" if value is None else str(value)
        return Markup('<bdi dir="ltr">\u2066%s\u2069</bdi>') % escape(text)


@lru_cache(maxsize=8)
def environment(language: str) -> Environment:
    """Return the Jinja environment for printed pages in ``language``."""
    if language not in LANGUAGES:
        language = "en"
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = _catalog(language)

    def gettext(message: str, **variables: Any) -> str:
        text = catalog.get(message, message)
        return text % variables if variables else text

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
        return gettext(singular if n == 1 else plural, n=n, **variables)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    formats = _Formats(language)
    env.filters.update(
        digits=formats.digits,
        money=formats.money,
        quantity=formats.quantity,
        ldate=formats.date,
        ltr=formats.ltr,
    )
    env.globals.update(
        lang=language, text_dir=text_direction(language), pct="٪" if language in _DIGITS else "%"
    )
    return env


def render(template: str, language: str, **context: Any) -> str:
    """Render a printed page in ``language`` (fa, ar or en; others fall back to en)."""
    return environment(language).get_template(template).render(**context)


def translate(message: str, language: str) -> str:
    """Return ``message`` in ``language`` from the print catalogs (for XLSX headers)."""
    return _catalog(language).get(message, message)
