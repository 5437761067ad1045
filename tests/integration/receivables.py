"""Steps the receivables tests share (issue 14): post a document through its cartables,
read a document's open amount and a contact's balance, count what a refusal must not write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from engine.models.documents import Document
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api

POSTED = ("posted", "partially_paid", "paid")  # a return is applied as it posts
LANE_USER = {"approval": "approver", "numbering": "numberer"}


def posted(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    """Create a document, submit it, walk its cartables; return it posted."""
    doc = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    for _ in range(3):
        doc = api.ok("GET", f"/api/v1/documents/{doc['id']}")
        if doc["state"] in POSTED:
            break
        task = doc["open_tasks"][0]
        user = LANE_USER[task["cartable"]]
        api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_=user)
    assert doc["state"] in POSTED, doc
    return doc


def invoice(api: Api, contact_id: int, product_id: int, qty: str = "10", price: str = "100") -> Any:
    """Post a sales invoice of one line (9% tax: 10 × 100 → 1,090)."""
    line = {"product_id": product_id, "quantity": qty, "unit_price": price}
    return posted(api, {"type": "sales_invoice", "contact_id": contact_id, "lines": [line]})


def sales_return(api: Api, source: dict[str, Any], qty: str, **typed: str) -> Any:
    """Post a return of ``qty`` of the invoice's first line (``typed`` fields are ignored)."""
    line = {"source_line_id": source["lines"][0]["id"], "quantity": qty, **typed}
    body = {
        "type": "sales_return",
        "contact_id": source["contact_id"],
        "source_id": source["id"],
        "lines": [line],
    }
    return posted(api, body)


def pay(api: Api, contact_id: int, amount: str, to: dict[int, str], **extra: Any) -> Any:
    """Record a bank payment allocated as given; return it."""
    body = {
        "contact_id": contact_id,
        "amount": amount,
        "method": "bank",
        "allocations": [{"document_id": d, "amount": a} for d, a in to.items()],
        **extra,
    }
    return api.ok("POST", "/api/v1/payments", body, as_="accountant", status=201)


def open_of(api: Api, document_id: int) -> Decimal:
    return Decimal(api.ok("GET", f"/api/v1/documents/{document_id}")["open_amount"])


def balance(api: Api, contact_id: int) -> Decimal:
    return Decimal(api.ok("GET", f"/api/v1/contacts/{contact_id}")["balance"] or 0)


def unallocated(api: Api, payment_id: int) -> Decimal:
    return Decimal(api.ok("GET", f"/api/v1/payments/{payment_id}")["unallocated"])


def counts(uow: UnitOfWork) -> dict[str, int]:
    """Row counts (and the sum of what is paid) a refused command must leave unchanged."""
    with uow:
        out = {
            model.__name__: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Document, LedgerEntry, Payment, PaymentAllocation)
        }
        out["paid"] = int(uow.session.scalar(select(func.sum(Document.paid))) or 0)
        return out
