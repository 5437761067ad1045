"""An invoice's whole life through the API: draft, approval cartable, numbering, posted,
paid (SPEC I2, I3, I5, I7, I8, C1, C2, T3.13-T3.15)."""

from __future__ import annotations

from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of


def test_i7_invoice_totals_exactly_98_100_000_rial(api: Api, ids: dict[str, int]) -> None:
    """SPEC I7: «میز قابل تنظیم» × 1 at 90,000,000 Rial with 9% tax = 98,100,000."""
    doc = i7_invoice(api, ids)
    assert doc["contact_name"] == "علیرضا سامری"
    assert doc["totals"] == {
        "subtotal": "90000000",
        "discount": "0",
        "additions": "0",
        "tax": "8100000",
        "levy": "0",
        "total": "98100000",
    }
    assert doc["state"] == "draft" and doc["number"] is None


def test_invoice_walks_both_cartables_then_posts_with_a_number(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids)
    submitted = api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    assert submitted["state"] == "awaiting_approval"

    task = task_of(api, doc["id"], "approval", "approver")
    assert task["amount"] == "98100000"
    # The task is due when the invoice is: the end of its due day in Tehran, in UTC.
    assert task["due_at"] == f"{doc['due_date']}T20:30:00+00:00"
    api.ok("POST", f"/api/v1/tasks/{task['id']}/claim", as_="approver")
    done = api.ok(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        {"decision": "approve", "comment": "ok"},
        as_="approver",
    )
    assert done["document_state"] == "awaiting_numbering"
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}", as_="clerk")["number"] is None

    task = task_of(api, doc["id"], "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="numberer")

    posted = api.ok("GET", f"/api/v1/documents/{doc['id']}", as_="clerk")
    assert posted["state"] == "posted"
    assert posted["number"].startswith("INV-") and posted["number"].endswith("-00001")
    contact = api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")
    assert contact["balance"] == "98100000"
    product = api.ok("GET", f"/api/v1/products/{ids['desk']}")
    assert product["on_hand"] == "19"


def test_rejection_returns_to_draft_with_the_comment_and_resubmits(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")
    api.ok(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        {"decision": "reject", "comment": "قیمت اشتباه است"},
        as_="approver",
    )
    draft = api.ok("GET", f"/api/v1/documents/{doc['id']}", as_="clerk")
    assert draft["state"] == "draft"
    history = api.ok("GET", f"/api/v1/documents/{doc['id']}/history", as_="clerk")
    assert any(e["action"] == "rejected" and e["comment"] == "قیمت اشتباه است" for e in history)

    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    again = task_of(api, doc["id"], "approval", "approver")
    assert again["id"] != task["id"]


def test_payments_in_instalments_close_the_invoice(api: Api, ids: dict[str, int]) -> None:
    """I5: partial payments in several instalments; paid when the total is reached."""
    doc = i7_invoice(api, ids)
    api.ok(
        "PATCH",
        "/api/v1/document-types/sales_invoice",
        {"requires_approval": False, "requires_numbering": False},
    )
    posted = api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    assert posted["state"] == "posted" and posted["number"]
    first = {
        "contact_id": ids["sameri"],
        "amount": "۴۰٬۰۰۰٬۰۰۰",
        "method": "cash",
        "allocations": [{"document_id": doc["id"], "amount": "40000000"}],
    }
    api.ok("POST", "/api/v1/payments", first, as_="accountant", status=201)
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "partially_paid"
    second = {
        "contact_id": ids["sameri"],
        "amount": "58100000",
        "method": "bank",
        "allocations": [{"document_id": doc["id"], "amount": "58100000"}],
    }
    api.ok("POST", "/api/v1/payments", second, as_="accountant", status=201)
    paid = api.ok("GET", f"/api/v1/documents/{doc['id']}")
    assert paid["state"] == "paid" and paid["open_amount"] == "0"
    assert api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")["balance"] == "0"
