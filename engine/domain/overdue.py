"""The one overdue rule (issue 11 §1, SPEC F3, F10, I12).

A document is overdue on ``today`` (the business day, engine.clock.business_today)
when it is posted and not fully paid (state ``posted`` or ``partially_paid``), still
has an amount open, and its due date (or, without one, its issue date) is before
``today``: due today is not overdue yet. Under a payment term (issue 14 §3) the due
date is that of its oldest instalment not fully paid (:func:`open_due_date`;
payments settle instalments oldest first), and what is overdue is what is open of the
instalments due before ``today``. The SQL form of the same rule is
engine.repositories.documents.overdue_clause (with due_expr and installment_rows);
the document list, the document view, the reports and the follow-ups all use one
of the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from engine.domain.payment_terms import Installment
from engine.domain.states import OPEN, DocumentState


def open_due_date(installments: Sequence[Installment], *, paid: Decimal) -> date | None:
    """Return the due date of the oldest instalment not fully paid (None: all are, or
    there is no schedule)."""
    for inst in installments:
        if inst.start + inst.amount > paid:
            return inst.due_date
    return None


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
