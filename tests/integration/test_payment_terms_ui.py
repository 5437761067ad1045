"""The payment-terms page under /admin and the instalments and early discount on an
invoice's page and PDF (issue 14 §3, §4), in Persian, right to left."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.postings import customer, on_day
from tests.integration.receivables import posted
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words

DAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _on_the_first_day() -> Iterator[None]:
    with on_day(DAY):
        yield


def test_a_term_is_made_on_the_page_and_bad_rows_are_marked(app: Flask, uow: UnitOfWork) -> None:
    ui = UiClient(app, "admin")
    html = ui.get("/admin/payment-terms").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl">' in html and 'id="term-form"' in html
    assert not english_words(html), english_words(html)
    bad = {
        "name": "نقد و نسیه صفحه",
        "lines-0-value": "percent",
        "lines-0-amount": "۳۰",
        "lines-2-value": "balance",
        "lines-2-days": "۶۰",
        "lines-2-delay": "day_of_next_month",  # needs a day
    }
    refused = ui.post("/admin/payment-terms", bad, status=422).get_data(as_text=True)
    assert 'data-error="lines-2.day"' in refused
    good = {**bad, "lines-2-delay": "days_after", "early_percent": "۲", "early_days": "۱۰"}
    ui.post("/admin/payment-terms", {**good, "early_tax_mode": "mixed"}, status=302)
    html = ui.get("/admin/payment-terms").get_data(as_text=True)
    found = re.search(r'data-term-id="(\d+)"', html)
    assert found and "نقد و نسیه صفحه" in html
    with uow:
        term = uow.terms.get(int(found.group(1)))
        assert [ln["value"] for ln in term.lines] == ["percent", "balance"]
        assert term.early_discount == {"percent": "2", "days": 10, "tax_mode": "mixed"}
    edit = ui.get(f"/admin/payment-terms/{found.group(1)}").get_data(as_text=True)
    assert 'value="۳۰"' in edit or 'value="30"' in edit


def test_the_invoice_page_and_pdf_show_the_instalments_and_the_discount(
    app: Flask, api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    lines = [{"value": "percent", "amount": "30"}, {"value": "balance", "days": 60}]
    early = {"percent": "2", "days": 10, "tax_mode": "included"}
    body = {"name": "سی درصد صفحه", "lines": lines, "early_discount": early}
    term = api.ok("POST", "/api/v1/payment-terms", body, status=201)
    c = customer(uow, ids, "مشتری صفحه اقساط", payment_term_id=term["id"])
    line = {"product_id": ids["desk"], "quantity": "1", "unit_price": "1000000"}
    inv = posted(api, {"type": "sales_invoice", "contact_id": c, "lines": [line]})
    ui = UiClient(app, "admin")
    html = ui.get(f"/documents/{inv['id']}").get_data(as_text=True)
    assert 'id="document-installments"' in html and 'id="early-discount"' in html
    assert "۳۲۷٬۰۰۰" in html and "۷۶۳٬۰۰۰" in html  # 30 % and the balance of 1,090,000
    assert "۱۴۰۵/۱۲/۱۰" in html  # 1 March 2027, the first instalment, in the Jalali calendar
    assert not english_words(html), english_words(html)
    printed = ui.get(f"/documents/{inv['id']}/print").get_data(as_text=True)
    assert "اقساط" in printed and "تخفیف پرداخت زودهنگام" in printed
    assert "۱۴۰۶/۰۲/۱۰" in printed  # the balance, 60 days later: 30 April 2027
