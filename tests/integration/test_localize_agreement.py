"""Pages, PDFs and message texts show a date, an amount and a time alike (issue 11 §1, E1).

Before issue 11 each surface had its own formatter: an Arabic page wrote
``٢٠٢٦-٠٣-٢١``, the Arabic PDF ``٢٠٢٦/٠٣/٢١`` and an Arabic message ``2026-03-21``.
Each surface is driven here through its own entry point (the page's Jinja filter, the
printed page's filter, the context a follow-up message renders) and must agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale

from engine.domain.followups import OpenInvoice
from engine.models.contacts import Contact
from engine.models.followups import FollowupLevel
from engine.printing import environment
from engine.services.followups._messages import message_context

DUE = date(2026, 3, 21)
AMOUNT = Decimal("-98100000")

EXPECTED_DATES = {"fa": "۱۴۰۵/۰۱/۰۱", "ar": "٢٠٢٦/٠٣/٢١", "en": "2026-03-21"}
# A negative amount is an isolated LTR run in RTL languages (minus in front of the digits).
EXPECTED_MONEY = {
    "fa": "\u2066-۹۸٬۱۰۰٬۰۰۰\u2069",
    "ar": "\u2066-٩٨٬١٠٠٬٠٠٠\u2069",
    "en": "-98,100,000",
}


def _page(app: Flask, template: str, locale: str, **context: object) -> str:
    with app.test_request_context("/"), force_locale(locale):
        return render_template_string(template, **context)


def _printed(template: str, locale: str, **context: object) -> str:
    return environment(locale).from_string(template).render(**context)


def _message(locale: str) -> dict[str, object]:
    invoice = OpenInvoice(1, "INV-1", DUE, AMOUNT, None)
    context = message_context(Contact(name="C"), FollowupLevel(description="L"), [invoice], locale)
    row = context["invoices"][0]
    return {"date": row["due_date"], "money": row["open_amount"], "total": context["total_due"]}


@pytest.mark.parametrize("locale", ["fa", "ar", "en"])
def test_page_pdf_and_message_show_the_same_date(app: Flask, locale: str) -> None:
    page = _page(app, "{{ day|jdate }}", locale, day=DUE)
    printed = _printed("{{ day|ldate }}", locale, day=DUE)
    message = _message(locale)["date"]
    assert page == printed == message == EXPECTED_DATES[locale]


@pytest.mark.parametrize("locale", ["fa", "ar", "en"])
def test_page_pdf_and_message_show_the_same_amount(app: Flask, locale: str) -> None:
    page = _page(app, "{{ amount|money }}", locale, amount=AMOUNT)
    printed = _printed("{{ amount|money }}", locale, amount=AMOUNT)
    message = _message(locale)
    assert page == printed == message["money"] == message["total"] == EXPECTED_MONEY[locale]


@pytest.mark.parametrize("locale", ["fa", "ar", "en"])
def test_page_and_pdf_show_an_instant_on_the_same_business_day(app: Flask, locale: str) -> None:
    """21:00 UTC on 20 March is already 21 March in Tehran (the default business zone)."""
    moment = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
    page = _page(app, "{{ moment|jdate }}", locale, moment=moment)
    printed = _printed("{{ moment|ldate }}", locale, moment=moment)
    assert page == printed == EXPECTED_DATES[locale]


@pytest.mark.parametrize("locale", ["fa", "ar", "en"])
def test_page_and_pdf_agree_on_quantities_percentages_and_ltr_runs(app: Flask, locale: str) -> None:
    template = "{{ q|quantity(3) }} {{ p|percent }} {{ code|ltr }}"
    values = {"q": Decimal("1.5"), "p": Decimal("9"), "code": "SKU<1>"}
    page = _page(app, template, locale, **values)
    assert page == _printed(template, locale, **values)
    assert '<bdi dir="ltr">\u2066SKU&lt;1&gt;\u2069</bdi>' in page


def test_rtl_messages_isolate_invoice_numbers() -> None:
    """Plain-text messages have no <bdi>: the number is an LRI…PDI run in fa and ar."""
    invoice = OpenInvoice(1, "INV-1", DUE, AMOUNT, None)
    for locale, number in (
        ("fa", "\u2066INV-1\u2069"),
        ("ar", "\u2066INV-1\u2069"),
        ("en", "INV-1"),
    ):
        context = message_context(
            Contact(name="C"), FollowupLevel(description="L"), [invoice], locale
        )
        assert context["invoices"][0]["number"] == number
