"""The web pages end to end through Flask's test client: the I7 invoice through both
cartables in the Persian UI, with CSRF on as in production (C2, I7, E1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.conftest import Api

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


class UiClient:
    """A signed-in browser session: GETs pages, POSTs forms with the page's CSRF token."""

    def __init__(self, app: Flask, username: str | None = None) -> None:
        self.client: FlaskClient = app.test_client()
        self.token = ""
        if username:
            self.login(username)

    def get(self, path: str, status: int | None = 200, **kw: Any) -> Any:
        response = self.client.get(path, **kw)
        if status is not None:
            assert response.status_code == status, (path, response.status_code)
        # Only pages carry a CSRF token; downloads (PDF, XLSX) are binary.
        found = (
            TOKEN.search(response.get_data(as_text=True))
            if response.mimetype == "text/html"
            else None
        )
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: Any = None, status: int | None = None, **kw: Any) -> Any:
        if not self.token:
            self.get("/login")
        body = dict(data or {})
        body.setdefault("csrf_token", self.token)
        response = self.client.post(path, data=body, **kw)
        if status is not None:
            assert response.status_code == status, (
                path,
                response.status_code,
                response.get_data(as_text=True)[:2000],
            )
        return response

    def login(self, username: str, password: str | None = None) -> Any:
        self.get("/login")
        response = self.post(
            "/login", {"username": username, "password": password or username}, status=302
        )
        self.get("/cartable")  # a new session after sign-in: take its CSRF token
        return response


def i7_form(ids: dict[str, int]) -> dict[str, Any]:
    """The I7 invoice as the Persian form sends it (Persian digits typed by the clerk)."""
    return {
        "type": "sales_invoice",
        "contact_id": str(ids["sameri"]),
        "product_id": [str(ids["desk"])],
        "quantity": ["۱"],
        "unit_price": ["۹۰٬۰۰۰٬۰۰۰"],
        "discount_percent": [""],
    }


def created_id(response: Any) -> int:
    """Return the document id a create redirect points at."""
    found = re.search(r"/documents/(\d+)$", response.headers["Location"])
    assert found, response.headers.get("Location")
    return int(found.group(1))


def task_row(page: str, document_id: int) -> int:
    """Return the task id of the document's row on a cartable page."""
    found = re.search(rf'data-task-id="(\d+)" data-document-id="{document_id}"', page)
    assert found, f"no task row for document {document_id}"
    return int(found.group(1))


@pytest.fixture
def ui(app: Flask) -> Any:
    """Return a factory of signed-in UI clients: ``ui("clerk")``."""
    return lambda username=None: UiClient(app, username)


def test_live_totals_show_i7_total_in_persian_digits(ui: Any, ids: dict[str, int]) -> None:
    clerk = ui("clerk")
    clerk.get("/documents/new?type=sales_invoice")
    page = clerk.post("/documents/totals", i7_form(ids), status=200).get_data(as_text=True)
    assert "۹۸٬۱۰۰٬۰۰۰" in page  # 90,000,000 + 9% tax, from engine/domain/pricing.py
    assert "۸٬۱۰۰٬۰۰۰" in page


def test_i7_invoice_through_both_cartables(ui: Any, ids: dict[str, int], api: Api) -> None:
    clerk, approver, numberer = ui("clerk"), ui("approver"), ui("numberer")
    clerk.get("/documents/new?type=sales_invoice")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    page = clerk.get(f"/documents/{document_id}").get_data(as_text=True)
    assert 'id="submit-document"' in page and "۹۸٬۱۰۰٬۰۰۰" in page
    clerk.post(f"/documents/{document_id}/submit", status=302)

    cartable = approver.get("/cartable?cartable=approval").get_data(as_text=True)
    task_id = task_row(cartable, document_id)
    approver.post(f"/tasks/{task_id}/complete", {"decision": "approve"}, status=302)

    cartable = numberer.get("/cartable?cartable=numbering").get_data(as_text=True)
    task_id = task_row(cartable, document_id)
    numberer.get(f"/tasks/{task_id}")
    numberer.post(f"/tasks/{task_id}/complete", {"decision": "approve"}, status=302)

    body = api.ok("GET", f"/api/v1/documents/{document_id}")
    assert body["state"] == "posted" and body["totals"]["total"] == "98100000"
    page = clerk.get(f"/documents/{document_id}").get_data(as_text=True)
    assert 'id="document-state"' in page and "ثبت شده" in page
    assert body["number"] and "submit-document" not in page


