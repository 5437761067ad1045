"""Credit exposure (issue 14 §5): open receivables + confirmed orders not yet invoiced,
checked at confirm, deliver, submit and post; an edit counts only its change; a sale
paid up front is not a credit sale; "refuse" or "approve" per document type.

Tax is set to 0 so the worked examples read in round amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, task_of
from tests.integration.test_instance_data import ready_data
from tests.integration.test_ui_flow import UiClient


@pytest.fixture(autouse=True)
def no_tax(api: Api) -> None:
    for code in ("sales_invoice", "sales_quote"):
        api.ok("PATCH", f"/api/v1/document-types/{code}", {"tax_percent": "0"})


def customer(api: Api, limit: str | None, opening: str = "0") -> int:
    body = {"name": "مشتری اعتباری", "kind": "customer", "credit_limit": limit}
    body["opening_balance"] = opening
    return int(api.ok("POST", "/api/v1/contacts", body, status=201)["id"])


def body(ids: dict[str, int], contact: int, amount: str, kind: str = "sales_invoice") -> Any:
    return {
        "type": kind,
        "contact_id": contact,
        "lines": [{"product_id": ids["chair"], "quantity": "1", "unit_price": amount}],
    }


def invoice(api: Api, ids: dict[str, int], contact: int, amount: str) -> Any:
    return api.post("/api/v1/documents", body(ids, contact, amount), as_="clerk")


def confirmed_order(api: Api, ids: dict[str, int], contact: int, amount: str) -> int:
    quote = api.ok(
        "POST", "/api/v1/documents", body(ids, contact, amount, "sales_quote"), "clerk", 201
    )
    api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    return int(quote["id"])


def refused_message(response: Any) -> str:
    assert response.status_code == 422, response.get_json()
    return " ".join(field_errors(response)["credit_limit"])


def test_a_confirmed_order_counts_toward_the_limit(api: Api, ids: dict[str, int]) -> None:
    """Limit 1,000,000, 600,000 open, an order of 300,000: 200,000 more is refused,
    100,000 passes."""
    contact = customer(api, "1000000", opening="600000")
    confirmed_order(api, ids, contact, "300000")

    message = refused_message(invoice(api, ids, contact, "200000"))
    passed = invoice(api, ids, contact, "100000")

    assert "credit limit 1,000,000" in message and "exposure 1,100,000" in message, message
    assert passed.status_code == 201, passed.get_json()
    api.ok("POST", f"/api/v1/documents/{passed.get_json()['id']}/submit", as_="clerk")


def test_the_invoice_made_from_an_order_is_not_counted_twice(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "1000000", opening="600000")
    order = confirmed_order(api, ids, contact, "300000")
    small = invoice(api, ids, contact, "100000").get_json()
    approve_and_number(api, small["id"])  # exposure now exactly 1,000,000

    api.ok("POST", f"/api/v1/documents/{order}/deliver", as_="admin")  # makes its invoice
    made = [
        d
        for d in api.ok("GET", f"/api/v1/documents?type=sales_invoice&contact_id={contact}")
        if d["source_id"] == order
    ][0]
    for cartable, user in (("approval", "approver"), ("numbering", "numberer")):
        task = task_of(api, made["id"], cartable, user)
        api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_=user)

    assert api.ok("GET", f"/api/v1/documents/{made['id']}")["state"] == "posted"
    assert api.ok("GET", f"/api/v1/contacts/{contact}")["balance"] == "1000000"
    refused_message(invoice(api, ids, contact, "1"))  # the order no longer counts ...
    api.ok("PATCH", f"/api/v1/contacts/{contact}", {"credit_limit": "1000001"})
    assert invoice(api, ids, contact, "1").status_code == 201  # ... nor twice


def test_editing_a_posted_invoice_counts_only_its_change(api: Api, ids: dict[str, int]) -> None:
    """500,000 posted, 440,000 other open, limit 1,000,000: to 550,000 is +50,000 (990,000)."""
    contact = customer(api, "1000000", opening="440000")
    posted = approve_and_number(api, invoice(api, ids, contact, "500000").get_json()["id"])
    lines = lambda amount: {  # noqa: E731
        "lines": [{"product_id": ids["chair"], "quantity": "1", "unit_price": amount}]
    }

    too_much = api.patch(f"/api/v1/documents/{posted['id']}", lines("570000"))
    edited = api.patch(f"/api/v1/documents/{posted['id']}", lines("550000"))

    assert "exposure 1,010,000" in refused_message(too_much)
    assert edited.status_code == 200, edited.get_json()
    assert api.ok("GET", f"/api/v1/documents/{posted['id']}")["totals"]["total"] == "550000"


def test_a_sale_paid_up_front_passes_a_zero_limit(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "0")
    api.ok(
        "POST",
        "/api/v1/payments",
        {"contact_id": contact, "amount": "100000", "method": "bank"},
        status=201,
    )

    over = invoice(api, ids, contact, "100001")
    paid_up_front = invoice(api, ids, contact, "100000")

    assert "credit limit 0" in refused_message(over)
    assert paid_up_front.status_code == 201, paid_up_front.get_json()
    assert approve_and_number(api, paid_up_front.get_json()["id"])["state"] in ("posted", "paid")


def test_a_zero_limit_refuses_a_credit_sale(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "0")
    assert "credit limit 0" in refused_message(invoice(api, ids, contact, "1"))


def test_confirming_an_order_past_the_limit_is_refused(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "250000")
    quote = api.ok(
        "POST", "/api/v1/documents", body(ids, contact, "300000", "sales_quote"), "clerk", 201
    )
    api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")

    response = api.post(f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")

    assert "exposure 300,000" in refused_message(response)
    assert api.ok("GET", f"/api/v1/documents/{quote['id']}")["state"] == "posted"


def test_delivering_to_a_customer_past_the_limit_is_refused(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "1000000")
    order = confirmed_order(api, ids, contact, "300000")
    api.ok("PATCH", f"/api/v1/contacts/{contact}", {"credit_limit": "200000"})

    response = api.post(f"/api/v1/documents/{order}/deliver", as_="admin")

    assert "exposure 300,000" in refused_message(response)
    assert api.ok("GET", f"/api/v1/documents/{order}")["state"] == "confirmed"


def test_unlimited_credit_is_never_refused(api: Api, ids: dict[str, int]) -> None:
    contact = customer(api, "", opening="999999999999")
    assert invoice(api, ids, contact, "999999999").status_code == 201


def test_approve_mode_routes_a_breach_to_credit_approval(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"credit_breach": "approve"})
    contact = customer(api, "100000", opening="50000")
    created = invoice(api, ids, contact, "80000")
    assert created.status_code == 201, created.get_json()

    submitted = api.ok("POST", f"/api/v1/documents/{created.get_json()['id']}/submit", as_="clerk")
    task = task_of(api, submitted["id"], "approval", "approver")
    data = ready_data(uow, task["instance_id"])

    assert task["element_id"] == "approve_credit"
    assert (data["credit_breach"], data["exposure"], data["credit_limit"]) == (
        True,
        Decimal(130000),
        Decimal(100000),
    )
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    assert task_of(api, submitted["id"], "approval", "approver")["element_id"] == "approve_document"


def test_approve_mode_lets_a_sale_within_the_limit_skip_credit_approval(
    api: Api, ids: dict[str, int]
) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"credit_breach": "approve"})
    contact = customer(api, "100000")
    doc = invoice(api, ids, contact, "80000").get_json()
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")

    assert task_of(api, doc["id"], "approval", "approver")["element_id"] == "approve_document"


def test_a_rejected_credit_approval_returns_the_draft(api: Api, ids: dict[str, int]) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"credit_breach": "approve"})
    contact = customer(api, "100")
    doc = invoice(api, ids, contact, "80000").get_json()
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    api.ok(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        {"decision": "reject", "comment": "بدهی زیاد"},
        as_="approver",
    )

    assert api.ok("GET", f"/api/v1/documents/{doc['id']}")["state"] == "draft"


def test_a_bad_credit_breach_setting_is_refused(api: Api) -> None:
    response = api.patch("/api/v1/document-types/sales_invoice", {"credit_breach": "maybe"})

    assert response.status_code == 422
    assert "credit_breach" in field_errors(response)
    assert api.ok("GET", "/api/v1/document-types/sales_invoice")["credit_breach"] == "refuse"


def test_the_contact_shows_its_limit_exposure_and_available_credit(
    api: Api, ids: dict[str, int]
) -> None:
    """Limit 1,000,000, 600,000 owed, an order of 300,000: exposure 900,000, 100,000 left."""
    contact = customer(api, "1000000", opening="600000")
    confirmed_order(api, ids, contact, "300000")
    unlimited = customer(api, "", opening="5")

    shown = api.ok("GET", f"/api/v1/contacts/{contact}")
    free = api.ok("GET", f"/api/v1/contacts/{unlimited}")

    assert (shown["credit_limit"], shown["exposure"], shown["available_credit"]) == (
        "1000000",
        "900000",
        "100000",
    )
    assert (free["credit_limit"], free["exposure"], free["available_credit"]) == (None, "5", None)


def test_the_credit_approval_task_shows_the_exposure_and_the_ageing(
    app: Flask, api: Api, ids: dict[str, int]
) -> None:
    """50,000 posted and not yet due, 80,000 submitted past a limit of 100,000: the task
    shows the exposure it was opened with, the exposure now and the customer's ageing."""
    contact = customer(api, "1000000")
    approve_and_number(api, invoice(api, ids, contact, "50000").get_json()["id"])
    api.ok("PATCH", f"/api/v1/contacts/{contact}", {"credit_limit": "100000"})
    api.ok("PATCH", "/api/v1/document-types/sales_invoice", {"credit_breach": "approve"})
    doc = invoice(api, ids, contact, "80000").get_json()
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    credit = api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="approver")["credit"]
    page = UiClient(app, "approver").get(f"/tasks/{task['id']}").get_data(as_text=True)

    assert (credit["exposure"], credit["credit_limit"], credit["exposure_now"]) == (
        "130000",
        "100000",
        "130000",
    )
    assert credit["available_credit"] == "0"
    assert credit["ageing"]["current"] == "50000" and credit["ageing"]["90+"] == "0"
    assert 'id="task-ageing"' in page and "۵۰٬۰۰۰" in page  # Persian digits, fa default


