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

from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from engine import clock
from engine.domain import localize
from engine.pdf import text_direction

TEMPLATES = Path(__file__).resolve().parent / "templates"
CATALOGS = Path(__file__).resolve().parent / "translations"
LANGUAGES = localize.LANGUAGES


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
    """The filters of one language, each a call of engine.domain.localize (as the web's)."""

    def __init__(self, language: str) -> None:
        self.language = language

    def digits(self, value: object) -> str:
        return localize.local_digits(value, self.language)

    def money(self, value: Decimal | int | None, places: int = 0) -> str:
        return localize.format_money(value, self.language, places)

    def quantity(self, value: Decimal | None, places: int | None = None) -> str:
        return localize.format_quantity(value, self.language, places)

    def percent(self, value: Decimal | None) -> str:
        return localize.format_percent(value, self.language)

    def date(self, value: date | datetime | None) -> str:
        return localize.format_date(value, self.language, clock.business_zone())

    def ltr(self, value: object) -> Markup:
        # Codes, numbers and emails stay left to right inside RTL text (see engine.pdf).
        return Markup(localize.bdi(value))


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
        percent=formats.percent,
        ldate=formats.date,
        ltr=formats.ltr,
    )
    env.globals.update(lang=language, text_dir=text_direction(language))
    return env


def render(template: str, language: str, **context: Any) -> str:
    """Render a printed page in ``language`` (fa, ar or en; others fall back to en)."""
    return environment(language).get_template(template).render(**context)


def translate(message: str, language: str) -> str:
    """Return ``message`` in ``language`` from the print catalogs (for XLSX headers)."""
    return _catalog(language).get(message, message)
