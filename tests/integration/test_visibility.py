"""Issue 10 #7: restricted documents (T3.11) leak through no read, and a designer-only
user reads no account.

One rule (engine.repositories.visibility) decides for the document page, the document
list, the process-instance view, the contact page, ledger, balance, account, statements
(JSON, PDF, XLSX, email), payments and messages. Each test failed on 37b3c44.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.services.messaging.files import build_files
from engine.services.messaging.outbox import enqueue_message
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from engine.services.users.roles import update_role
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of
from tests.integration.postings import customer, on_day, pay, posted_invoice
from tests.integration.test_ui_flow import UiClient

DAY = date(2026, 3, 1)
OPENING = Decimal(500)  # the one row every reader sees


@pytest.fixture
def hidden(api: Api, uow: UnitOfWork, ids: dict[str, int]) -> dict[str, Any]:
    """A restricted invoice (1,090 with tax) by the clerk, part paid (90), with a message.

    ``clerk2`` (a clerk: manages contacts, no view_all) may not see the invoice; the
    designer holds design_processes only.
    """
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_view": True})
    create_user(uow, username="clerk2", password="clerk2", roles=["clerk"])
    create_user(uow, username="designer1", password="designer1", roles=["designer"])
    with on_day(DAY):
        contact_id = customer(
            uow, ids, "Visibility Ltd", opening_balance=OPENING, email="v@example.com"
        )
    doc_id = posted_invoice(uow, ids, contact_id, "1000", issued=DAY, due=DAY)
    payment_id = pay(uow, ids, contact_id, "90", {doc_id: "90"}, on=DAY)
    doc = api.ok("GET", f"/api/v1/documents/{doc_id}")
    with uow:
        enqueue_message(
            uow,
            channel="email",
            recipient="v@example.com",
            locale="en",
            context={"number": doc["number"]},
            idempotency_key="visibility-test",
            subject_source="Invoice {{ number }}",
            body_source="Your invoice {{ number }}",
            contact_id=contact_id,
            document_ids=[doc_id],
        )
        uow.commit()
    return {
        "contact": contact_id,
        "doc": doc_id,
        "number": doc["number"],
        "payment": payment_id,
        "instance": doc["process_instance_id"],
    }


def test_issue10_7_process_instance_api_hides_a_restricted_document(
    api: Api, hidden: dict[str, Any]
) -> None:
    """T3.11: GET /api/v1/process-instances/{id} is a 404 to a user who may not see the
    document, as the document itself is; the creator and view-all still read it."""
    path = f"/api/v1/process-instances/{hidden['instance']}"
    assert api.get(path, as_="clerk2").status_code == 404
    assert api.get(path, as_="designer1").status_code == 404
    assert api.get(f"/api/v1/documents/{hidden['doc']}", as_="clerk2").status_code == 404
    for who in ("clerk", "admin", "approver"):
        assert api.ok("GET", path, as_=who)["document_id"] == hidden["doc"]


def _shows(body: Any, hidden: dict[str, Any]) -> bool:
    text = str(body)
    return hidden["number"] in text or f"'document_id': {hidden['doc']}" in text


def test_issue10_7_contact_ledger_and_balance_are_of_visible_rows(
    api: Api, hidden: dict[str, Any]
) -> None:
    """GET /api/v1/contacts/{id}: the hidden invoice and the payment to it are neither
    ledger rows nor part of the balance for clerk2; the creator and admin see all."""
    path = f"/api/v1/contacts/{hidden['contact']}"
    seen = api.ok("GET", path, as_="clerk2")
    assert Decimal(seen["balance"]) == OPENING
    assert [row["kind"] for row in seen["ledger"]] == ["opening"]
    for who in ("clerk", "admin"):
        full = api.ok("GET", path, as_=who)
        assert Decimal(full["balance"]) == OPENING + 1090 - 90
        assert [row["kind"] for row in full["ledger"]] == ["opening", "document", "payment"]


def test_issue10_7_account_and_statement_leave_out_what_is_hidden(
    api: Api, hidden: dict[str, Any]
) -> None:
    """The account (documents, open invoices, payments, totals) and the statement
    (lines, closing, open invoices) of clerk2 hold only what clerk2 may see."""
    base = f"/api/v1/contacts/{hidden['contact']}"
    account = api.ok("GET", f"{base}/account", as_="clerk2")
    assert account["documents"] == [] and account["open_invoices"] == []
    assert account["payments"] == []
    assert Decimal(account["balance"]) == OPENING and Decimal(account["total_due"]) == 0
    assert not _shows(account, hidden)
    statement = api.ok("GET", f"{base}/statement", as_="clerk2")
    assert Decimal(statement["closing"]) == OPENING and not _shows(statement, hidden)
    assert [line["kind"] for line in statement["lines"]] == ["opening"]

    full = api.ok("GET", f"{base}/account", as_="clerk")
    assert [d["id"] for d in full["documents"]] == [hidden["doc"]]
    assert Decimal(full["total_due"]) == 1000 and len(full["payments"]) == 1
    assert Decimal(api.ok("GET", f"{base}/statement")["closing"]) == OPENING + 1000


def _pdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


def test_issue10_7_statement_files_leave_out_what_is_hidden(
    api: Api, hidden: dict[str, Any]
) -> None:
    """The PDF and XLSX statements (one customer and many) follow the same rule."""
    base = f"/api/v1/contacts/{hidden['contact']}"
    many = f"/api/v1/contacts/statements.%s?contact_id={hidden['contact']}&lang=en"
    for path, read in (
        (f"{base}/statement.pdf?lang=en", _pdf_text),
        (f"{base}/statement.xlsx?lang=en", _xlsx_text),
        (many % "pdf", _pdf_text),
        (many % "xlsx", _xlsx_text),
    ):
        response = api.get(path, as_="clerk2")
        assert response.status_code == 200, path
        assert hidden["number"] not in read(response.data), path
        assert hidden["number"] in read(api.get(path, as_="clerk").data), path


def test_issue10_7_an_emailed_statement_is_what_its_sender_sees(
    api: Api, uow: UnitOfWork, hidden: dict[str, Any]
) -> None:
    """clerk2 may email the statement (to any address), so it is built with clerk2's view:
    neither the file nor the amount in the text holds the hidden invoice."""
    message = api.ok(
        "POST",
        f"/api/v1/contacts/{hidden['contact']}/statement/send",
        {"format": "xlsx", "recipient": "clerk2@example.com", "lang": "en"},
        as_="clerk2",
        status=201,
    )
    with uow:
        row = uow.outbox.get(message["id"])
        assert "1,500" not in str(row.context) and "500" in str(row.context)
        (file,) = build_files(uow, specs=row.attachments, invoice_ids=[], locale="en")
    assert hidden["number"] not in _xlsx_text(file.content)


def test_issue10_7_messages_about_a_hidden_document_are_not_listed(
    api: Api, app: Flask, hidden: dict[str, Any]
) -> None:
    """GET /api/v1/messages and the contact page's messages leave out messages about a
    document the reader may not see (their subjects name it)."""
    query = f"/api/v1/messages?contact_id={hidden['contact']}"
    assert api.ok("GET", query, as_="clerk2") == []
    listed = api.ok("GET", "/api/v1/messages", as_="clerk2")
    assert all(hidden["number"] not in (m["subject"] or "") for m in listed)
    assert len(api.ok("GET", query, as_="clerk")) == 1
    assert len(api.ok("GET", query, as_="admin")) == 1


def test_issue10_7_ui_contact_and_instance_pages_hide_the_document(
    app: Flask, hidden: dict[str, Any]
) -> None:
    """The contact page (documents, ledger, payments, messages, balance) and the process
    instance page: nothing of the hidden invoice for clerk2; the creator sees it."""
    page = f"/contacts/{hidden['contact']}"
    other = UiClient(app, "clerk2")
    html = other.get(page).get_data(as_text=True)
    assert hidden["number"] not in html and f"/documents/{hidden['doc']}" not in html
    other.get(f"/process-instances/{hidden['instance']}", status=404)
    creator = UiClient(app, "clerk")
    assert hidden["number"] in creator.get(page).get_data(as_text=True)
    creator.get(f"/process-instances/{hidden['instance']}")


def test_issue10_7_a_designer_reads_no_balance_ledger_payment_or_statement(
    api: Api, hidden: dict[str, Any]
) -> None:
    """A user whose only permission is design_processes gets 403 on every account read
    (404 on single things whose existence is not theirs to learn)."""
    base = f"/api/v1/contacts/{hidden['contact']}"
    for path in (
        base,
        f"{base}/account",
        f"{base}/statement",
        f"{base}/statement.pdf",
        f"{base}/statement.xlsx",
        f"/api/v1/contacts/statements.pdf?contact_id={hidden['contact']}",
        "/api/v1/payments",
        f"/api/v1/payments/{hidden['payment']}",
        "/api/v1/messages",
    ):
        assert api.get(path, as_="designer1").status_code == 403, path


def test_issue10_7_payments_follow_their_documents(api: Api, hidden: dict[str, Any]) -> None:
    """A payment to a hidden invoice is not listed and is a 404 to clerk2."""
    assert all(
        p["id"] != hidden["payment"] for p in api.ok("GET", "/api/v1/payments", as_="clerk2")
    )
    assert api.get(f"/api/v1/payments/{hidden['payment']}", as_="clerk2").status_code == 404
    assert (
        api.ok("GET", f"/api/v1/payments/{hidden['payment']}", as_="accountant")["id"]
        == hidden["payment"]
    )


def test_issue10_7_a_hand_made_reminder_holds_only_visible_invoices(
    api: Api, hidden: dict[str, Any]
) -> None:
    """F5 by clerk2 (follow_up, to an address of their choosing): the hidden invoice is
    not an open invoice of the customer for them, so it is neither listed nor attached."""
    path = f"/api/v1/followups/{hidden['contact']}/send"
    named = api.post(path, {"channels": ["email"], "document_ids": [hidden["doc"]]}, as_="clerk2")
    assert named.status_code == 422 and "document_ids" in named.get_json()["errors"]
    every = api.post(path, {"channels": ["email"]}, as_="clerk2")
    assert every.status_code == 422 and "document_ids" in every.get_json()["errors"]
    assert api.post(path, {"channels": ["email"]}, as_="clerk").status_code == 201


def test_issue10_7_the_contacts_export_balance_is_of_visible_rows(
    api: Api, hidden: dict[str, Any]
) -> None:
    """The contacts CSV's balance column, like the contact page, sums what the reader sees."""

    def balance(who: str) -> Decimal:
        response = api.get("/api/v1/contacts/export.csv", as_=who)
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        (row,) = [r for r in rows if r["name"] == "Visibility Ltd"]
        return Decimal(row["balance"])

    assert balance("clerk2") == OPENING
    assert balance("admin") == OPENING + 1000


def test_issue10_7_one_rule_for_the_list_the_page_and_the_cartable(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """T3.11, one rule: a user who may work a restricted document's open step (it is in
    their cartable) sees it in the list as on its page; once the step is done, neither.
    Before, the list ignored the step's holder while the page honoured it."""
    # The approval lane names the approver role (issue 12 §2): here it may not view all.
    update_role(uow, code="approver", permissions=["approve"], actor_id=ids["admin"])
    create_user(uow, username="approver2", password="approver2", roles=["approver"])
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_view": True})
    doc = i7_invoice(api, ids)
    listed = lambda: [d["id"] for d in api.ok("GET", "/api/v1/documents", as_="approver2")]  # noqa: E731
    assert api.get(f"/api/v1/documents/{doc['id']}", as_="approver2").status_code == 404
    assert doc["id"] not in listed()
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver2")
    assert api.get(f"/api/v1/documents/{doc['id']}", as_="approver2").status_code == 200
    assert doc["id"] in listed()
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver2")
    assert api.get(f"/api/v1/documents/{doc['id']}", as_="approver2").status_code == 404
    assert doc["id"] not in listed()
