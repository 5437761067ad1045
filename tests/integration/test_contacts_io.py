"""Contacts: import/export CSV and XLSX, all or nothing with a per-cell report (E7)."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from engine.services.unit_of_work import UnitOfWork
from engine.xlsx import MAX_UNPACKED_BYTES
from tests.integration.conftest import Api

HEADER = "name,kind,email,mobile,language,payment_term_days,credit_limit,opening_balance\n"


def _upload(api: Api, content: bytes, filename: str, as_: str = "clerk"):  # type: ignore[no-untyped-def]
    return api.call(
        "POST",
        "/api/v1/contacts/import",
        as_,
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _count(uow: UnitOfWork) -> int:
    with uow:
        return len(uow.contacts.list(limit=500))


def test_csv_import_creates_every_row_with_persian_digits(api: Api, uow: UnitOfWork) -> None:
    content = (
        HEADER
        + "رضا کریمی,customer,karimi@example.com,+989120000000,fa,۳۰,۱۰۰٬۰۰۰٬۰۰۰,2500000\n"
        + "Gulf Trading,both,,,ar,,,\n"
    ).encode()
    response = _upload(api, content, "contacts.csv")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] == 2
    karimi = api.ok("GET", f"/api/v1/contacts/{body['contact_ids'][0]}")
    assert karimi["name"] == "رضا کریمی" and karimi["payment_term_days"] == 30
    assert karimi["credit_limit"] == "100000000"
    assert karimi["balance"] == "2500000"  # the opening balance became a ledger entry


def test_one_bad_row_imports_nothing_and_names_row_and_column(api: Api, uow: UnitOfWork) -> None:
    before = _count(uow)
    content = (
        HEADER
        + "Good One,customer,good@example.com,,fa,,,\n"
        + "Bad Email,customer,not-an-email,,fa,,,\n"
        + ",supplier,,,fa,ten,-5,abc\n"
    ).encode()
    response = _upload(api, content, "contacts.csv")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {
        "rows[3].email",
        "rows[4].name",
        "rows[4].payment_term_days",
        "rows[4].opening_balance",
    }
    assert "nothing was imported" in response.get_json()["message"]
    assert _count(uow) == before


def test_credit_limit_rule_is_reported_per_row(api: Api) -> None:
    response = _upload(api, (HEADER + "X,customer,,,fa,,-5,\n").encode(), "c.csv")
    assert response.status_code == 422
    assert "rows[2].credit_limit" in response.get_json()["errors"]


def test_xlsx_import_and_unknown_columns(api: Api) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["name", "kind", "language", "credit_limit"])
    ws.append(["شركة الأمل", "customer", "ar", 5000000])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(api, buffer.getvalue(), "contacts.xlsx")
    assert response.status_code == 201, response.get_json()
    created = api.ok("GET", f"/api/v1/contacts/{response.get_json()['contact_ids'][0]}")
    assert created["credit_limit"] == "5000000" and created["language"] == "ar"

    bad = _upload(api, b"name,colour\nA,red\n", "c.csv")
    assert bad.status_code == 422 and "file" in bad.get_json()["errors"]
    assert _upload(api, b"x", "c.pdf").status_code == 422
    garbage = _upload(api, b"not a zip", "c.xlsx")
    assert garbage.status_code == 422 and "file" in garbage.get_json()["errors"]


def _workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_that_unpacks_past_the_bound_is_refused_unread(api: Api, uow: UnitOfWork) -> None:
    """A zip bomb: a small upload whose members inflate past MAX_UNPACKED_BYTES."""
    before = _count(uow)
    buffer = io.BytesIO(_workbook(["name"], ["کم‌حجم"]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(MAX_UNPACKED_BYTES + 1))
    upload = buffer.getvalue()
    assert len(upload) < MAX_UNPACKED_BYTES // 100  # the upload itself is small

    response = _upload(api, upload, "bomb.xlsx")

    assert response.status_code == 422
    assert "unpacks to more than" in response.get_json()["errors"]["file"][0]
    assert _count(uow) == before


def test_xlsx_with_a_million_blank_rows_is_refused_not_walked(api: Api, uow: UnitOfWork) -> None:
    before = _count(uow)
    book = Workbook()
    book.active.append(["name"])
    book.active.append(["مشتری"])
    book.active.cell(row=1_000_000, column=1, value="دور")
    buffer = io.BytesIO()
    book.save(buffer)

    response = _upload(api, buffer.getvalue(), "long.xlsx")

    assert response.status_code == 422
    assert "more than" in response.get_json()["errors"]["file"][0]
    assert _count(uow) == before


def test_import_needs_manage_contacts(api: Api) -> None:
    assert _upload(api, HEADER.encode(), "c.csv", as_="approver").status_code == 403


def test_export_round_trip_refuses_existing_ids(api: Api, ids: dict[str, int]) -> None:
    response = api.get("/api/v1/contacts/export.csv", as_="clerk")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    sameri = next(r for r in rows if r["name"] == "علیرضا سامری")
    assert sameri["kind"] == "customer" and sameri["email"] == "sameri@example.com"
    assert sameri["customer_group"] == "مشتریان عمده" and Decimal(sameri["balance"]) == 0
    again = _upload(api, response.data, "contacts.csv")
    assert again.status_code == 422
    assert any(k.endswith(".id") for k in again.get_json()["errors"])


def test_export_xlsx_has_balances(api: Api, ids: dict[str, int]) -> None:
    api.ok(
        "POST",
        "/api/v1/contacts",
        {"name": "Opening Co", "kind": "customer", "opening_balance": "1234567"},
        status=201,
    )
    response = api.get("/api/v1/contacts/export.xlsx", as_="accountant")
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows if r[0] == "Opening Co")
    assert row[header.index("balance")] == 1234567


def test_issue10_9_imported_cells_out_of_bounds_are_422_naming_row_and_column(
    api: Api, uow: UnitOfWork
) -> None:
    """Issue 10 #9: '²' passed isdigit() and failed int() (500); 40 decimals were rounded."""
    before = _count(uow)
    content = (
        HEADER
        + "A,customer,,,fa,²,,\n"
        + "B,customer,,,fa,99999999999999999999,,\n"
        + "C,customer,,,fa,,1."
        + "1" * 40
        + ",\n"
    ).encode()
    response = _upload(api, content, "contacts.csv")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "rows[2].payment_term_days",
        "rows[3].payment_term_days",
        "rows[4].credit_limit",
    }
    assert _count(uow) == before
