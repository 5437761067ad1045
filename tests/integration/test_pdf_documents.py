"""A document's PDF (SPEC I9): Persian by default for a Persian customer, the figures of
the I7 invoice, the view permission of the document (T3.11)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from engine.services.documents.printing import document_print_html
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api


def _i7(api: Api, ids: dict[str, int]) -> dict:  # type: ignore[type-arg]
    body = {
        "type": "sales_invoice",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "90000000"}],
    }
    return api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)  # type: ignore[no-any-return]


def _text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_i7_invoice_pdf_is_persian_with_the_exact_total(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    doc = _i7(api, ids)
    response = api.get(f"/api/v1/documents/{doc['id']}/pdf", as_="clerk")
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = _text(response.data)
    for word in ("علیرضا سامری", "میز قابل تنظیم", "فروشنده", "خریدار"):
        assert word in text, (word, text)
    assert "نود و هشت میلیون و صد هزار" in text
    # Text extraction reverses digit runs inside RTL lines, so the figures are checked
    # in the HTML the PDF is made from: Persian digits, thousands separated.
    html = document_print_html(uow, document_id=doc["id"], actor_id=ids["clerk"])
    assert "۹۸٬۱۰۰٬۰۰۰" in html  # the I7 total, 98,100,000 Rial
    assert "۸٬۱۰۰٬۰۰۰" in html  # the 9% tax


def test_english_pdf_on_request(api: Api, ids: dict[str, int]) -> None:
    doc = _i7(api, ids)
    response = api.get(f"/api/v1/documents/{doc['id']}/pdf?lang=en", as_="clerk")
    text = _text(response.data)
    assert "Seller" in text and "98,100,000" in text
    assert "ninety-eight million one hundred thousand" in text


def test_unknown_language_names_the_field(api: Api, ids: dict[str, int]) -> None:
    doc = _i7(api, ids)
    response = api.get(f"/api/v1/documents/{doc['id']}/pdf?lang=xx", as_="clerk")
    assert response.status_code == 422
    assert "lang" in response.get_json()["errors"]


def test_print_view_dates_are_jalali_for_persian(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    doc = _i7(api, ids)
    api.patch(f"/api/v1/documents/{doc['id']}", {"issue_date": "2026-03-21"}, as_="clerk")
    html = document_print_html(uow, document_id=doc["id"], actor_id=ids["clerk"])
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert "۱۴۰۵/۰۱/۰۱" in html  # 21 March 2026 is 1 Farvardin 1405


def test_restricted_document_pdf_is_hidden_from_other_users(api: Api, ids: dict[str, int]) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_view": True})
    doc = _i7(api, ids)
    assert api.get(f"/api/v1/documents/{doc['id']}/pdf", as_="clerk").status_code == 200
    # A clerk (no view_all) may not see a restricted document someone else created.
    other = api.ok(
        "POST",
        "/api/v1/documents",
        {
            "type": "sales_invoice",
            "contact_id": ids["sameri"],
            "lines": [{"product_id": ids["desk"], "quantity": "1"}],
        },
        as_="admin",
        status=201,
    )
    assert api.get(f"/api/v1/documents/{other['id']}/pdf", as_="clerk").status_code == 404


def test_print_view_shows_quantities_with_the_types_decimals(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """Issue 11 §1, T3.21: a type with 3 quantity decimals prints 1 as ۱٫۰۰۰ (grams)."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"quantity_decimals": 3})
    doc = _i7(api, ids)
    html = document_print_html(uow, document_id=doc["id"], actor_id=ids["clerk"])
    assert "۱٫۰۰۰" in html
    assert "(۹٪)" in html  # the tax percentage, with the Persian percent sign
