"""Pages of reports (I12, E6), contacts (P6, E7, F9) and the print view (I9), signed in
as real users, on real postings."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.postings import ageing_book, customer, posted_invoice
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words


@pytest.fixture
def book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    return ageing_book(uow, ids)


def test_reports_page_shows_the_figures_and_the_chart(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "accountant")
    page = ui.get("/reports?as_of=2026-06-30&from=2026-06-01&to=2026-06-30").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "۴۳٬۷۹۰٬۰۰۰" in page  # unpaid open total, Persian digits and separators
    assert "۳۸٬۳۴۰٬۰۰۰" in page  # overdue
    assert "۱۰٪" in page  # collection percentage in June
    assert 'id="ageing-chart"' in page and "chart.umd.min.js" in page
    assert "مشتری الف" in page
    xlsx = ui.client.get("/reports/ageing.xlsx?as_of=2026-06-30")
    assert xlsx.data[:2] == b"PK"
    pdf = ui.client.get("/reports/followup.pdf?as_of=2026-06-30")
    assert pdf.data.startswith(b"%PDF-")


def test_reports_page_is_refused_to_a_clerk(app: Flask) -> None:
    assert UiClient(app, "clerk").get("/reports", status=None).status_code == 403


def test_jalali_period_on_the_reports_page(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "accountant")
    # 1405/03/11 .. 1405/04/09 is 2026-06-01 .. 2026-06-30
    page = ui.get("/reports?from=۱۴۰۵/۰۳/۱۱&to=1405/04/09&as_of=2026-06-30").get_data(as_text=True)
    assert "۱۰٪" in page


def test_contact_page_pays_the_amount_due_oldest_first(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    c = customer(uow, ids, "مشتری صفحه")
    old = posted_invoice(uow, ids, c, "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31))
    new = posted_invoice(uow, ids, c, "2000000", issued=date(2026, 2, 1), due=date(2026, 3, 1))
    ui = UiClient(app, "accountant")
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert "۳٬۲۷۰٬۰۰۰" in page  # total due 1.09M + 2.18M
    assert 'id="pay-due"' in page
    ui.post(f"/contacts/{c}/pay-due", {"amount": "۲٬۰۰۰٬۰۰۰", "method": "cash"}, status=302)
    with uow:
        assert uow.documents.get(old).state == "paid"
        assert uow.documents.get(new).paid == 910000
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert "۱٬۲۷۰٬۰۰۰" in page
    # A clerk sees the account but is not offered, and is refused, the payment.
    clerk = UiClient(app, "clerk")
    assert 'id="pay-due"' not in clerk.get(f"/contacts/{c}").get_data(as_text=True)
    assert clerk.post(f"/contacts/{c}/pay-due", {"method": "cash"}).status_code == 403
    statement = ui.client.get(f"/contacts/{c}/statement.pdf?from=1404/10/01")
    assert statement.data.startswith(b"%PDF-")


def test_contacts_list_import_errors_by_row_and_column(app: Flask, uow: UnitOfWork) -> None:
    ui = UiClient(app, "clerk")
    page = ui.get("/contacts").get_data(as_text=True)
    assert "علیرضا سامری" in page and 'id="import"' in page
    bad = b"name,kind,email\nOk,customer,\nBad,customer,nope\n"
    response = ui.post(
        "/contacts/import",
        {"file": (io.BytesIO(bad), "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="import-errors"' in html and "<bdi>email</bdi>" in html and ">۳<" in html
    good = b"name,kind\nNew One,customer\n"
    ui.post(
        "/contacts/import",
        {"file": (io.BytesIO(good), "c.csv")},
        content_type="multipart/form-data",
        status=302,
    )
    assert "New One" in ui.get("/contacts?q=New").get_data(as_text=True)
    assert ui.client.get("/contacts/export.xlsx").data[:2] == b"PK"


def test_print_view_and_pdf_of_a_document(app: Flask, uow: UnitOfWork, ids: dict[str, int]) -> None:
    doc = posted_invoice(
        uow, ids, ids["sameri"], "90000000", issued=date(2026, 3, 21), due=date(2026, 4, 20)
    )
    ui = UiClient(app, "clerk")
    html = ui.get(f"/documents/{doc}/print").get_data(as_text=True)
    assert "۹۸٬۱۰۰٬۰۰۰" in html and "۱۴۰۵/۰۱/۰۱" in html and 'dir="rtl"' in html
    english = ui.get(f"/documents/{doc}/print?lang=en").get_data(as_text=True)
    assert "98,100,000" in english and 'dir="ltr"' in english
    assert ui.client.get(f"/documents/{doc}.pdf").data.startswith(b"%PDF-")
    assert f"/documents/{doc}/print" in ui.get(f"/documents/{doc}").get_data(as_text=True)


def test_persian_pages_have_no_english_left(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "admin")
    leftovers = {}
    for path in ("/reports?as_of=2026-06-30", "/contacts", f"/contacts/{book['b']}"):
        html = ui.get(path).get_data(as_text=True)
        found = english_words(html) - {"XLSX", "CSV"}  # file formats, named as such
        if found:
            leftovers[path] = sorted(found)
    assert not leftovers, leftovers
