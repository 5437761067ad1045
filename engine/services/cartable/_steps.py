"""Completing one user task: who may, which decisions and fields, what history it writes.

Every way a step is completed (the cartable API, submit after a rejection, confirming
a quote, delivering an order) comes through :func:`complete_task_row`. What a step takes
is what its diagram declares (engine.services.processes._registry; issue 12 §1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import clock
from engine.domain.errors import Conflict, PermissionDenied
from engine.domain.steps import Assignment, Step, StepAction
from engine.models.documents import Document
from engine.models.users import User
from engine.models.workflow import HumanTask
from engine.services.documents._posting import record_event
from engine.services.processes._registry import delegators, instance_registry, lane_directory
from engine.services.processes._runs import restore_run, save_run
from engine.services.unit_of_work import AbstractUnitOfWork


def check_may_work(uow: AbstractUnitOfWork, actor: User, task: HumanTask) -> int | None:
    """Raise PermissionDenied unless ``actor`` may complete or claim ``task``.

    A four-eyes step is refused to its document's creator (issue 12 §4); a personal
    task (the diagram named its assignee) is worked by its assignee alone, or their
    substitute. Return the id of the user the actor works it for, as their substitute
    today (issue 12 §7: the task is that user's, or in a cartable of that user's roles
    and not of the actor's own), or None when the actor works it as themself.
    """
    substituted = delegators(uow, actor)
    holder = None
    if task.assignee_id is not None and task.assignee_id != actor.id:
        if not any(user.id == task.assignee_id for user in substituted):
            raise PermissionDenied("this task is held by another user")
        holder = task.assignee_id  # the absent user's own task
    if is_barred(uow, task, actor.id):
        raise PermissionDenied(
            "four-eyes: the creator of a document may not decide its step"
            f" {task.element_id!r}; another user must"
        )
    if holder is not None or task.personal:
        return holder
    lane = lane_directory(uow).lane(task.lane)
    if lane is not None and lane.assignment is Assignment.CREATOR:
        if task.assignee_id != actor.id:
            raise PermissionDenied("only the document's author may work this task")
        return None
    if lane is not None and lane.worked_by(uow.users.role_codes(actor)):
        return None
    for user in substituted:
        if lane is not None and lane.worked_by(uow.users.role_codes(user)):
            return user.id
    if task.assignee_id == actor.id:
        return None  # given to the actor personally: escalated to a manager (§6)
    raise PermissionDenied(f"you are not in the {task.lane!r} cartable")


def is_barred(uow: AbstractUnitOfWork, task: HumanTask, user_id: int) -> bool:
    """Tell whether four-eyes bars ``user_id``, the document's creator, from ``task``."""
    return task.author_id == user_id and instance_registry(uow, task.instance_id).four_eyes(
        task.element_id, task.lane
    )


def step_of(uow: AbstractUnitOfWork, task: HumanTask) -> Step | None:
    """Return what the task's diagram declares for it (None: a step of free decisions)."""
    return instance_registry(uow, task.instance_id).step(task.element_id)


def complete_task_row(
    uow: AbstractUnitOfWork,
    task: HumanTask,
    actor: User,
    form: Mapping[str, Any],
    operators: Mapping[str, Any],
) -> int | None:
    """Complete ``task`` with ``form`` and run the workflow to its next wait; return the
    user the actor completed it for as their substitute (None: as themself).

    ``form`` holds ``decision``, ``comment`` and ``fields`` (the step's form fields by
    name); the decision and the fields' typed values join the instance data. Raises
    Conflict when the task is no longer open (completed twice, or raced),
    ValidationFailed for a decision the step does not take, a missing comment or a bad
    field. Everything the workflow's service tasks do joins the caller's transaction.
    """
    if task.status != "open":
        raise Conflict(f"task {task.id} is already {task.status}")
    decision = str(form.get("decision", ""))
    raw_comment = form.get("comment")
    comment = raw_comment if isinstance(raw_comment, str) else None
    substitute_for = check_may_work(uow, actor, task)
    # Locked before its registry is read: one SELECT ... FOR UPDATE, not a read and a lock.
    instance = uow.processes.get_for_update(task.instance_id)
    step = step_of(uow, task)
    chosen = step.check(decision, comment) if step else None
    submitted = form.get("fields") or {}
    values = step.read_fields(submitted) if step else dict(submitted)
    run = restore_run(uow, instance, operators)
    task.status, task.completed_by, task.completed_at, task.decision = (
        "completed",
        actor.id,
        clock.now(),
        decision,
    )
    if task.document_id is not None:
        details: dict[str, object] = {"step": task.element_id}
        if substitute_for is not None:  # "X for Y" (issue 12 §7)
            details["for_user"] = substitute_for
        if chosen is not None:  # the history shows the diagram's label of an unknown event
            details.update(decision=chosen.value, labels=dict(chosen.labels))
        record_event(
            uow,
            # locked now: the step's service tasks lock it anyway, and then find it held
            uow.documents.get_for_update(task.document_id),
            chosen.event if chosen else (decision or task.element_id),
            actor_id=actor.id,
            comment=comment,
            **details,
        )
    data = {**values, "decision": decision, "comment": comment, "actor_id": actor.id}
    run.complete(task.task_guid, data)
    save_run(uow, instance, run)
    return substitute_for


def complete_step_of(
    uow: AbstractUnitOfWork,
    document: Document,
    action: StepAction,
    actor: User,
    operators: Mapping[str, Any],
    data: Mapping[str, object] | None = None,
) -> bool:
    """Complete the document's open step that ``action`` completes; False if there is none.

    The step and the decision it sends are what the task's diagram declares; ``data``
    goes into the instance with it (a resubmission's credit check, issue 14 §5).
    """
    for task in uow.tasks.open_of_document(document.id):
        step = step_of(uow, task)
        if step is not None and step.action is action:
            form = {"decision": step.action_decision, **(data or {})}
            complete_task_row(uow, uow.tasks.get_for_update(task.id), actor, form, operators)
            return True
    return False