def test_a_task_without_a_breach_has_no_credit(api: Api, ids: dict[str, int]) -> None:
    doc = invoice(api, ids, customer(api, ""), "1000").get_json()
    api.ok("POST", f"/api/v1/documents/{doc['id']}/submit", as_="clerk")
    task = task_of(api, doc["id"], "approval", "approver")

    assert api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="approver")["credit"] is None


def test_approve_mode_routes_a_confirmation_past_the_limit_to_credit_approval(
    api: Api, ids: dict[str, int]
) -> None:
    """Issue 14 §5: the quote type says "approve": confirming 300,000 for a customer
    with a limit of 250,000 waits in the credit_approval cartable; approved, it is an order."""
    api.ok("PATCH", "/api/v1/document-types/sales_quote", {"credit_breach": "approve"})
    contact = customer(api, "250000")
    quote = api.ok(
        "POST", "/api/v1/documents", body(ids, contact, "300000", "sales_quote"), "clerk", 201
    )
    api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")

    api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    task = task_of(api, quote["id"], "credit_approval", "approver")
    credit = api.ok("GET", f"/api/v1/tasks/{task['id']}", as_="approver")["credit"]

    assert task["element_id"] == "approve_order_credit"
    assert (credit["exposure"], credit["credit_limit"]) == ("300000", "250000")
    assert api.ok("GET", f"/api/v1/documents/{quote['id']}")["state"] == "posted"
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")
    assert api.ok("GET", f"/api/v1/documents/{quote['id']}")["state"] == "confirmed"


def test_approve_mode_routes_a_delivery_past_the_limit_and_a_rejection_holds_the_goods(
    api: Api, ids: dict[str, int]
) -> None:
    api.ok("PATCH", "/api/v1/document-types/sales_quote", {"credit_breach": "approve"})
    contact = customer(api, "1000000")
    order = confirmed_order(api, ids, contact, "300000")
    api.ok("PATCH", f"/api/v1/contacts/{contact}", {"credit_limit": "200000"})

    api.ok("POST", f"/api/v1/documents/{order}/deliver", as_="admin")
    task = task_of(api, order, "credit_approval", "approver")
    api.ok(
        "POST",
        f"/api/v1/tasks/{task['id']}/complete",
        {"decision": "reject", "comment": "اول تسویه"},
        as_="approver",
    )

    assert task["element_id"] == "approve_delivery_credit"
    assert api.ok("GET", f"/api/v1/documents/{order}")["state"] == "confirmed"
    assert task_of(api, order, "warehouse", "clerk")["element_id"] == "deliver_order"
