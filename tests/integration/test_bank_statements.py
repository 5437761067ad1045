"""Bank statements end to end (SPEC F2, issue 14 §7): import a CSV with the account's
saved mapping or a CAMT.053 file, review the proposals (exact first), confirm a match
once, assign or ignore the rest; a settled statement runs the day's follow-up pass.

Worked example: SPEC I7's invoice of 98,100,000 Rial to «علیرضا سامری» is paid by bank
transfer with its number in the reference; a second customer pays 40,000,000 on account
with no reference; the bank takes a 25,000 Rial fee.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.models.bank import BankStatementLine
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, i7_invoice
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    post_directly,
    posted_invoice,
)

SAMPLE = Path(__file__).parent.parent / "data" / "camt053_sample.xml"
IBAN = "IR820540102680020817909002"
MAPPING = {
    "columns": {
        "date": "تاریخ",
        "amount": "مبلغ",
        "sign": "نوع",
        "reference": "شماره پیگیری",
        "description": "شرح",
        "counterparty_name": "نام",
        "counterparty_iban": "شبا",
    },
    "delimiter": ";",
    "calendar": "jalali",
}
HEADER = "تاریخ;مبلغ;نوع;شماره پیگیری;شرح;نام;شبا\n"


def camt(number: str, full: str = "98100000", other: str = "شرکت نمونه") -> bytes:
    text = SAMPLE.read_text(encoding="utf-8")
    values = {"closing": "0", "full": full, "part": "40000000", "number": number, "other": other}
    return text.format(**values).encode()


def account(api: Api, **extra: Any) -> int:
    body = {"name": "بانک ملت - جاری", "bank": "ملت", "iban": IBAN, "csv_mapping": MAPPING}
    return int(api.ok("POST", "/api/v1/bank-accounts", body | extra, "accountant", 201)["id"])


def upload(
    api: Api, account_id: int, content: bytes, name: str = "statement.xml", **form: str
) -> Any:
    data = {"bank_account_id": str(account_id), "file": (io.BytesIO(content), name), **form}
    return api.call(
        "POST",
        "/api/v1/bank-statements",
        "accountant",
        data=data,
        content_type="multipart/form-data",
    )


def imported(api: Api, account_id: int, content: bytes, name: str = "statement.xml") -> Any:
    response = upload(api, account_id, content, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def posted_i7(api: Api, ids: dict[str, int]) -> dict[str, Any]:
    return approve_and_number(api, i7_invoice(api, ids)["id"])


def line_count(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(BankStatementLine)) or 0)


def test_the_transfer_naming_the_invoice_is_proposed_exactly_and_pays_it_once(
    api: Api, ids: dict[str, int]
) -> None:
    """F2: number + amount = an exact proposal; confirming records one payment, and
    confirming again, or importing the file again, records nothing more."""
    invoice = posted_i7(api, ids)
    account_id = account(api)

    statement = imported(api, account_id, camt(invoice["number"]))
    full, part, fee = statement["lines"]

    assert statement["line_count"] == 3 and statement["open_lines"] == 3
    assert [(p["document_id"], p["kind"]) for p in full["proposals"]][0] == (invoice["id"], "exact")
    assert full["proposals"][0]["signs"] == ["reference", "amount", "contact"]  # by name
    assert part["proposals"] == [] and fee["proposals"] == []

    matched = api.ok(
        "POST",
        f"/api/v1/bank-statement-lines/{full['id']}/match",
        {"document_id": invoice["id"]},
        "accountant",
    )
    again = api.post(
        f"/api/v1/bank-statement-lines/{full['id']}/match",
        {"document_id": invoice["id"]},
        as_="accountant",
    )
    reimported = imported(api, account_id, camt(invoice["number"]), "again.xml")

    payment = api.ok("GET", f"/api/v1/payments/{matched['payment_id']}", as_="accountant")
    assert (payment["amount"], payment["method"], payment["received_on"]) == (
        "98100000",
        "bank",
        "2026-11-23",
    )
    assert matched["line"]["status"] == "matched"
    assert again.status_code == 409
    assert (reimported["lines_in_file"], reimported["already_imported"], reimported["lines"]) == (
        3,
        3,
        [],
    )
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "paid"
    payments = api.ok("GET", f"/api/v1/payments?contact_id={ids['sameri']}", as_="accountant")
    assert [p["id"] for p in payments] == [matched["payment_id"]]


def test_a_line_is_stored_once_per_account_by_the_database(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """The unique (account, identity) key is the last guard against paying a line twice."""
    account_id = account(api)
    statement = imported(api, account_id, camt("INV-X"))
    with uow:
        first = uow.bank_statements.lines(statement["id"])[0]
        twin = BankStatementLine(
            statement_id=first.statement_id,
            bank_account_id=first.bank_account_id,
            identity=first.identity,
            position=9,
            booked_on=first.booked_on,
            amount=first.amount,
        )
        with pytest.raises(IntegrityError):
            uow.bank_statements.add_lines([twin])


def test_the_other_lines_are_assigned_to_a_contact_or_ignored(
    api: Api, ids: dict[str, int]
) -> None:
    """An advance with no reference goes to the customer's account as credit; the bank
    fee is set aside; then the statement has nothing open."""
    account_id = account(api)
    statement = imported(api, account_id, camt("INV-NONE"))
    _full, part, fee = statement["lines"]

    assigned = api.ok(
        "POST",
        f"/api/v1/bank-statement-lines/{part['id']}/match",
        {"contact_id": ids["sameri"]},
        "accountant",
    )
    ignored = api.ok("POST", f"/api/v1/bank-statement-lines/{fee['id']}/ignore", as_="accountant")

    payment = api.ok("GET", f"/api/v1/payments/{assigned['payment_id']}", as_="accountant")
    assert (payment["amount"], payment["unallocated"], payment["allocations"]) == (
        "40000000",
        "40000000",
        [],
    )
    assert assigned["line"]["contact_name"] == "علیرضا سامری"
    assert ignored["status"] == "ignored"
    reopened = api.ok("POST", f"/api/v1/bank-statement-lines/{fee['id']}/reopen", as_="accountant")
    assert reopened["status"] == "open"


def test_a_payer_seen_before_is_recognised_by_its_iban(api: Api, ids: dict[str, int]) -> None:
    """The second statement's line with no reference but the same IBAN proposes that
    customer's open invoice of the amount."""
    account_id = account(api)
    first = imported(api, account_id, camt("INV-OLD", other="x"))
    api.ok(
        "POST",
        f"/api/v1/bank-statement-lines/{first['lines'][0]['id']}/match",
        {"contact_id": ids["sameri"]},
        "accountant",
    )
    invoice = posted_i7(api, ids)
    line = "1405/09/04;98100000;بستانکار;991;واریز;;IR06 0170 0000 0012 3456 7890 01\n"

    second = imported(api, account_id, (HEADER + line).encode(), "melli.csv")

    proposal = second["lines"][0]["proposals"][0]
    assert (proposal["document_id"], proposal["kind"]) == (invoice["id"], "partial")
    assert proposal["signs"] == ["amount", "contact"]


