"""GET /api/v1/reports/... as JSON, XLSX and PDF (I12, E6, F10), from real postings."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.postings import ageing_book

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    return ageing_book(uow, ids)


def test_ageing_as_json_with_decimal_strings(api: Api, book: dict[str, int]) -> None:
    body = api.ok("GET", "/api/v1/reports/ageing?as_of=2026-06-30", as_="accountant")
    assert body["buckets"] == {
        "current": "5450000",
        "1-30": "4360000",
        "31-60": "21800000",
        "61-90": "2180000",
        "90+": "10000000",
    }
    assert body["total"] == "43790000" and body["as_of"] == "2026-06-30"


def test_collection_over_a_period_with_persian_digits(api: Api, book: dict[str, int]) -> None:
    body = api.ok(
        "GET", "/api/v1/reports/collection?from=۲۰۲۶-۰۶-۰۱&to=2026-06-30", as_="accountant"
    )
    assert body["invoiced"] == "10900000" and body["percent"] == "10"


def test_overdue_rows_and_limit(api: Api, book: dict[str, int]) -> None:
    body = api.ok("GET", "/api/v1/reports/overdue?as_of=2026-06-30&limit=2", as_="accountant")
    assert body["count"] == 4 and len(body["rows"]) == 2
    assert body["open"] == "38340000"
    assert body["rows"][0]["days_overdue"] == 91


def test_bad_period_and_unknown_report_are_4xx(api: Api) -> None:
    response = api.get("/api/v1/reports/received?from=2026-02-01&to=2026-01-01")
    assert response.status_code == 422 and "to" in response.get_json()["errors"]
    assert api.get("/api/v1/reports/bogus").status_code == 404
    response = api.get("/api/v1/reports/received?from=yesterday")
    assert response.status_code == 422 and "from" in response.get_json()["errors"]


def test_clerk_may_not_read_reports(api: Api) -> None:
    assert api.get("/api/v1/reports/unpaid", as_="clerk").status_code == 403


def test_unpaid_as_xlsx_has_exact_amounts_and_rtl_sheet(api: Api, book: dict[str, int]) -> None:
    response = api.get("/api/v1/reports/unpaid.xlsx?as_of=2026-06-30&lang=fa", as_="accountant")
    assert response.status_code == 200 and response.mimetype == XLSX
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws.sheet_view.rightToLeft
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = values.index(
        ["شماره", "طرف حساب", "تاریخ صدور", "سررسید", "جمع کل", "پرداخت‌شده", "مانده"]
        + ["روز گذشته از سررسید"]
    )
    rows = values[header + 1 : -1]
    assert len(rows) == 5
    assert sorted(r[6] for r in rows) == [2180000, 4360000, 5450000, 10000000, 21800000]
    assert values[-1][4:7] == [44690000, 900000, 43790000]


def test_ageing_as_xlsx_in_english(api: Api, book: dict[str, int]) -> None:
    response = api.get("/api/v1/reports/ageing.xlsx?as_of=2026-06-30&lang=en", as_="accountant")
    ws = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["Contact", "Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"] == (
        values[2][:6]
    )
    assert values[2][7] == "Unallocated credit"
    assert values[-1] == ["Total", 5450000, 4360000, 21800000, 2180000, 10000000, 43790000, 0]


def test_followup_report_splits_due_and_overdue_per_customer(
    api: Api, book: dict[str, int]
) -> None:
    body = api.ok("GET", "/api/v1/reports/followup?as_of=2026-06-30", as_="accountant")
    per = {c["contact_id"]: c for c in body["customers"]}
    assert per[book["a"]]["overdue_amount"] == "31800000" and per[book["a"]]["due_amount"] == "0"
    assert per[book["b"]]["due_amount"] == "5450000"
    assert per[book["b"]]["overdue_amount"] == "6540000"  # 2.18M + 4.36M
    assert per[book["b"]]["overdue_count"] == 2 and len(per[book["b"]]["invoices"]) == 3
    assert body["total_open"] == "43790000"
    only_b = api.ok(
        "GET", f"/api/v1/reports/followup?as_of=2026-06-30&contact_id={book['b']}", as_="accountant"
    )
    assert [c["contact_id"] for c in only_b["customers"]] == [book["b"]]


def test_followup_pdf_and_xlsx(api: Api, book: dict[str, int]) -> None:
    pdf = api.get("/api/v1/reports/followup.pdf?as_of=2026-06-30&lang=fa", as_="accountant")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for word in ("گزارش پیگیری", "مشتری الف", "مشتری ب", "معوق"):
        assert word in text, (word, text)
    xlsx = api.get("/api/v1/reports/followup.xlsx?as_of=2026-06-30&lang=en", as_="accountant")
    book_ = load_workbook(io.BytesIO(xlsx.data))
    summary = [[c.value for c in row] for row in book_.worksheets[0].iter_rows()]
    assert summary[-1] == ["All customers", 5450000, None, 38340000, None, 43790000]
    invoices = list(book_.worksheets[1].iter_rows(values_only=True))
    assert len(invoices) == 1 + 5
