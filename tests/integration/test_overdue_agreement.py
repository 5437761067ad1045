"""One overdue rule: the list, the view, the reports and the follow-ups agree (issue 11 §1;
SPEC F3, F10, I12).

Six invoices of one customer on the edges: due today (not overdue yet), due yesterday
(overdue), paid (never overdue), partially paid and past due (overdue for what is open),
cancelled (never), and an imported row without a due date (due on its issue date, as
the reports always counted it; the list, the view and the follow-ups skipped it).
Each place that says "overdue" must pick the same two, also late in
the evening UTC when the business day (Asia/Tehran) has already turned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from engine.domain.overdue import is_overdue
from engine.services.accounts import statements
from engine.services.documents.views import get_document, list_documents
from engine.services.reporting import reports
from engine.services.unit_of_work import UnitOfWork
from tests.integration.postings import cancel, customer, pay, posted_invoice

TODAY = date(2026, 6, 30)
ISSUED = date(2026, 6, 1)
PRICE = "1000000"  # + 9% tax: 1,090,000 per invoice


@pytest.fixture
def edges(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    contact = customer(uow, ids, "Overdue edges")
    out = {"contact": contact}
    for name, due in (
        ("due_today", TODAY),
        ("due_yesterday", TODAY - timedelta(days=1)),
        ("paid", ISSUED),
        ("partly_paid", ISSUED),
        ("cancelled", ISSUED),
    ):
        out[name] = posted_invoice(uow, ids, contact, PRICE, issued=ISSUED, due=due)
    pay(uow, ids, contact, "1090000", {out["paid"]: "1090000"}, on=ISSUED)
    pay(uow, ids, contact, "500000", {out["partly_paid"]: "500000"}, on=ISSUED)
    cancel(uow, ids, out["cancelled"])
    out["no_due_date"] = posted_invoice(uow, ids, contact, PRICE, issued=ISSUED, due=ISSUED)
    with uow:  # a row imported without a due date
        uow.documents.get(out["no_due_date"]).due_date = None
        uow.commit()
    return out


# 08:00 UTC and 21:00 UTC the evening before are both 30 June in Tehran (+03:30).
MOMENTS = [
    datetime(2026, 6, 30, 8, tzinfo=UTC),
    datetime(2026, 6, 29, 21, tzinfo=UTC),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=["morning", "evening-utc"])
def test_list_view_reports_and_followups_pick_the_same_overdue_invoices(
    uow: UnitOfWork, ids: dict[str, int], edges: dict[str, int], moment: datetime
) -> None:
    """Issue 11 §1: due yesterday, partly paid and undated are overdue; due today, paid
    and cancelled are not, in every place that says so (F3, F10, I12)."""
    expected = {edges["due_yesterday"], edges["partly_paid"], edges["no_due_date"]}
    contact, actor = edges["contact"], ids["accountant"]
    invoices = [edges[k] for k in ("due_today", "due_yesterday", "paid", "partly_paid")]
    invoices += [edges["cancelled"], edges["no_due_date"]]
    with time_machine.travel(moment, tick=False):
        listed = list_documents(uow, actor_id=actor, contact_id=contact, overdue=True)
        views = [get_document(uow, document_id=i, actor_id=actor) for i in invoices]
        report = reports.unpaid_invoices(uow, actor_id=actor, overdue_only=True)
        followup = statements.followup_report(uow, actor_id=actor, contact_ids=[contact])
        with uow:
            totals = uow.followups.overdue_totals([contact], TODAY)

    assert {d.id for d in listed} == expected
    assert {v.id for v in views if v.overdue} == expected
    assert {
        v.id
        for v in views
        if is_overdue(
            state=v.state,
            due_date=v.due_date,
            issue_date=v.issue_date,
            open_amount=v.open_amount,
            today=TODAY,
        )
    } == expected
    assert {r.document_id for r in report.rows if r.contact_id == contact} == expected
    (row,) = followup.customers
    open_overdue = Decimal("1090000") + Decimal("590000") + Decimal("1090000")
    assert (row.overdue_count, row.overdue_amount) == (3, open_overdue)
    assert (row.due_count, row.due_amount) == (1, Decimal("1090000"))  # due today
    assert totals == {contact: (3, open_overdue)}


def test_the_day_after_due_today_turns_overdue_everywhere(
    uow: UnitOfWork, ids: dict[str, int], edges: dict[str, int]
) -> None:
    """Issue 11 §1: the invoice due today becomes overdue the next business day (F3)."""
    contact, actor = edges["contact"], ids["accountant"]
    with time_machine.travel(datetime(2026, 7, 1, 8, tzinfo=UTC), tick=False):
        listed = list_documents(uow, actor_id=actor, contact_id=contact, overdue=True)
        view = get_document(uow, document_id=edges["due_today"], actor_id=actor)
        report = reports.unpaid_invoices(uow, actor_id=actor, overdue_only=True)
        with uow:
            totals = uow.followups.overdue_totals([contact], date(2026, 7, 1))
    assert edges["due_today"] in {d.id for d in listed}
    assert view.overdue
    assert edges["due_today"] in {r.document_id for r in report.rows}
    assert totals[contact][0] == 4
