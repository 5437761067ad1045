"""Reports (SPEC I12, E6, I10) from real postings: invoices approved, numbered, paid,
cancelled through the services; then the report rows and totals are checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.services.reporting import reports
from engine.services.unit_of_work import UnitOfWork
from tests.integration.postings import ageing_book, cancel, on_day

AS_OF = date(2026, 6, 30)


@pytest.fixture
def book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    return ageing_book(uow, ids)


def test_unpaid_invoices_lists_open_receivables_with_exact_totals(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    report = reports.unpaid_invoices(uow, actor_id=ids["accountant"], as_of=AS_OF)
    got = {r.document_id: r.open for r in report.rows}
    assert got == {
        book["a_old"]: Decimal("10000000"),
        book["a_may"]: Decimal("21800000"),
        book["b_cur"]: Decimal("5450000"),
        book["b_apr"]: Decimal("2180000"),
        book["b_jun"]: Decimal("4360000"),
    }
    assert report.count == 5
    assert report.total == Decimal("44690000")  # 10.9M + 21.8M + 5.45M + 2.18M + 4.36M
    assert report.paid == Decimal("900000")
    assert report.open == Decimal("43790000")
    assert [r.document_id for r in report.rows][0] == book["a_old"]  # oldest due first
    first = report.rows[0]
    assert first.number and first.number.startswith("INV-")
    assert first.contact_name == "مشتری الف" and first.days_overdue == 91


def test_overdue_invoices_leave_out_what_is_not_yet_due(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    report = reports.unpaid_invoices(
        uow, actor_id=ids["accountant"], as_of=AS_OF, overdue_only=True
    )
    assert {r.document_id for r in report.rows} == {
        book["a_old"],
        book["a_may"],
        book["b_apr"],
        book["b_jun"],
    }
    assert report.open == Decimal("38340000")
    assert {r.document_id: r.days_overdue for r in report.rows}[book["b_jun"]] == 10


def test_received_excludes_bounced_cheques_and_groups_by_contact_and_month(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    period = reports.Period(date(2026, 1, 1), date(2026, 6, 30))
    report = reports.received_from_customers(uow, actor_id=ids["accountant"], period=period)
    assert report.total == Decimal("1990000") and report.count == 2
    by_contact = {r["contact_id"]: r["amount"] for r in report.by_contact}
    assert by_contact == {book["b"]: Decimal("1090000"), book["a"]: Decimal("900000")}
    assert report.by_month == [
        {"month": "2026-04", "amount": Decimal("900000")},
        {"month": "2026-06", "amount": Decimal("1090000")},
    ]
    june = reports.received_from_customers(
        uow, actor_id=ids["accountant"], period=reports.Period(date(2026, 6, 1), date(2026, 6, 30))
    )
    assert june.total == Decimal("1090000")


def test_collection_percentage_over_a_chosen_period(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    june = reports.collection_percentage(
        uow, actor_id=ids["accountant"], period=reports.Period(date(2026, 6, 1), date(2026, 6, 30))
    )
    # June invoices: b_cur 5.45M, b_paid 1.09M (paid), b_jun 4.36M; b_cancel is gone (I10).
    assert june.count == 3
    assert june.invoiced == Decimal("10900000")
    assert june.collected == Decimal("1090000")
    assert june.percent == Decimal("10.00")
    whole = reports.collection_percentage(uow, actor_id=ids["accountant"])
    assert whole.invoiced == Decimal("45780000") and whole.collected == Decimal("1990000")
    assert whole.percent == Decimal("4.35")  # 1.99 / 45.78 = 4.3469...%
    empty = reports.collection_percentage(
        uow, actor_id=ids["accountant"], period=reports.Period(date(2025, 1, 1), date(2025, 1, 31))
    )
    assert empty.percent is None and empty.invoiced == 0


def test_ageing_buckets_by_days_past_due(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    report = reports.ageing(uow, actor_id=ids["accountant"], as_of=AS_OF, by_contact=True)
    assert report.buckets == {
        "current": Decimal("5450000"),
        "1-30": Decimal("4360000"),
        "31-60": Decimal("21800000"),
        "61-90": Decimal("2180000"),
        "90+": Decimal("10000000"),
    }
    assert report.total == Decimal("43790000")
    assert report.counts["90+"] == 1
    a_row = next(r for r in report.by_contact if r["contact_id"] == book["a"])
    assert a_row["total"] == Decimal("31800000") and a_row["31-60"] == Decimal("21800000")


def test_cancelling_an_invoice_corrects_the_reports(
    uow: UnitOfWork, ids: dict[str, int], book: dict[str, int]
) -> None:
    before = reports.ageing(uow, actor_id=ids["accountant"], as_of=AS_OF).total
    with on_day(date(2026, 6, 25)):  # on or before the report's date (issue 14 §6)
        cancel(uow, ids, book["b_jun"])
    after = reports.ageing(uow, actor_id=ids["accountant"], as_of=AS_OF)
    assert before - after.total == Decimal("4360000")
    assert after.buckets["1-30"] == 0


def test_reports_need_the_view_all_permission(uow: UnitOfWork, ids: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied):
        reports.unpaid_invoices(uow, actor_id=ids["clerk"])


def test_a_backwards_period_names_the_field(uow: UnitOfWork, ids: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed) as error:
        reports.collection_percentage(
            uow, actor_id=ids["admin"], period=reports.Period(date(2026, 2, 1), date(2026, 1, 1))
        )
    assert "to" in error.value.fields
