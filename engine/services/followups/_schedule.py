"""When each customer's next follow-up step is due: the customer_followup rows (F4).

These functions touch only follow-up rows, never a workflow: plan_followup (the BPMN
service task) and the level editor share them, so the stored next date and the BPMN
timer come from the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from engine import clock
from engine.domain.followups import LevelRule, OpenInvoice, customer_next_date
from engine.models.followups import CustomerFollowup
from engine.services.unit_of_work import UnitOfWork

# A customer waiting for a person is looked at again after this long, in case its
# invoices were paid meanwhile (so its instance ends instead of waiting forever).
RECHECK_AFTER = timedelta(days=30)
# A timer never fires inside the transaction that set it: the daily pass picks it up.
MIN_DELAY = timedelta(minutes=1)
BATCH = 500


@dataclass(frozen=True)
class Plan:
    has_open: bool
    next_date: date | None
    next_at: datetime | None


def start_of(day: date) -> datetime:
    """Return midnight of ``day`` where the business is, as aware UTC."""
    return datetime.combine(day, time(0), clock.business_zone()).astimezone(UTC)


def plan_customer(
    state: CustomerFollowup,
    rules: Sequence[LevelRule],
    invoices: Sequence[OpenInvoice],
    *,
    on: date,
    now: datetime,
) -> Plan:
    """Set the customer's status and next date from its open invoices; return the timer.

    A next date typed by a person (F4) is kept while it is still ahead.
    """
    if not invoices:
        _close(state, "none")
        return Plan(False, None, None)
    if state.status == "action_needed":
        return Plan(True, state.next_date, max(start_of(on) + RECHECK_AFTER, now + MIN_DELAY))
    if state.next_date_manual and state.next_date is not None and state.next_date > on:
        next_day: date | None = state.next_date
    else:
        next_day = customer_next_date(rules, invoices)
        state.next_date_manual = False
    if next_day is None:
        _close(state, "done")  # every level has been applied; a new invoice restarts it
        return Plan(False, None, None)
    state.status, state.next_date, state.updated_at = "waiting", next_day, now
    return Plan(True, next_day, max(start_of(next_day), now + MIN_DELAY))


def redate_customers(uow: UnitOfWork) -> int:
    """Recompute the next date of every waiting customer from the current levels.

    Runs after a level's days change (F1): set-based, 500 customers per query, no
    workflow loaded. A customer whose timer now comes too late is woken by the daily
    pass (it selects on this date); one whose timer comes too early re-plans when it
    fires. Returns how many customers got a new date.
    """
    rules = uow.followups.rules()
    changed, after = 0, 0
    while True:
        states = uow.followups.waiting_after(after, limit=BATCH)
        if not states:
            return changed
        after = states[-1].contact_id
        invoices = uow.followups.open_invoices([s.contact_id for s in states])
        for state in states:
            if state.next_date_manual:
                continue
            new = customer_next_date(rules, invoices.get(state.contact_id, []))
            if new != state.next_date:
                state.next_date = new
                changed += 1
        uow.flush()


def _close(state: CustomerFollowup, status: str) -> None:
    state.status, state.next_date, state.next_date_manual = status, None, False
    state.updated_at = clock.now()
