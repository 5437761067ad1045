"""The one overdue rule (issue 11 §1, SPEC F3, F10, I12).

A document is overdue on ``today`` (the business day, engine.clock.business_today)
when it is posted and not fully paid (state ``posted`` or ``partially_paid``), still
has an amount open, and its due date (or, without one, its issue date) is before
``today``: due today is not overdue yet. The SQL form of the same rule is
engine.repositories.documents.overdue_clause; the document list, the document
view, the reports and the follow-ups all use one of the two.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.domain.states import OPEN, DocumentState


def effective_due_date(due_date: date | None, issue_date: date) -> date:
    """Return the due date, or the issue date for a document without one."""
    return due_date if due_date is not None else issue_date


def is_overdue(
    *,
    state: str,
    due_date: date | None,
    issue_date: date,
    open_amount: Decimal,
    today: date,
) -> bool:
    """Tell whether a document is overdue on ``today`` (the rule above)."""
    return (
        DocumentState(state) in OPEN
        and open_amount > 0
        and effective_due_date(due_date, issue_date) < today
    )


def days_overdue(due_date: date | None, issue_date: date, today: date) -> int:
    """Return the whole days past due on ``today`` (0 when not yet due)."""
    return max((today - effective_due_date(due_date, issue_date)).days, 0)
