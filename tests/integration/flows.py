"""Steps the integration tests share: create the I7 invoice, find and finish cartable tasks."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import Api


def i7_invoice(api: Api, ids: dict[str, int], as_: str = "clerk", **extra: Any) -> dict[str, Any]:
    """Create SPEC I7's draft invoice: «میز قابل تنظیم» × 1 at 90,000,000 Rial."""
    body = {
        "type": "sales_invoice",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "90000000"}],
        **extra,
    }
    return api.ok("POST", "/api/v1/documents", body, as_=as_, status=201)


def task_of(api: Api, document_id: int, cartable: str, as_: str) -> dict[str, Any]:
    """Return the one open task of the document in the user's cartable."""
    tasks = api.ok("GET", f"/api/v1/tasks?cartable={cartable}", as_=as_)
    matching = [t for t in tasks if t["document_id"] == document_id]
    assert len(matching) == 1, tasks
    return matching[0]


def approve_and_number(api: Api, document_id: int) -> dict[str, Any]:
    """Submit, approve in the approval cartable, number; return the posted document."""
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    task = task_of(api, document_id, "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    task = task_of(api, document_id, "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="numberer")
    return api.ok("GET", f"/api/v1/documents/{document_id}")  # type: ignore[no-any-return]


def field_errors(response: Any) -> dict[str, list[str]]:
    """Return the error body's field messages, asserting the one error shape."""
    body = response.get_json()
    assert set(body) >= {"code", "status", "message"}, body
    return body.get("errors") or {}
