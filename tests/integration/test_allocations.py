"""Worked examples of receivables (issue 14 §1, §2): returns against invoice lines,
credit applied and undone, cancelled paid invoices, suppliers paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.services.contacts.records import NewContact, create_contact
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors
from tests.integration.postings import customer, on_day
from tests.integration.receivables import (
    balance,
    counts,
    invoice,
    open_of,
    pay,
    posted,
    sales_return,
    unallocated,
)


def test_partial_return_then_payment_of_the_rest(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "بازگشت جزئی")
    inv = invoice(api, c, ids["desk"])  # 10 × 100 + 9% = 1,090
    # Price and tax come from the invoice line, not from what is typed.
    ret = sales_return(api, inv, "4", unit_price="1000000", discount_percent="50")
    assert Decimal(ret["totals"]["total"]) == Decimal("436")  # 4 × 100 + 9%
    assert open_of(api, inv["id"]) == Decimal("654")
    assert balance(api, c) == Decimal("654")

    pay(api, c, "654", {inv["id"]: "654"})

    assert open_of(api, inv["id"]) == 0
    assert api.ok("GET", f"/api/v1/documents/{inv['id']}")["state"] == "paid"
    assert balance(api, c) == 0


def test_a_return_past_what_is_left_names_the_quantity(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "بازگشت بیش از حد")
    inv = invoice(api, c, ids["desk"])
    sales_return(api, inv, "7")
    before = counts(uow)
    body = {
        "type": "sales_return",
        "contact_id": c,
        "source_id": inv["id"],
        "lines": [{"source_line_id": inv["lines"][0]["id"], "quantity": "4"}],
    }
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422
    assert "3" in " ".join(field_errors(response)["lines[0].quantity"])
    assert counts(uow) == before


def test_overpayment_then_allocation_to_a_later_invoice_and_undo(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "پیش‌پرداخت")
    first = invoice(api, c, ids["desk"])
    payment = pay(api, c, "1500", {first["id"]: "1090"})
    assert unallocated(api, payment["id"]) == Decimal("410")
    assert balance(api, c) == Decimal("-410")
    later = invoice(api, c, ids["desk"])

    made = api.ok(
        "POST",
        "/api/v1/allocations",
        {"source": {"payment_id": payment["id"]}, "document_id": later["id"], "amount": "410"},
        as_="accountant",
        status=201,
    )

    assert open_of(api, later["id"]) == Decimal("680")
    assert unallocated(api, payment["id"]) == 0
    assert balance(api, c) == Decimal("680")
    response = api.call("DELETE", f"/api/v1/allocations/{made['id']}", as_="accountant")
    assert response.status_code == 204
    assert open_of(api, later["id"]) == Decimal("1090")
    assert unallocated(api, payment["id"]) == Decimal("410")
    again = api.call("DELETE", f"/api/v1/allocations/{made['id']}", as_="accountant")
    assert again.status_code == 409


def test_a_return_bigger_than_what_is_open_leaves_credit(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "اعتبار برگشتی")
    inv = invoice(api, c, ids["desk"])
    pay(api, c, "1000", {inv["id"]: "1000"})

    ret = sales_return(api, inv, "4")  # 436, of which 90 is still open

    assert open_of(api, inv["id"]) == 0
    assert open_of(api, ret["id"]) == Decimal("346")  # the credit left on the return
    assert balance(api, c) == Decimal("-346")
    later = invoice(api, c, ids["desk"])
    body = {"source": {"document_id": ret["id"]}, "document_id": later["id"], "amount": "346"}
    api.ok("POST", "/api/v1/allocations", body, as_="accountant", status=201)
    assert open_of(api, later["id"]) == Decimal("744")
    assert balance(api, c) == Decimal("744")


def test_cancelling_a_bank_paid_invoice_leaves_credit_to_allocate(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "ابطال پرداخت‌شده")
    inv = invoice(api, c, ids["desk"])
    payment = pay(api, c, "1090", {inv["id"]: "1090"})

    api.ok("POST", f"/api/v1/documents/{inv['id']}/cancel", {"reason": "wrong"}, as_="admin")

    assert api.ok("GET", f"/api/v1/documents/{inv['id']}")["state"] == "cancelled"
    assert unallocated(api, payment["id"]) == Decimal("1090")
    assert balance(api, c) == Decimal("-1090")
    again = invoice(api, c, ids["desk"])
    body = {"source": {"payment_id": payment["id"]}, "document_id": again["id"], "amount": "1090"}
    api.ok("POST", "/api/v1/allocations", body, as_="accountant", status=201)
    assert api.ok("GET", f"/api/v1/documents/{again['id']}")["state"] == "paid"
    assert balance(api, c) == 0


def test_a_supplier_is_paid_by_an_outgoing_payment(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    cmd = NewContact(name="تامین‌کننده", kind="supplier")
    s = create_contact(uow, cmd, actor_id=ids["admin"])
    line = {"product_id": ids["desk"], "quantity": "10", "unit_price": "100"}
    bill = posted(api, {"type": "purchase_invoice", "contact_id": s, "lines": [line]})
    total = bill["totals"]["total"]
    assert balance(api, s) == -Decimal(total)  # we owe the supplier
    receipt = {"contact_id": s, "amount": total, "method": "bank"}
    refused = api.post(
        "/api/v1/payments",
        {**receipt, "allocations": [{"document_id": bill["id"], "amount": total}]},
        as_="accountant",
    )
    assert "allocations[0].document_id" in field_errors(refused)  # a receipt cannot pay it

    out = pay(api, s, total, {bill["id"]: total}, direction="out")

    assert out["direction"] == "out"
    assert api.ok("GET", f"/api/v1/documents/{bill['id']}")["state"] == "paid"
    assert balance(api, s) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "500"}, "amount"),  # more than the credit left (410)
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.5"}, "amount"),  # the Rial has no decimals
        ({"document": "other"}, "document_id"),  # another contact's invoice
        ({"document": "cancelled"}, "document_id"),
        ({"document": "paid"}, "amount"),  # nothing open on it
        ({"source": {"payment_id": 999999}}, "source.payment_id"),
        ({"source": {}}, "source"),
    ],
)
def test_bad_allocations_name_the_field_and_write_nothing(
    api: Api, ids: dict[str, int], uow: UnitOfWork, change: dict[str, object], field: str
) -> None:
    c = customer(uow, ids, "ورودی نادرست")
    paid_in_full = invoice(api, c, ids["desk"])
    payment = pay(api, c, "1500", {paid_in_full["id"]: "1090"})  # 410 left
    targets = {
        "open": invoice(api, c, ids["desk"]),
        "other": invoice(api, customer(uow, ids, "دیگری"), ids["desk"]),
        "cancelled": invoice(api, c, ids["desk"]),
        "paid": paid_in_full,
    }
    api.ok("POST", f"/api/v1/documents/{targets['cancelled']['id']}/cancel", {}, as_="admin")
    body = {
        "source": change.get("source", {"payment_id": payment["id"]}),
        "document_id": targets[str(change.get("document", "open"))]["id"],
        "amount": change.get("amount", "100"),
    }
    before = counts(uow)

    response = api.post("/api/v1/allocations", body, as_="accountant")

    assert response.status_code == 422, response.get_json()
    assert field in field_errors(response), response.get_json()
    assert counts(uow) == before


def test_an_as_of_report_is_unchanged_by_later_events(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "گزارش تاریخی")
    with on_day(date(2027, 3, 1)):
        first = invoice(api, c, ids["desk"])
        second = invoice(api, c, ids["desk"])
        pay(api, c, "1500", {first["id"]: "1090"})  # 410 unallocated
    query = f"as_of=2027-03-01&contact_id={c}"

    def seen() -> tuple[object, ...]:
        unpaid = api.ok("GET", f"/api/v1/reports/unpaid?{query}")
        ageing = api.ok("GET", f"/api/v1/reports/ageing?{query}")
        return unpaid["open"], [r["document_id"] for r in unpaid["rows"]], ageing["credit"]

    with on_day(date(2027, 3, 1)):
        before = seen()
    assert before == ("1090", [second["id"]], "410")
    with on_day(date(2027, 3, 5)):  # later: cancelled, credit applied, returned, paid
        api.ok("POST", f"/api/v1/documents/{first['id']}/cancel", {}, as_="admin")
        payment = pay(api, c, "100", {second["id"]: "100"})
        body = {"source": {"payment_id": payment["id"]}, "document_id": second["id"]}
        sales_return(api, second, "2")
        now = api.ok("GET", f"/api/v1/reports/unpaid?as_of=2027-03-05&contact_id={c}")
        assert now["open"] != before[0]
        assert api.post("/api/v1/allocations", {**body, "amount": "1"}).status_code == 422
        assert seen() == before


def test_a_draft_return_is_patched_by_invoice_line_and_priced_from_it(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "ویرایش برگشت")
    inv = invoice(api, c, ids["desk"])
    line_id = inv["lines"][0]["id"]
    body = {
        "type": "sales_return",
        "contact_id": c,
        "source_id": inv["id"],
        "lines": [{"source_line_id": line_id, "quantity": "1"}],
    }
    draft = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    patch = {"lines": [{"source_line_id": line_id, "quantity": "3", "unit_price": "5"}]}

    patched = api.ok("PATCH", f"/api/v1/documents/{draft['id']}", patch, as_="clerk")

    assert patched["lines"][0]["source_line_id"] == line_id
    assert Decimal(patched["totals"]["total"]) == Decimal("327")  # 3 × 100 + 9%
    too_many = {"lines": [{"source_line_id": line_id, "quantity": "11"}]}
    response = api.patch(f"/api/v1/documents/{draft['id']}", too_many, as_="clerk")
    assert "lines[0].quantity" in field_errors(response)
    wrong = {"lines": [{"source_line_id": line_id + 999, "quantity": "1"}]}
    response = api.patch(f"/api/v1/documents/{draft['id']}", wrong, as_="clerk")
    assert "lines[0].source_line_id" in field_errors(response)