def test_confirm_exact_matches_every_unambiguous_line(api: Api, ids: dict[str, int]) -> None:
    invoice = posted_i7(api, ids)
    account_id = account(api)
    statement = imported(api, account_id, camt(invoice["number"]))

    confirmed = api.ok(
        "POST", f"/api/v1/bank-statements/{statement['id']}/confirm-exact", as_="accountant"
    )

    assert confirmed["matched"] == [statement["lines"][0]["id"]]
    assert api.ok("GET", f"/api/v1/documents/{invoice['id']}")["state"] == "paid"


def test_a_bad_csv_cell_is_a_422_naming_line_and_column_and_writes_nothing(
    api: Api, uow: UnitOfWork
) -> None:
    account_id = account(api)
    content = (HEADER + "1405/09/02;100;;;;;\n1405/09/02;صد;;;;;\n").encode()

    response = upload(api, account_id, content, "melli.csv")

    assert response.status_code == 422
    assert "line 3, amount" in field_errors(response)["lines[3].amount"][0]
    assert api.ok("GET", "/api/v1/bank-statements", as_="accountant") == []
    assert line_count(uow) == 0


@pytest.mark.parametrize(
    ("form", "content", "field"),
    [
        ({"format": "xls"}, b"x", "format"),
        ({}, b"", "file"),
        ({}, b"<Document><broken></Document>", "file"),
    ],
)
def test_bad_uploads_are_refused_naming_the_field(
    api: Api, form: dict[str, str], content: bytes, field: str
) -> None:
    response = upload(api, account(api), content, "s.xml", **form)

    assert response.status_code == 422, response.get_json()
    assert field in field_errors(response)


