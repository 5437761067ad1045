"""Payment terms through the API (issue 14 §3, §4; SPEC I5, P2): instalments settled
oldest first, overdue and ageing per instalment, the early discount in its three tax
modes, and every bad input a 4xx naming its field with nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models.payment_terms import PaymentTerm
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors
from tests.integration.postings import customer, on_day
from tests.integration.receivables import balance, pay, posted

DAY = date(2027, 3, 1)
_names = count()
THIRTY_SIXTY = [
    {"value": "percent", "amount": "30", "days": 0, "delay": "days_after"},
    {"value": "balance", "days": 60, "delay": "days_after"},
]


@pytest.fixture(autouse=True)
def _on_the_first_day() -> Iterator[None]:
    """Every test starts on DAY: its tokens are issued then and hold for a month."""
    with on_day(DAY):
        yield


def term(api: Api, lines: list[dict[str, Any]], early: dict[str, Any] | None = None) -> Any:
    body = {"name": f"شرایط {next(_names)}", "lines": lines, "early_discount": early}
    return api.ok("POST", "/api/v1/payment-terms", body, status=201)


def sale(api: Api, contact: int, product: int, price: str, **extra: Any) -> Any:
    line = {"product_id": product, "quantity": "1", "unit_price": price}
    return posted(api, {"type": "sales_invoice", "contact_id": contact, "lines": [line], **extra})


def installments(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(i["due_date"], i["amount"], i["open_amount"]) for i in doc["installments"]]


def terms_count(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(PaymentTerm)) or 0)


def test_thirty_percent_now_and_the_balance_in_sixty_days(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """§3: the contact's term is the invoice's; payments settle the oldest instalment
    first; the invoice is overdue by its first instalment only while that is open."""
    t = term(api, THIRTY_SIXTY)
    c = customer(uow, ids, "سی درصد نقد", payment_term_id=t["id"])
    with on_day(DAY):
        inv = sale(api, c, ids["desk"], "1000000")  # 1,090,000 with 9 % tax
    assert inv["payment_term_id"] == t["id"]
    assert inv["due_date"] == "2027-04-30"
    assert installments(inv) == [
        ("2027-03-01", "327000", "327000"),
        ("2027-04-30", "763000", "763000"),
    ]
    with on_day(DAY + timedelta(days=5)):
        pay(api, c, "100000", {inv["id"]: "100000"})
        doc = api.ok("GET", f"/api/v1/documents/{inv['id']}")
        assert installments(doc)[0][2] == "227000" and doc["overdue"] is True
        overdue = api.ok("GET", "/api/v1/documents?overdue=true&limit=500")
        assert inv["id"] in {d["id"] for d in overdue}
        with uow:
            ageing = uow.reports.ageing(as_of=DAY + timedelta(days=5), contact_ids=[c])
            reminder = uow.followups.open_invoices([c], on=DAY + timedelta(days=5))[c]
        assert ageing.buckets["1-30"] == Decimal(227_000)
        assert ageing.buckets["current"] == Decimal(763_000)
        assert [(r.due_date, r.open_amount) for r in reminder] == [(DAY, Decimal(227_000))]
        statement = api.ok("GET", f"/api/v1/contacts/{c}/statement", as_="accountant")
        assert [
            (r["due_date"], r["open"], r["days_overdue"]) for r in statement["open_invoices"]
        ] == [
            ("2027-03-01", "227000", 5),
            ("2027-04-30", "763000", 0),
        ]

        pay(api, c, "300000", {inv["id"]: "300000"})
        doc = api.ok("GET", f"/api/v1/documents/{inv['id']}")
        assert installments(doc) == [
            ("2027-03-01", "327000", "0"),
            ("2027-04-30", "763000", "690000"),
        ]
        assert doc["overdue"] is False
        overdue = api.ok("GET", "/api/v1/documents?overdue=true&limit=500")
        assert inv["id"] not in {d["id"] for d in overdue}
        with uow:
            dues = uow.reports.dues_by_contact(as_of=DAY + timedelta(days=5), contact_ids=[c])
        assert (dues[0].overdue_amount, dues[0].due_amount) == (0, Decimal(690_000))
        # A report as of an earlier day sees the first instalment open, as it was.
        with uow:
            before = uow.reports.ageing(as_of=DAY + timedelta(days=1), contact_ids=[c])
        assert before.buckets["1-30"] == Decimal(327_000)
        assert before.buckets["current"] == Decimal(763_000)


def test_a_document_may_name_its_own_term(api: Api, ids: dict[str, int], uow: UnitOfWork) -> None:
    t = term(api, [{"value": "fixed", "amount": "500"}, {"value": "balance", "days": 30}])
    c = customer(uow, ids, "شرایط سند")
    with on_day(DAY):
        inv = sale(api, c, ids["desk"], "1000", payment_term_id=t["id"])
    assert installments(inv) == [
        ("2027-03-01", "500", "500"),
        ("2027-03-31", "590", "590"),
    ]


@pytest.mark.parametrize(
    ("mode", "tax", "total", "after"),
    [
        ("included", "90000", "1090000", "1068200"),
        ("excluded", "90000", "1090000", "1070000"),
        ("mixed", "88200", "1088200", "1068200"),
    ],
)
def test_two_ten_net_thirty(
    api: Api, ids: dict[str, int], uow: UnitOfWork, mode: str, tax: str, total: str, after: str
) -> None:
    """§4: 2 % off within 10 days, else net in 30. Paid on the tenth day, the amount
    after the discount settles the invoice and the discount is its own ledger line."""
    t = term(
        api, [{"value": "balance", "days": 30}], {"percent": "2", "days": 10, "tax_mode": mode}
    )
    c = customer(uow, ids, f"دو ده خالص سی {mode}")
    with on_day(DAY):
        inv = sale(api, c, ids["desk"], "1000000", payment_term_id=t["id"])
    assert (inv["totals"]["tax"], inv["totals"]["total"]) == (tax, total)
    assert inv["discount_date"] == "2027-03-11"
    assert inv["amount_due_after_discount"] == after
    assert inv["due_date"] == "2027-03-31"
    with on_day(date(2027, 3, 11)):
        payment = pay(api, c, after, {inv["id"]: after})
    doc = api.ok("GET", f"/api/v1/documents/{inv['id']}")
    assert (doc["state"], doc["open_amount"], doc["amount_due_after_discount"]) == (
        "paid",
        "0",
        None,
    )
    assert balance(api, c) == 0
    ledger = api.ok("GET", f"/api/v1/contacts/{c}")["ledger"]
    discount = Decimal(total) - Decimal(after)
    assert [(e["kind"], Decimal(e["credit"])) for e in ledger if e["kind"] == "discount"] == [
        ("discount", discount)
    ]
    assert Decimal(api.ok("GET", f"/api/v1/payments/{payment['id']}")["unallocated"]) == 0


def test_a_late_payment_earns_no_discount_and_undoing_one_takes_it_back(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    early = {"percent": "2", "days": 10, "tax_mode": "excluded"}
    t = term(api, [{"value": "balance", "days": 30}], early)
    c = customer(uow, ids, "پرداخت دیرهنگام")
    with on_day(DAY):
        late = sale(api, c, ids["desk"], "1000000", payment_term_id=t["id"])
        early_one = sale(api, c, ids["desk"], "1000000", payment_term_id=t["id"])
    with on_day(date(2027, 3, 11)):
        made = pay(api, c, "1070000", {early_one["id"]: "1070000"})
    with on_day(date(2027, 3, 12)):
        pay(api, c, "1070000", {late["id"]: "1070000"})
        doc = api.ok("GET", f"/api/v1/documents/{late['id']}")
        assert (doc["state"], doc["open_amount"]) == ("partially_paid", "20000")
        allocation = made["allocations"][0]["id"]
        undone = api.call("DELETE", f"/api/v1/allocations/{allocation}", as_="accountant")
        assert undone.status_code == 204
    doc = api.ok("GET", f"/api/v1/documents/{early_one['id']}")
    assert (doc["state"], doc["open_amount"]) == ("posted", "1090000")
    assert balance(api, c) == Decimal(1_090_000 + 20_000 - 1_070_000)


def test_terms_are_listed_changed_and_deleted_only_when_unused(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    t = term(api, THIRTY_SIXTY, {"percent": "1.5", "days": 7, "tax_mode": "included"})
    assert t["early_discount"] == {"percent": "1.5", "days": 7, "tax_mode": "included"}
    assert api.ok("GET", f"/api/v1/payment-terms/{t['id']}")["lines"][1]["value"] == "balance"
    assert t["id"] in {x["id"] for x in api.ok("GET", "/api/v1/payment-terms")}
    changed = api.ok(
        "PATCH",
        f"/api/v1/payment-terms/{t['id']}",
        {"name": t["name"] + " نو", "early_discount": None, "lock_version": t["lock_version"]},
    )
    assert changed["early_discount"] is None and changed["lines"] == t["lines"]
    stale = api.patch(f"/api/v1/payment-terms/{t['id']}", {"name": "x", "lock_version": 1})
    assert stale.status_code == 409
    c = customer(uow, ids, "مشتری با شرایط", payment_term_id=t["id"])
    refused = api.call("DELETE", f"/api/v1/payment-terms/{t['id']}")
    assert refused.status_code == 409
    api.ok("PATCH", f"/api/v1/contacts/{c}", {"payment_term_id": None})
    assert api.call("DELETE", f"/api/v1/payment-terms/{t['id']}").status_code == 204
    assert api.get(f"/api/v1/payment-terms/{t['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": THIRTY_SIXTY}, "name"),
        ({"name": "x"}, "lines"),
        ({"name": "x", "lines": []}, "lines"),
        (
            {
                "name": "x",
                "lines": [THIRTY_SIXTY[0], THIRTY_SIXTY[0], {"value": "balance", "delay": "soon"}],
            },
            "lines[2].delay",
        ),
        ({"name": "x", "lines": [{"value": "percent", "amount": "30"}]}, "lines[0].value"),
        ({"name": "x", "lines": [{"value": "balance"}, {"value": "balance"}]}, "lines[0].value"),
        ({"name": "x", "lines": [{"value": "fixed"}, {"value": "balance"}]}, "lines[0].amount"),
        (
            {"name": "x", "lines": [{"value": "percent", "amount": "0"}, {"value": "balance"}]},
            "lines[0].amount",
        ),
        (
            {"name": "x", "lines": [{"value": "percent", "amount": 30.5}, {"value": "balance"}]},
            "lines[0].amount",
        ),
        ({"name": "x", "lines": [{"value": "balance", "days": -1}]}, "lines[0].days"),
        (
            {"name": "x", "lines": [{"value": "balance", "delay": "day_of_next_month"}]},
            "lines[0].day",
        ),
        (
            {"name": "x", "lines": [{"value": "balance", "delay": "day_of_next_month", "day": 32}]},
            "lines[0].day",
        ),
        ({"name": "x", "lines": [{"value": "balance", "day": 5}]}, "lines[0].day"),
        ({"name": "x", "lines": [{"value": "sometimes"}]}, "lines[0].value"),
        (
            {
                "name": "x",
                "lines": [
                    {"value": "percent", "amount": "60"},
                    {"value": "percent", "amount": "40"},
                    {"value": "balance"},
                ],
            },
            "lines",
        ),
        (
            {
                "name": "x",
                "lines": [{"value": "balance"}],
                "early_discount": {"percent": "2", "days": 10},
            },
            "early_discount.tax_mode",
        ),
        (
            {
                "name": "x",
                "lines": [{"value": "balance"}],
                "early_discount": {"percent": "100", "days": 10, "tax_mode": "mixed"},
            },
            "early_discount.percent",
        ),
        (
            {
                "name": "x",
                "lines": [{"value": "balance"}],
                "early_discount": {"percent": "2", "days": -2, "tax_mode": "mixed"},
            },
            "early_discount.days",
        ),
    ],
)
def test_bad_terms_name_the_field_and_write_nothing(
    api: Api, uow: UnitOfWork, body: dict[str, Any], field: str
) -> None:
    before = terms_count(uow)
    response = api.post("/api/v1/payment-terms", body)
    assert response.status_code == 422, response.get_json()
    assert field in field_errors(response), field_errors(response)
    assert terms_count(uow) == before


def test_a_term_name_is_unique_and_an_unknown_term_is_refused(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    t = term(api, THIRTY_SIXTY)
    again = api.post("/api/v1/payment-terms", {"name": t["name"], "lines": THIRTY_SIXTY})
    assert again.status_code == 422 and "name" in field_errors(again)
    bad_patch = api.patch(f"/api/v1/payment-terms/{t['id']}", {"lines": [{"value": "fixed"}]})
    assert bad_patch.status_code == 422 and "lines[0].value" in field_errors(bad_patch)
    contact = api.post(
        "/api/v1/contacts", {"name": "ناشناس", "kind": "customer", "payment_term_id": 999999}
    )
    assert contact.status_code == 422 and "payment_term_id" in field_errors(contact)
    c = customer(uow, ids, "سند با شرایط ناشناس")
    line = {"product_id": ids["desk"], "quantity": "1", "unit_price": "10"}
    body = {"type": "sales_invoice", "contact_id": c, "lines": [line], "payment_term_id": 999999}
    document = api.post("/api/v1/documents", body, as_="clerk")
    assert document.status_code == 422 and "payment_term_id" in field_errors(document)
    clerk = api.post(
        "/api/v1/payment-terms", {"name": "بدون مجوز", "lines": THIRTY_SIXTY}, as_="clerk"
    )
    assert clerk.status_code == 403


def test_a_bounced_cheque_takes_its_discount_back(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """§4 with I6: the discount was earned by a cheque that bounced; the invoice is open
    for its whole total again and the discount's ledger line is reversed."""
    early = {"percent": "2", "days": 10, "tax_mode": "included"}
    t = term(api, [{"value": "balance", "days": 30}], early)
    c = customer(uow, ids, "چک برگشتی با تخفیف")
    inv = sale(api, c, ids["desk"], "1000000", payment_term_id=t["id"])
    cheque = pay(
        api, c, "1068200", {inv["id"]: "1068200"}, method="cheque", cheque_due_date="2027-04-01"
    )
    assert api.ok("GET", f"/api/v1/documents/{inv['id']}")["state"] == "paid"
    api.ok(
        "POST",
        f"/api/v1/payments/{cheque['id']}/cheque-state",
        {"state": "bounced"},
        as_="accountant",
    )
    doc = api.ok("GET", f"/api/v1/documents/{inv['id']}")
    assert (doc["state"], doc["open_amount"], doc["amount_due_after_discount"]) == (
        "posted",
        "1090000",
        "1068200",
    )
    assert balance(api, c) == Decimal(1_090_000)
    kinds = [e["kind"] for e in api.ok("GET", f"/api/v1/contacts/{c}")["ledger"]]
    assert kinds.count("discount") == 1 and kinds.count("reversal") == 2


