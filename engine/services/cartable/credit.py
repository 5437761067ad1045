"""What a credit-approval task shows: the exposure and limit it was opened with (issue 14 §5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.services.cartable.tasks import get_task
from engine.services.processes._runs import restore_run
from engine.services.unit_of_work import UnitOfWork
from engine.workflow import NO_OPERATORS


@dataclass(frozen=True)
class TaskCredit:
    exposure: Decimal
    credit_limit: Decimal | None


def task_credit(uow: UnitOfWork, *, task_id: int, actor_id: int) -> TaskCredit | None:
    """Return the credit figures of an open task whose data carries a credit breach.

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
        if data.get("credit_breach") is not True or not isinstance(exposure, Decimal):
            return None
        return TaskCredit(exposure, limit if isinstance(limit, Decimal) else None)
