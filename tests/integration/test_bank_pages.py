"""The bank statement pages in Persian (SPEC F2, E1, issue 14 §7): upload a CAMT.053
file, review its lines right to left with the exact proposal first, confirm it, and a
bad file is refused on the page naming its line, with nothing imported."""

from __future__ import annotations

import io

from flask import Flask

from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, i7_invoice
from tests.integration.test_bank_statements import HEADER, account, camt
from tests.integration.test_ui_flow import UiClient


def test_upload_review_and_confirm_in_persian(app: Flask, api: Api, ids: dict[str, int]) -> None:
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    account_id = account(api)
    ui = UiClient(app, "accountant")

    uploaded = ui.post(
        "/bank/statements",
        {
            "bank_account_id": str(account_id),
            "file": (io.BytesIO(camt(invoice["number"])), "s.xml"),
        },
        content_type="multipart/form-data",
        status=302,
    )
    page = ui.get(uploaded.headers["Location"]).get_data(as_text=True)

    assert 'dir="rtl"' in page
    assert "تطبیق کامل" in page and invoice["number"] in page  # "Exact match"
    assert "۹۸٬۱۰۰٬۰۰۰" in page  # the amount in Persian digits
    statement_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    line_id = api.ok("GET", f"/api/v1/bank-statements/{statement_id}", as_="accountant")["lines"][
        0
    ]["id"]
    ui.post(
        f"/bank/lines/{line_id}/match",
        {"document_id": str(invoice["id"]), "statement_id": str(statement_id)},
        status=302,
    )
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "paid"


def test_a_bad_file_is_refused_on_the_page(app: Flask, api: Api) -> None:
    account_id = account(api)
    ui = UiClient(app, "accountant")
    content = (HEADER + "1405/09/02;صد;;;;;\n").encode()

    response = ui.post(
        "/bank/statements",
        {"bank_account_id": str(account_id), "file": (io.BytesIO(content), "melli.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 422
    assert "سطر 2: مبلغ" in response.get_data(as_text=True)  # "Line 2: Amount"
    assert api.ok("GET", "/api/v1/bank-statements", as_="accountant") == []
