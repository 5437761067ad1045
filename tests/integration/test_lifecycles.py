"""Whole lifecycles through the API: quote to invoice, cancellation reversals, bounced
cheques, document-type settings (SPEC Q1-Q3, I4, I6, I10, T1, T3.8-T3.11, P7)."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from engine import clock
from engine.services.processes._runs import BPMN_DIR
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, i7_invoice, task_of


def stock(api: Api, product_id: int) -> tuple[str, str]:
    product = api.ok("GET", f"/api/v1/products/{product_id}")
    return product["on_hand"], product["reserved"]


def test_quote_to_order_to_delivery_to_posted_invoice(api: Api, ids: dict[str, int]) -> None:
    """Q1-Q3, I4, T1: a quote reserves stock and makes no debt; delivery makes the draft
    invoice, which walks both cartables; posting moves the stock and releases the reserve."""
    body = {
        "type": "sales_quote",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "2", "unit_price": "90000000"}],
    }
    quote = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    quote = api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")
    assert stock(api, ids["desk"]) == ("20", "2")
    assert api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")["balance"] == "0"

    order = api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    assert order["state"] == "confirmed", order["state"]
    api.ok("POST", f"/api/v1/documents/{quote['id']}/deliver", as_="admin")

    invoices = api.ok("GET", f"/api/v1/documents?type=sales_invoice&contact_id={ids['sameri']}")
    [invoice] = [d for d in invoices if d["source_id"] == quote["id"]]
    assert invoice["state"] == "awaiting_approval"
    assert invoice["totals"]["total"] == "196200000"
    task = task_of(api, invoice["id"], "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    task = task_of(api, invoice["id"], "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="numberer")

    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "posted"
    assert stock(api, ids["desk"]) == ("18", "0")
    assert api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")["balance"] == "196200000"
    instance = api.ok("GET", f"/api/v1/process-instances/{quote['process_instance_id']}")
    assert instance["state"] == "completed", instance
    assert "confirm_quote" in instance["path"] and "deliver_order" in instance["path"]


def test_cancelling_a_posted_invoice_reverses_the_ledger_and_the_stock(
    api: Api, ids: dict[str, int]
) -> None:
    """I10: cancellation writes reversing rows; balances and stock follow."""
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    assert stock(api, ids["desk"])[0] == "19"

    cancelled = api.ok(
        "POST", f"/api/v1/documents/{invoice['id']}/cancel", {"reason": "duplicate"}, as_="admin"
    )

    assert cancelled["state"] == "cancelled"
    assert cancelled["number"] == invoice["number"], "a number, once taken, stays (gapless)"
    contact = api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")
    assert contact["balance"] == "0"
    kinds = [line["kind"] for line in contact["ledger"]]
    assert len(kinds) == 2, contact["ledger"]
    assert stock(api, ids["desk"])[0] == "20"
    history = api.ok("GET", f"/api/v1/documents/{invoice['id']}/history")
    assert any(e["action"] == "cancelled" and e["comment"] == "duplicate" for e in history)


def test_cancelling_while_in_a_cartable_removes_the_task(api: Api, ids: dict[str, int]) -> None:
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task_of(api, doc["id"], "approval", "approver")

    api.ok("POST", f"/api/v1/documents/{doc['id']}/cancel", {}, as_="admin")

    tasks = api.ok("GET", "/api/v1/tasks?cartable=approval", as_="approver")
    assert all(t["document_id"] != doc["id"] for t in tasks)


def test_a_bounced_cheque_reopens_what_it_paid(api: Api, ids: dict[str, int]) -> None:
    """I6: a cheque has a due date and a state; bounced reopens the invoice it paid."""
    invoice = approve_and_number(api, i7_invoice(api, ids)["id"])
    cheque = api.ok(
        "POST",
        "/api/v1/payments",
        {
            "contact_id": ids["sameri"],
            "amount": "98100000",
            "method": "cheque",
            "cheque_number": "123456",
            "cheque_due_date": "2026-12-30",
            "allocations": [{"document_id": invoice["id"], "amount": "98100000"}],
        },
        as_="accountant",
        status=201,
    )
    assert cheque["cheque_state"] == "received"
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "paid"

    path = f"/api/v1/payments/{cheque['id']}/cheque-state"
    api.ok("POST", path, {"state": "deposited"}, as_="accountant")
    bounced = api.ok("POST", path, {"state": "bounced"}, as_="accountant")

    assert bounced["cheque_state"] == "bounced"
    reopened = api.ok("GET", f"/api/v1/documents/{invoice['id']}")
    assert reopened["state"] == "posted" and reopened["open_amount"] == "98100000"
    assert api.ok("GET", f"/api/v1/contacts/{ids['sameri']}")["balance"] == "98100000"
    again = api.post(path, {"state": "cleared"}, as_="accountant")
    assert again.status_code in (409, 422), "a bounced cheque cannot clear"


def test_document_type_settings_are_validated_and_take_effect(
    api: Api, ids: dict[str, int]
) -> None:
    """T3: tax/levy percent, numbering pattern, code rules; a bad value names its field."""
    bad = api.patch("/api/v1/document-types/sales_invoice", {"tax_percent": "-1"})
    assert bad.status_code == 422 and "tax_percent" in field_errors(bad)
    bad = api.patch("/api/v1/document-types/sales_invoice", {"numbering_pattern": "{nope}"})
    assert bad.status_code == 422 and "numbering_pattern" in field_errors(bad)
    refused = api.patch("/api/v1/document-types/sales_invoice", {"tax_percent": "10"}, as_="clerk")
    assert refused.status_code == 403

    api.ok(
        "PATCH",
        "/api/v1/document-types/sales_invoice",
        {"tax_percent": "10", "levy_percent": "۳", "numbering_pattern": "F{year}-{seq:04d}"},
    )
    doc = i7_invoice(api, ids)
    assert doc["totals"]["tax"] == "9000000" and doc["totals"]["levy"] == "2700000"
    posted = approve_and_number(api, doc["id"])
    assert posted["number"] == f"F{clock.business_today().year}-0001", posted["number"]


def test_quantity_decimals_follow_the_type(api: Api, ids: dict[str, int]) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"quantity_decimals": 2})
    body = {
        "type": "sales_invoice",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["chair"], "quantity": "1.255", "unit_price": "1000"}],
    }
    refused = api.post("/api/v1/documents", body, as_="clerk")
    assert refused.status_code == 422
    assert "2" in " ".join(field_errors(refused)["lines[0].quantity"])
    body["lines"][0]["quantity"] = "۱٫۲۵"
    assert api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)["lines"][0][
        "quantity"
    ] in ("1.25", "1.2500")


def test_the_creator_may_edit_only_within_the_window(api: Api, ids: dict[str, int]) -> None:
    """T3.8/T3.9: the creator edits and deletes within N hours; editors are not bound."""
    api.ok(
        "PATCH",
        "/api/v1/document-types/sales_invoice",
        {"editable_hours": 2, "deletable_hours": 1},
    )
    doc = i7_invoice(api, ids)
    path = f"/api/v1/documents/{doc['id']}"
    assert api.patch(path, {"notes": "within"}, as_="clerk").status_code == 200

    with time_machine.travel(clock.now() + _hours(3)):
        late = api.patch(path, {"notes": "late"}, as_="clerk")
        assert late.status_code == 403 and "2 hours" in late.get_json()["message"]
        assert api.call("DELETE", path, "clerk").status_code == 403
        assert api.patch(path, {"notes": "by an editor"}, as_="admin").status_code == 200
    assert api.ok("GET", path)["notes"] == "by an editor"


def test_restricted_view_hides_the_document_from_others(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """T3.11: only the creator and the user holding the step see it (and, by design,
    holders of the view-all permission such as auditors)."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_view": True})
    create_user(uow, username="clerk2", password="clerk2-pass", roles=["clerk"])
    doc = i7_invoice(api, ids)
    assert api.get(f"/api/v1/documents/{doc['id']}", as_="clerk2").status_code in (403, 404)
    listed = api.ok("GET", "/api/v1/documents", as_="clerk2")
    assert all(d["id"] != doc["id"] for d in listed)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    assert api.get(f"/api/v1/documents/{doc['id']}", as_="approver").status_code == 200


