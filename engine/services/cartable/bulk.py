"""Deciding many tasks at once (the cartable's bulk approval; issue 17 §4).

Each task is its own transaction, so one that cannot be decided (another user's, already
completed, a step its diagram does not let be decided in bulk) leaves the others done,
and each gets its own outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.domain.errors import CartableError, ValidationFailed
from engine.services.cartable.tasks import CompletionResult, complete_task, get_task
from engine.services.unit_of_work import UnitOfWork

MAX_TASKS = 500


@dataclass(frozen=True)
class BulkOutcome:
    """One task's result: ``done`` (the completion) or ``error`` (why not)."""

    task_id: int
    done: CompletionResult | None = None
    error: CartableError | None = None


def complete_tasks(
    uow: UnitOfWork,
    *,
    task_ids: Sequence[int],
    actor_id: int,
    decision: str | None = None,
    comment: str | None = None,
) -> list[BulkOutcome]:
    """Decide each task of ``task_ids`` (each once, in the order given).

    Only steps whose diagram lets them be decided in bulk are; ``decision`` defaults to
    each step's own bulk decision (its approval).
    """
    if not task_ids:
        raise ValidationFailed.single("task_ids", "select at least one task")
    if len(task_ids) > MAX_TASKS:
        raise ValidationFailed.single("task_ids", f"at most {MAX_TASKS} tasks at once")
    outcomes = []
    for task_id in dict.fromkeys(task_ids):
        try:
            task = get_task(uow, task_id=task_id, actor_id=actor_id)
            if task.bulk_decision is None:
                raise ValidationFailed.single("task_ids", "its step is not decided in bulk")
            done = complete_task(
                uow,
                task_id=task_id,
                actor_id=actor_id,
                decision=decision or task.bulk_decision,
                comment=comment,
            )
            outcomes.append(BulkOutcome(task_id, done=done))
        except CartableError as error:
            outcomes.append(BulkOutcome(task_id, error=error))
    return outcomes