def test_an_invoice_without_a_term_is_one_instalment(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    c = customer(uow, ids, "بی‌شرایط", payment_term_days=30)
    inv = sale(api, c, ids["desk"], "1000")
    assert (inv["payment_term_id"], inv["discount_date"], inv["amount_due_after_discount"]) == (
        None,
        None,
        None,
    )
    assert installments(inv) == [("2027-03-31", "1090", "1090")]


def test_an_orders_term_carries_to_its_invoice(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """§3: a quote agreed on its own term keeps it when the order becomes an invoice."""
    t = term(api, [{"value": "fixed", "amount": "500"}, {"value": "balance", "days": 30}])
    c = customer(uow, ids, "شرایط سفارش")
    line = {"product_id": ids["desk"], "quantity": "1", "unit_price": "1000"}
    body = {"type": "sales_quote", "contact_id": c, "lines": [line], "payment_term_id": t["id"]}
    quote = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    api.ok("POST", f"/api/v1/documents/{quote['id']}/submit", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/confirm", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote['id']}/deliver", as_="admin")
    [invoice] = [
        d
        for d in api.ok("GET", f"/api/v1/documents?type=sales_invoice&contact_id={c}")
        if d["source_id"] == quote["id"]
    ]
    assert invoice["payment_term_id"] == t["id"]