def test_a_statement_of_another_account_is_refused(api: Api) -> None:
    account_id = account(api, iban="IR580540105180021273113007", name="دیگر")

    response = upload(api, account_id, camt("INV-1"))

    assert response.status_code == 422
    assert IBAN in field_errors(response)["file"][0]


def test_a_csv_needs_the_accounts_mapping(api: Api) -> None:
    account_id = account(api, csv_mapping=None)

    response = upload(api, account_id, (HEADER + "1405/09/02;100;;;;;\n").encode(), "a.csv")

    assert "bank_account_id" in field_errors(response)


def test_a_mapping_is_saved_and_checked_per_account(api: Api) -> None:
    account_id = account(api, csv_mapping=None)
    bad = api.patch(
        f"/api/v1/bank-accounts/{account_id}",
        {"csv_mapping": {"columns": {"amount": "A"}, "decimal": ";", "delimiter": ";"}},
        as_="accountant",
    )
    saved = api.ok(
        "PATCH", f"/api/v1/bank-accounts/{account_id}", {"csv_mapping": MAPPING}, "accountant"
    )

    assert bad.status_code == 422
    assert {"csv_mapping.columns.date", "csv_mapping.decimal"} <= set(field_errors(bad))
    assert saved["csv_mapping"]["columns"] == MAPPING["columns"]
    assert saved["csv_mapping"]["calendar"] == "jalali"


def test_a_taken_account_name_or_a_bad_iban_is_a_422(api: Api) -> None:
    account(api)
    taken = api.post(
        "/api/v1/bank-accounts", {"name": "بانک ملت - جاری", "iban": None}, as_="accountant"
    )
    bad_iban = api.post("/api/v1/bank-accounts", {"name": "x", "iban": "12"}, as_="accountant")

    assert "name" in field_errors(taken)
    assert "iban" in field_errors(bad_iban)


def test_only_who_records_payments_may_import(api: Api) -> None:
    account_id = account(api)
    response = api.call(
        "POST",
        "/api/v1/bank-statements",
        "clerk",
        data={"bank_account_id": str(account_id), "file": (io.BytesIO(camt("X")), "s.xml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


ISSUED = date(2026, 3, 1)
DUE = date(2026, 3, 31)


def test_a_settled_statement_runs_the_follow_up_pass_and_the_paid_invoice_is_not_chased(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """F2: two customers 7 days late; the morning's statement pays one. Once the
    statement is settled the day's pass runs: the other is reminded, the payer is not."""
    post_directly(uow, ids)
    with time_machine.travel(at(ISSUED), tick=False):
        payer = customer(uow, ids, "مشتری پرداخت‌کننده")
        late = customer(uow, ids, "مشتری دیرکرد")
        paid_id = posted_invoice(uow, ids, payer, DUE, price="500000")
        posted_invoice(uow, ids, late, DUE, price="700000")
    with uow:
        number = uow.documents.get(paid_id).number or ""
        total = uow.documents.get(paid_id).total
    day = DUE + timedelta(days=7)
    csv = HEADER + f"{day.isoformat().replace('-', '/')};{total};;;{number};;\n"
    with time_machine.travel(at(day), tick=False):
        account_id = account(api, csv_mapping=MAPPING | {"calendar": "gregorian"})
        statement = imported(api, account_id, csv.encode(), "today.csv")
        assert messages(uow) == []  # nothing goes out while a line waits
        line = statement["lines"][0]
        assert line["proposals"][0]["kind"] == "exact"
        api.ok(
            "POST",
            f"/api/v1/bank-statement-lines/{line['id']}/match",
            {"document_id": paid_id},
            "accountant",
        )
        settled = api.ok("GET", f"/api/v1/bank-statements/{statement['id']}", as_="accountant")

    assert settled["followed_up_at"] is not None and settled["open_lines"] == 0
    assert messages(uow, payer) == []
    assert [m.channel for m in messages(uow, late)] == ["email"]
    assert Decimal(total) == Decimal(500000) * Decimal("1.09")