def test_reject_needs_a_comment_and_returns_the_draft(
    ui: Any, ids: dict[str, int], api: Api
) -> None:
    clerk, approver = ui("clerk"), ui("approver")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    task_id = task_row(approver.get("/cartable").get_data(as_text=True), document_id)
    approver.post(f"/tasks/{task_id}/complete", {"decision": "reject"}, status=422)
    approver.post(
        f"/tasks/{task_id}/complete", {"decision": "reject", "comment": "قیمت"}, status=302
    )
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"


def test_bulk_approve_approves_every_selected_row(ui: Any, ids: dict[str, int], api: Api) -> None:
    clerk, approver = ui("clerk"), ui("approver")
    documents = []
    for _ in range(3):
        document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
        clerk.post(f"/documents/{document_id}/submit", status=302)
        documents.append(document_id)
    page = approver.get("/cartable?cartable=approval").get_data(as_text=True)
    tasks = [str(task_row(page, d)) for d in documents[:2]]
    approver.post(
        "/cartable/bulk-approve", {"task_ids": tasks}, status=204, headers={"HX-Request": "true"}
    )
    states = [api.ok("GET", f"/api/v1/documents/{d}")["state"] for d in documents]
    assert states == ["awaiting_numbering", "awaiting_numbering", "awaiting_approval"]


def test_claim_assign_and_saved_filters(ui: Any, ids: dict[str, int], api: Api) -> None:
    clerk, approver, admin = ui("clerk"), ui("approver"), ui("admin")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    task_id = task_row(approver.get("/cartable").get_data(as_text=True), document_id)
    approver.post(f"/tasks/{task_id}/claim", status=302)
    assert (
        api.ok("GET", f"/api/v1/tasks/{task_id}", as_="approver")["assignee_id"] == ids["approver"]
    )
    approver.post(f"/tasks/{task_id}/assign", {"assignee_id": str(ids["admin"])}, status=302)
    assert api.ok("GET", f"/api/v1/tasks/{task_id}")["assignee_id"] == ids["admin"]
    # a clerk cannot work the approval cartable: handing it to them is refused
    admin.get("/cartable")
    admin.post(f"/tasks/{task_id}/assign", {"assignee_id": str(ids["clerk"])}, status=422)

    approver.get("/cartable")
    approver.post(
        "/cartable/filters",
        {"name": "بزرگ", "amount_min": "۵۰٬۰۰۰٬۰۰۰", "sort": "amount"},
        status=302,
    )
    page = approver.get("/cartable").get_data(as_text=True)
    assert "بزرگ" in page and "amount_min=" in page
    assert "بزرگ" not in admin.get("/cartable").get_data(as_text=True)  # per user


def test_cartable_filters_by_amount_and_contact(ui: Any, ids: dict[str, int]) -> None:
    clerk, approver = ui("clerk"), ui("approver")
    document_id = created_id(clerk.post("/documents", i7_form(ids), status=302))
    clerk.post(f"/documents/{document_id}/submit", status=302)
    assert f'data-document-id="{document_id}"' in approver.get(
        "/cartable?amount_min=۹۸۱۰۰۰۰۰&contact=سامری"
    ).get_data(as_text=True)
    assert f'data-document-id="{document_id}"' not in approver.get(
        "/cartable?amount_min=98100001"
    ).get_data(as_text=True)


def test_login_refuses_open_redirect_and_throttles_the_failing_client(ui: Any) -> None:
    """Issue 10 #8: five failures make this client wait (429), with the page's message."""
    client = ui()
    client.get("/login")
    response = client.post(
        "/login", {"username": "clerk", "password": "clerk", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/cartable"
    other = ui()
    other.get("/login")
    for _ in range(5):
        other.post("/login", {"username": "numberer", "password": "wrong"}, status=401)
    page = other.post("/login", {"username": "numberer", "password": "numberer"}, status=429)
    assert "ورود" in page.get_data(as_text=True) and 0 < int(page.headers["Retry-After"]) <= 30


def test_post_without_csrf_token_is_refused(ui: Any, ids: dict[str, int]) -> None:
    clerk = ui("clerk")
    response = clerk.client.post("/documents", data=i7_form(ids))
    assert response.status_code == 400


def test_language_switch_is_remembered_per_user(ui: Any) -> None:
    clerk = ui("clerk")
    clerk.get("/cartable")
    clerk.post("/language", {"lang": "ar", "next": "/cartable"}, status=302)
    again = ui("clerk")  # a new session: the choice comes from the user row
    page = again.get("/cartable").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    again.post("/language", {"lang": "en", "next": "/cartable"}, status=302)
    assert '<html lang="en" dir="ltr">' in again.get("/cartable").get_data(as_text=True)