def test_edit_restricted_to_the_step_holder(api: Api, ids: dict[str, int]) -> None:
    """T3.10: while in a cartable only the holder of the step may edit, not the creator."""
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"restrict_edit_to_workflow": True})
    doc = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    path = f"/api/v1/documents/{doc['id']}"
    assert api.patch(path, {"notes": "creator"}, as_="clerk").status_code == 403
    assert api.patch(path, {"notes": "approver"}, as_="approver").status_code == 200


def _hours(n: int) -> timedelta:
    return timedelta(hours=n)


def test_a_redeployed_approval_process_reaches_new_quotes_but_not_running_ones(
    api: Api, uow: UnitOfWork
) -> None:
    """C3 and ARCHITECTURE §5: versions are stored; running instances keep theirs; the
    quote process calls the newest approval process (latest binding)."""
    xml = (
        (BPMN_DIR / "document_approval.bpmn")
        .read_bytes()
        .replace(b'name="Document approval"', b'name="Document approval, second edition"')
    )
    response = api.call(
        "POST",
        "/api/v1/processes/document_approval/versions",
        "admin",
        data=xml,
        content_type="application/xml",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    with uow:
        quote = uow.processes.latest_version("quote_to_invoice")
        assert quote.version == 2 and quote.comment == "follows document_approval"
        assert quote.bpmn_files["document_approval.bpmn"] == xml.decode()

    again = api.call(
        "POST",
        "/api/v1/processes/quote_to_invoice/versions",
        "admin",
        data=(BPMN_DIR / "quote_to_invoice.bpmn").read_bytes(),
        content_type="application/xml",
    )
    assert again.status_code == 201, again.get_json()
    body = again.get_json()
    assert (body["version"], body["created"]) == (2, False), "resolved the stored approval"
    assert (
        api.call(
            "POST",
            "/api/v1/processes/quote_to_invoice/versions",
            "clerk",
            data=xml,
            content_type="application/xml",
        ).status_code
        == 403
    )
