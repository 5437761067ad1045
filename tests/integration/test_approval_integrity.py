"""What an approver approved is what gets posted (issue 10 #2; SPEC I2, I8, T3.10, T3.17).

A document that has left draft may still be edited by the rules of T3.8 and T3.10, but a
change of its content sends it back through approval: the open steps close, and whoever
was about to decide on the old content gets a 409. Cartable rows follow every edit.
"""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice, task_of

APPROVE = {"decision": "approve"}


def submit_and_approve(api: Api, document_id: int) -> dict[str, Any]:
    """Submit and approve; return the numbering task now waiting."""
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    task = task_of(api, document_id, "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="approver")
    return task_of(api, document_id, "numbering", "numberer")


def reprice(api: Api, ids: dict[str, int], document_id: int, price: str, as_: str = "clerk") -> Any:
    lines = [{"product_id": ids["desk"], "quantity": "1", "unit_price": price}]
    return api.ok("PATCH", f"/api/v1/documents/{document_id}", {"lines": lines}, as_=as_)


def test_an_approved_invoice_repriced_before_numbering_is_not_posted_unapproved(
    api: Api, ids: dict[str, int]
) -> None:
    """The sweep's reproduction: approved at 1,090, changed to 1,090,000, then numbered."""
    doc = i7_invoice(api, ids)
    reprice(api, ids, doc["id"], "1000")
    numbering = submit_and_approve(api, doc["id"])
    assert numbering["amount"] == "1090"

    edited = reprice(api, ids, doc["id"], "1000000")

    assert edited["state"] == "awaiting_approval"
    stale = api.post(f"/api/v1/tasks/{numbering['id']}/complete", APPROVE, as_="numberer")
    assert stale.status_code == 409, stale.get_json()
    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "awaiting_approval"
    numbering_cartable = api.ok("GET", "/api/v1/tasks?cartable=numbering", as_="numberer")
    assert all(t["document_id"] != doc["id"] for t in numbering_cartable)
    again = task_of(api, doc["id"], "approval", "approver")
    assert again["amount"] == "1090000"
    history = [e["action"] for e in api.ok("GET", f"/api/v1/documents/{doc['id']}/history")]
    assert history.count("approved") == 1 and "returned_to_approval" in history


def test_the_new_content_posts_once_approved_again(api: Api, ids: dict[str, int]) -> None:
    doc = i7_invoice(api, ids)
    submit_and_approve(api, doc["id"])
    reprice(api, ids, doc["id"], "1000000")

    task = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="approver")
    task = task_of(api, doc["id"], "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="numberer")

    posted = api.ok("GET", f"/api/v1/documents/{doc['id']}")
    assert (posted["state"], posted["totals"]["total"]) == ("posted", "1090000")
    assert api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")["balance"] == "1090000"


def test_an_edit_while_awaiting_approval_closes_the_step_decided_on_the_old_content(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    seen = task_of(api, doc["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{seen['id']}/claim", as_="approver")

    reprice(api, ids, doc["id"], "2000")

    late = api.post(f"/api/v1/tasks/{seen['id']}/complete", APPROVE, as_="approver")
    assert late.status_code == 409, late.get_json()
    fresh = task_of(api, doc["id"], "approval", "approver")
    assert fresh["id"] != seen["id"] and fresh["amount"] == "2180"


def test_a_notes_only_edit_keeps_the_approval(api: Api, ids: dict[str, int]) -> None:
    doc = i7_invoice(api, ids)
    numbering = submit_and_approve(api, doc["id"])

    api.ok("PATCH", f"/api/v1/documents/{doc['id']}", {"notes": "call first"}, as_="clerk")

    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "awaiting_numbering"
    assert task_of(api, doc["id"], "numbering", "numberer")["id"] == numbering["id"]


def test_an_edit_by_the_step_holder_also_goes_back_to_approval(
    api: Api, ids: dict[str, int]
) -> None:
    """T3.10: the numberer holds the step and may edit, but not past the approver."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_edit_to_workflow": True})
    doc = i7_invoice(api, ids)
    submit_and_approve(api, doc["id"])

    edited = reprice(api, ids, doc["id"], "5", as_="numberer")

    assert edited["state"] == "awaiting_approval"
    assert task_of(api, doc["id"], "approval", "approver")["amount"] == "5"


def test_cartable_rows_follow_an_edit_of_a_rejected_draft(api: Api, ids: dict[str, int]) -> None:
    """The author's revise step shows the document as it is now."""
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")
    rejection = {"decision": "reject", "comment": "wrong price"}
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", rejection, as_="approver")

    reprice(api, ids, doc["id"], "3000")

    revise = api.ok("GET", "/api/v1/tasks", as_="clerk")
    [row] = [t for t in revise if t["document_id"] == doc["id"]]
    assert row["amount"] == "3270"


def test_an_invoice_made_by_a_quote_goes_back_to_approval_inside_the_quote_flow(
    api: Api, ids: dict[str, int]
) -> None:
    """The invoice's approval runs as a call activity of quote_to_invoice; only that
    approval starts again, and the quote's flow goes on to its end afterwards."""
    body = {
        "type": "sales_quote",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "1000"}],
    }
    quote = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    quote = api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/deliver", as_="admin")
    invoices = api.ok("GET", f"/api/v1/documents?type=sales_invoice&contact_id={ids['sameri']}")
    [invoice] = [d for d in invoices if d["source_id"] == quote["id"]]
    task = task_of(api, invoice["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="approver")

    reprice(api, ids, invoice["id"], "999", as_="admin")

    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "awaiting_approval"
    task = task_of(api, invoice["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="approver")
    task = task_of(api, invoice["id"], "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", APPROVE, as_="numberer")
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["totals"]["total"] == "1089"
    instance = api.ok("GET", f"/api/v1/process-instances/{quote['process_instance_id']}")
    assert instance["state"] == "completed", instance


def test_a_patch_without_due_date_keeps_a_due_date_set_by_hand(
    api: Api, ids: dict[str, int]
) -> None:
    doc = i7_invoice(api, ids, due_date="2030-01-31")

    edited = api.ok("PATCH", f"/api/v1/documents/{doc['id']}", {"notes": "x"}, as_="clerk")

    assert edited["due_date"] == "2030-01-31"
