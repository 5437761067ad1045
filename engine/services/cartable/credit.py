"""What a credit-approval task shows: the exposure and limit it was opened with, the
customer's exposure now and its ageing (issue 14 §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from engine import clock
from engine.domain.exposure import available_credit
from engine.services.cartable.tasks import get_task
from engine.services.documents._credit import contact_exposure
from engine.services.processes._runs import restore_run
from engine.services.unit_of_work import UnitOfWork
from engine.workflow import NO_OPERATORS


@dataclass(frozen=True)
class TaskCredit:
    exposure: Decimal  # when the breach was found: what the document would bring it to
    credit_limit: Decimal | None
    contact_id: int | None = None
    exposure_now: Decimal | None = None  # as it stands while the task waits
    available_credit: Decimal | None = None
    ageing: dict[str, Decimal] = field(default_factory=dict)  # open receivables by bucket
    unallocated_credit: Decimal = Decimal(0)


def task_credit(uow: UnitOfWork, *, task_id: int, actor_id: int) -> TaskCredit | None:
    """Return the credit figures of an open task whose data carries a credit breach,
    with the customer's exposure now and its ageing as of today.

    None for any other task. Raises like :func:`get_task` for a task the actor may not see.
    """
    get_task(uow, task_id=task_id, actor_id=actor_id)  # who may see it
    with uow:
        row = uow.tasks.get(task_id)
        if row.status != "open":
            return None
        run = restore_run(uow, uow.processes.get(row.instance_id), NO_OPERATORS)
        data = next((t.data for t in run.ready_user_tasks() if t.id == row.task_guid), {})
        exposure, limit = data.get("exposure"), data.get("credit_limit")
        breach = data.get("credit_breach") is True or data.get("order_credit_breach") is True
        if not breach or not isinstance(exposure, Decimal):
            return None
        limit = limit if isinstance(limit, Decimal) else None
        contact_id = data.get("contact_id")
        if not isinstance(contact_id, int):
            return TaskCredit(exposure, limit)
        now = contact_exposure(uow, contact_id)
        ageing = uow.reports.ageing(as_of=clock.business_today(), contact_ids=[contact_id])
        return TaskCredit(
            exposure,
            limit,
            contact_id=contact_id,
            exposure_now=now,
            available_credit=available_credit(limit, now),
            ageing=dict(ageing.buckets),
            unallocated_credit=ageing.credit,
        )
