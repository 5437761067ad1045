"""Completing one user task: who may, which decisions exist, what history it writes.

Every way a step is completed (the cartable API, submit after a rejection, confirming
a quote, delivering an order) comes through :func:`complete_task_row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import clock
from engine.domain.errors import Conflict, PermissionDenied, ValidationFailed
from engine.domain.steps import STEPS, Assignment
from engine.models.documents import Document
from engine.models.users import User
from engine.models.workflow import HumanTask
from engine.services.documents._posting import record_event
from engine.services.processes._runs import restore_run, save_run
from engine.services.unit_of_work import AbstractUnitOfWork


def check_may_work(actor: User, task: HumanTask) -> None:
    """Raise PermissionDenied unless ``actor`` may complete or claim ``task``."""
    if task.assignee_id is not None and task.assignee_id != actor.id:
        raise PermissionDenied("this task is held by another user")
    lane = STEPS.lane(task.lane)
    if lane is not None and lane.assignment is Assignment.CREATOR:
        if task.assignee_id != actor.id:
            raise PermissionDenied("only the document's author may work this task")
        return
    if lane is None or lane.permission is None or lane.permission not in actor.permissions:
        raise PermissionDenied(f"you are not in the {task.lane!r} cartable")


def check_decision(task: HumanTask, decision: str, comment: str | None) -> None:
    """Raise ValidationFailed for a decision the task does not take, or a bare rejection."""
    step = STEPS.step(task.element_id)
    if step is None:  # a step the registry does not know takes any decision
        return
    chosen = step.decision(decision)
    if chosen is None:
        raise ValidationFailed.single("decision", f"must be one of: {', '.join(step.values)}")
    if chosen.needs_comment and not (comment or "").strip():
        raise ValidationFailed.single("comment", "a rejection needs a comment for the author")


def complete_task_row(
    uow: AbstractUnitOfWork,
    task: HumanTask,
    actor: User,
    form: Mapping[str, Any],
    operators: Mapping[str, Any],
) -> None:
    """Complete ``task`` with ``form`` and run the workflow to its next wait.

    Raises Conflict when the task is no longer open (completed twice, or raced).
    Everything the workflow's service tasks do joins the caller's transaction.
    """
    if task.status != "open":
        raise Conflict(f"task {task.id} is already {task.status}")
    decision = str(form.get("decision", ""))
    comment = form.get("comment")
    check_may_work(actor, task)
    check_decision(task, decision, comment if isinstance(comment, str) else None)
    instance = uow.processes.get_for_update(task.instance_id)
    run = restore_run(uow, instance, operators)
    task.status, task.completed_by, task.completed_at, task.decision = (
        "completed",
        actor.id,
        clock.now(),
        decision,
    )
    if task.document_id is not None:
        action = STEPS.event_for(task.element_id, decision)
        document = uow.documents.get(task.document_id)
        record_event(
            uow,
            document,
            action,
            actor_id=actor.id,
            comment=comment if isinstance(comment, str) else None,
            step=task.element_id,
        )
    run.complete(task.task_guid, {**form, "actor_id": actor.id})
    save_run(uow, instance, run)


def complete_open_step(
    uow: AbstractUnitOfWork,
    document: Document,
    element_id: str,
    actor: User,
    form: Mapping[str, Any],
    operators: Mapping[str, Any],
) -> bool:
    """Complete the document's open task at ``element_id``; return False if there is none."""
    for task in uow.tasks.open_of_document(document.id):
        if task.element_id == element_id:
            complete_task_row(uow, uow.tasks.get_for_update(task.id), actor, form, operators)
            return True
    return False
