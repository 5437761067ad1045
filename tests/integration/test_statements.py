"""Contact account and "pay the amount due" (P6), customer statements (F9), from real
postings."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from tests.integration.conftest import Api
from tests.integration.postings import customer, on_day, pay, posted_invoice


@pytest.fixture
def acct(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    """A customer with an opening balance, three invoices and one payment, each on its day."""
    with on_day(date(2026, 1, 1)):
        c = customer(uow, ids, "مشتری حساب", opening_balance=Decimal(1000000))
    out = {"c": c}
    plan = {
        "jan": ("10000000", date(2026, 1, 10), date(2026, 2, 10)),
        "mar": ("20000000", date(2026, 3, 5), date(2026, 4, 5)),
        "may": ("30000000", date(2026, 5, 1), date(2099, 1, 1)),
    }
    for key, (price, issued, due) in plan.items():
        out[key] = posted_invoice(uow, ids, c, price, issued=issued, due=due)
    pay(uow, ids, c, "5000000", {out["jan"]: "5000000"}, on=date(2026, 2, 1))
    return out


def test_account_shows_balance_total_due_and_history(api: Api, acct: dict[str, int]) -> None:
    body = api.ok("GET", f"/api/v1/contacts/{acct['c']}/account", as_="clerk")
    # opening 1M + 10.9M + 21.8M + 32.7M - 5M paid
    assert body["balance"] == "61400000"
    assert body["total_due"] == "60400000"  # the opening balance is no invoice
    assert body["overdue"] == "27700000"  # jan 5.9M + mar 21.8M; may is not yet due
    assert [d["id"] for d in body["documents"]] == [acct["may"], acct["mar"], acct["jan"]]
    assert body["payments"][0]["amount"] == "5000000"
    ledger = body["ledger"]
    assert ledger["closing"] == "61400000"
    kinds = [ln["kind"] for ln in ledger["lines"]]
    assert kinds == ["opening", "document", "payment", "document", "document"]


def test_pay_amount_due_settles_oldest_first(api: Api, acct: dict[str, int]) -> None:
    paid = api.ok(
        "POST",
        f"/api/v1/contacts/{acct['c']}/pay-due",
        {"method": "cash", "amount": "۳۰٬۰۰۰٬۰۰۰"},
        as_="accountant",
        status=201,
    )
    assert [(a["document_id"], a["amount"]) for a in paid["allocations"]] == [
        (acct["jan"], "5900000"),
        (acct["mar"], "21800000"),
        (acct["may"], "2300000"),
    ]
    states = [api.ok("GET", f"/api/v1/documents/{acct[k]}")["state"] for k in ("jan", "mar", "may")]
    assert states == ["paid", "paid", "partially_paid"]
    rest = api.ok(
        "POST",
        f"/api/v1/contacts/{acct['c']}/pay-due",
        {"method": "bank"},
        as_="accountant",
        status=201,
    )
    assert rest["amount"] == "30400000" and rest["unallocated"] == "0"
    account = api.ok("GET", f"/api/v1/contacts/{acct['c']}/account", as_="accountant")
    assert account["total_due"] == "0" and account["balance"] == "1000000"
    nothing = api.post(
        f"/api/v1/contacts/{acct['c']}/pay-due", {"method": "bank"}, as_="accountant"
    )
    assert nothing.status_code == 422 and "amount" in nothing.get_json()["errors"]


def test_pay_due_needs_the_payment_permission(api: Api, acct: dict[str, int]) -> None:
    response = api.post(f"/api/v1/contacts/{acct['c']}/pay-due", {"method": "cash"}, as_="clerk")
    assert response.status_code == 403
    bad = api.post(f"/api/v1/contacts/{acct['c']}/pay-due", {"method": "gold"}, as_="accountant")
    assert bad.status_code == 422 and "method" in bad.get_json()["errors"]


def test_statement_over_a_period_carries_the_balance_forward(
    api: Api, acct: dict[str, int]
) -> None:
    url = f"/api/v1/contacts/{acct['c']}/statement?from=2026-02-01&to=2026-04-30"
    body = api.ok("GET", url, as_="clerk")
    assert body["opening"] == "11900000"  # 1M opening + the January invoice 10.9M
    assert [(ln["kind"], ln["debit"], ln["credit"], ln["balance"]) for ln in body["lines"]] == [
        ("payment", "0", "5000000", "6900000"),
        ("document", "21800000", "0", "28700000"),
    ]
    assert body["lines"][0]["method"] == "bank" and body["lines"][1]["number"].startswith("INV-")
    assert body["closing"] == "28700000"
    whole = api.ok("GET", f"/api/v1/contacts/{acct['c']}/statement", as_="clerk")
    assert whole["closing"] == "61400000" and whole["lines"][-1]["balance"] == "61400000"
    assert len(whole["open_invoices"]) == 3


def test_statement_pdf_is_in_the_customers_language(api: Api, acct: dict[str, int]) -> None:
    response = api.get(f"/api/v1/contacts/{acct['c']}/statement.pdf", as_="clerk")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for word in ("صورت‌حساب مشتری", "مشتری حساب", "مانده پایان دوره", "فاکتورهای باز"):
        assert word.replace("\u200c", "") in text.replace("\u200c", ""), (word, text)


def test_statements_of_many_customers_as_xlsx(
    api: Api, acct: dict[str, int], ids: dict[str, int]
) -> None:
    query = f"contact_id={acct['c']}&contact_id={ids['sameri']}"
    book = load_workbook(
        io.BytesIO(api.get(f"/api/v1/contacts/statements.xlsx?{query}&lang=en").data)
    )
    assert [ws.title for ws in book.worksheets] == ["مشتری حساب", "علیرضا سامری"]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][1] == "Closing balance" and rows[-1][4] == 61400000
    pdf = api.get(f"/api/v1/contacts/statements.pdf?{query}", as_="accountant")
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 2


def test_account_and_statement_need_a_reader_role(
    api: Api, acct: dict[str, int], uow: UnitOfWork
) -> None:
    create_user(uow, username="designer1", password="designer1-pw", roles=("designer",))
    for path in ("account", "statement", "statement.pdf"):
        response = api.get(f"/api/v1/contacts/{acct['c']}/{path}", as_="designer1")
        assert response.status_code == 403, path
