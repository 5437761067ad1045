"""The one overdue rule (issue 11 §1; SPEC F3, F10, I12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.domain.overdue import days_overdue, effective_due_date, is_overdue

TODAY = date(2026, 6, 30)
YESTERDAY = date(2026, 6, 29)
ISSUED = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("state", "due", "open_amount", "expected"),
    [
        ("posted", YESTERDAY, "100", True),
        ("partially_paid", YESTERDAY, "40", True),
        ("posted", TODAY, "100", False),  # due today: not yet
        ("posted", date(2026, 7, 1), "100", False),
        ("paid", YESTERDAY, "0", False),
        ("posted", YESTERDAY, "0", False),  # nothing open
        ("cancelled", YESTERDAY, "100", False),
        ("draft", YESTERDAY, "100", False),
        ("awaiting_approval", YESTERDAY, "100", False),
        ("confirmed", YESTERDAY, "100", False),
        ("posted", None, "100", True),  # no due date: due on the issue date
    ],
)
def test_is_overdue(state: str, due: date | None, open_amount: str, expected: bool) -> None:
    """Issue 11 §1: open state, an amount open, due (or issued) before today."""
    got = is_overdue(
        state=state, due_date=due, issue_date=ISSUED, open_amount=Decimal(open_amount), today=TODAY
    )
    assert got is expected


def test_an_undated_document_issued_today_is_not_overdue() -> None:
    assert not is_overdue(
        state="posted", due_date=None, issue_date=TODAY, open_amount=Decimal(1), today=TODAY
    )


def test_effective_due_date_and_days_overdue() -> None:
    assert effective_due_date(None, ISSUED) == ISSUED
    assert effective_due_date(YESTERDAY, ISSUED) == YESTERDAY
    assert days_overdue(YESTERDAY, ISSUED, TODAY) == 1
    assert days_overdue(TODAY, ISSUED, TODAY) == 0
    assert days_overdue(date(2026, 7, 5), ISSUED, TODAY) == 0
    assert days_overdue(None, ISSUED, TODAY) == 29
