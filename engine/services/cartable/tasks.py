"""Cartables: the user's inbox of open steps, claiming and completing them (C2, §6)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine import clock
from engine.domain.errors import Conflict, PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.steps import Decision, Field, StepRegistry
from engine.models.workflow import HumanTask
from engine.repositories.workflow import TaskQuery
from engine.services.cartable._steps import check_may_work, complete_task_row
from engine.services.processes._notices import notify_assigned
from engine.services.processes._operators import operator_run
from engine.services.processes._registry import (
    delegators,
    instance_registry,
    lane_directory,
    lanes_of,
    version_registry,
)
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import load_actor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskView:
    id: int
    cartable: str
    element_id: str
    name: str
    status: str
    document_id: int | None
    document_type: str
    document_label: str
    contact_name: str
    amount: Decimal | None
    assignee_id: int | None
    claimed_at: datetime | None
    created_at: datetime
    due_at: datetime | None
    priority: int
    instance_id: int
    # What the task's diagram declares, so pages offer what the services accept:
    decisions: tuple[Decision, ...] = ()  # the decisions the cartable's decide form offers
    fields: tuple[Field, ...] = ()  # the form fields deciding asks
    labels: dict[str, str] | None = None  # the step's name by language
    cartable_labels: dict[str, str] | None = None  # the lane's name by language
    bulk_decision: str | None = None  # what a bulk approval sends (None: not bulk-approvable)
    releasable: bool = True  # may be released or handed over (not the author's own task)
    personal: bool = False  # the diagram named its assignee (issue 12 §4-5)
    barred: bool = False  # four-eyes: the viewer created its document and may not decide it


@dataclass(frozen=True)
class CompletionResult:
    task_id: int
    document_id: int | None
    decision: str
    document_state: str | None


def list_cartable(
    uow: UnitOfWork,
    *,
    actor_id: int,
    cartable: str | None = None,
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[TaskView]:
    """Return the open tasks of the actor's lanes and those assigned to the actor
    (only those past their due time when ``overdue``)."""
    with uow:
        actor = load_actor(uow, actor_id)
        _check_cartable(lane_directory(uow), cartable)
        rows = uow.tasks.cartable(
            user_id=actor.id,
            lanes=lanes_of(uow, actor),
            only_lanes=None if cartable is None else [cartable],
            overdue_at=clock.now() if overdue else None,
            limit=min(limit, 500),
            offset=offset,
            for_users=[user.id for user in delegators(uow, actor)],
        )
        return task_views(uow, rows, actor.id)


def list_cartables(uow: UnitOfWork, *, actor_id: int) -> dict[str, dict[str, str]]:
    """Return the cartables (one per lane the diagrams declare) with their labels by language."""
    with uow:
        load_actor(uow, actor_id)
        return {lane.name: dict(lane.labels) for lane in lane_directory(uow).lanes.values()}


def _check_cartable(directory: StepRegistry, cartable: str | None) -> None:
    if cartable is not None and cartable not in directory.cartables:
        names = ", ".join(directory.cartables)
        raise ValidationFailed.single("cartable", f"must be one of: {names}")


@dataclass(frozen=True)
class CartablePage:
    tasks: list[TaskView]
    total: int


SORTS = ("created", "due", "priority", "amount")


def search_cartable(uow: UnitOfWork, *, actor_id: int, query: TaskQuery) -> CartablePage:
    """Return one filtered, sorted page of the actor's cartable and how many tasks match.

    Only the task index is read, never a serialized workflow (ARCHITECTURE §5).
    """
    errors: dict[str, str] = {}
    if query.sort not in SORTS:
        errors["sort"] = f"must be one of: {', '.join(SORTS)}"
    if (
        query.amount_min is not None
        and query.amount_max is not None
        and query.amount_min > query.amount_max
    ):
        errors["amount_max"] = "must not be below the minimum"
    if not 1 <= query.limit <= 500 or query.offset < 0:
        errors["limit"] = "must be from 1 to 500 (offset 0 or more)"
    if errors:
        raise ValidationFailed(errors)
    with uow:
        actor = load_actor(uow, actor_id)
        _check_cartable(lane_directory(uow), query.cartable)
        rows, total = uow.tasks.search(
            user_id=actor.id,
            lanes=lanes_of(uow, actor),
            query=query,
            now=clock.now(),
            for_users=[user.id for user in delegators(uow, actor)],
        )
        return CartablePage(task_views(uow, rows, actor.id), total)


def get_task(uow: UnitOfWork, *, task_id: int, actor_id: int) -> TaskView:
    """Return one task the actor may see."""
    with uow:
        actor = load_actor(uow, actor_id)
        task = uow.tasks.get(task_id)
        pooled = task.lane in lanes_of(uow, actor) and not task.personal
        holders = {actor.id, *(user.id for user in delegators(uow, actor))}
        if not pooled and task.assignee_id not in holders and task.completed_by != actor.id:
            raise PermissionDenied("this task is not in your cartable")
        return task_view(uow, task, actor.id)


def claim_task(uow: AbstractUnitOfWork, *, task_id: int, actor_id: int) -> TaskView:
    """Take an unclaimed task of one's lane; a task held by someone else is a 409."""
    with uow:
        actor = load_actor(uow, actor_id)
        task = uow.tasks.get_for_update(task_id)
        _check_open(task)
        if task.assignee_id is not None and task.assignee_id != actor.id:
            raise Conflict("another user already holds this task")
        substitute_for = check_may_work(uow, actor, task)
        task.assignee_id, task.claimed_at = actor.id, clock.now()
        uow.audit.record(
            actor_id=actor.id,
            action="task.claim",
            entity="task",
            entity_id=task.id,
            details=_acting_for(substitute_for),
        )
        uow.commit()
        return task_view(uow, task, actor.id)


def unclaim_task(uow: AbstractUnitOfWork, *, task_id: int, actor_id: int) -> TaskView:
    """Give a held task back to its lane (the holder, or a user who may assign tasks)."""
    with uow:
        actor = load_actor(uow, actor_id)
        task = uow.tasks.get_for_update(task_id)
        _check_open(task)
        if task.assignee_id != actor.id and Perm.ASSIGN_TASKS not in actor.permissions:
            raise PermissionDenied("only the holder may release this task")
        _check_releasable(uow, task)
        task.assignee_id, task.claimed_at = None, None
        uow.audit.record(actor_id=actor.id, action="task.unclaim", entity="task", entity_id=task.id)
        uow.commit()
        return task_view(uow, task, actor.id)


def assign_task(
    uow: AbstractUnitOfWork, *, task_id: int, assignee_id: int, actor_id: int
) -> TaskView:
    """Hand a task to a colleague who may work its lane (the holder, or an assigner)."""
    with uow:
        actor = load_actor(uow, actor_id)
        task = uow.tasks.get_for_update(task_id)
        _check_open(task)
        if task.assignee_id != actor.id and Perm.ASSIGN_TASKS not in actor.permissions:
            raise PermissionDenied("only the holder or a user who may assign tasks can do this")
        _check_releasable(uow, task)
        assignee = uow.users.find(assignee_id)
        if assignee is None or not assignee.is_active:
            raise ValidationFailed.single("assignee_id", f"unknown user {assignee_id}")
        previous = task.assignee_id
        task.assignee_id = None
        try:
            check_may_work(uow, assignee, task)
        except PermissionDenied as error:
            raise ValidationFailed.single(
                "assignee_id", f"that user cannot work this task: {error}"
            ) from error
        task.assignee_id, task.claimed_at = assignee.id, clock.now()
        notify_assigned(uow, task, instance_registry(uow, task.instance_id))
        uow.audit.record(
            actor_id=actor.id,
            action="task.assign",
            entity="task",
            entity_id=task.id,
            details={"from": previous, "to": assignee.id},
        )
        uow.commit()
        return task_view(uow, task, actor.id)


def complete_task(
    uow: AbstractUnitOfWork,
    *,
    task_id: int,
    actor_id: int,
    decision: str,
    comment: str | None = None,
    fields: Mapping[str, object] | None = None,
) -> CompletionResult:
    """Complete a task with a decision (and its form fields) and run the process on.

    The decision and the fields' typed values join the instance data. Raises
    PermissionDenied (not the holder, not in the lane), Conflict (already completed),
    ValidationFailed (unknown decision, a decision needing a comment without one, an
    unknown, missing or malformed field, named ``fields.<name>``).
    """
    with uow:
        actor = load_actor(uow, actor_id)
        task = uow.tasks.get_for_update(task_id)
        form = {"decision": decision, "comment": comment, "fields": dict(fields or {})}
        with operator_run(uow, actor_id=actor.id) as run:
            substitute_for = complete_task_row(uow, task, actor, form, run.operators)
        uow.audit.record(
            actor_id=actor.id,
            action="task.complete",
            entity="task",
            entity_id=task.id,
            details={
                "decision": decision,
                "document_id": task.document_id,
                **_acting_for(substitute_for),
            },
        )
        state = uow.documents.get(task.document_id).state if task.document_id else None
        uow.commit()
        logger.info("task completed", extra={"task_id": task.id, "decision": decision})
        return CompletionResult(task.id, task.document_id, decision, state)


def _acting_for(user_id: int | None) -> dict[str, object]:
    """The audit details of a substitute's act: "X for Y" (issue 12 §7)."""
    return {} if user_id is None else {"for_user": user_id}


def _check_open(task: HumanTask) -> None:
    if task.status != "open":
        raise Conflict(f"task {task.id} is already {task.status}")


def _check_releasable(uow: AbstractUnitOfWork, task: HumanTask) -> None:
    """Refuse to give back or hand over the author's own task or one the diagram assigned."""
    lane = lane_directory(uow).lane(task.lane)
    if lane is not None and not lane.releasable:
        raise Conflict("the author's task cannot be released")
    if task.personal:
        raise Conflict("the diagram assigned this task to its holder; it cannot be released")


def task_views(uow: UnitOfWork, rows: list[HumanTask], viewer_id: int) -> list[TaskView]:
    """Return the views of many task rows as ``viewer_id`` sees them (one registry per
    process version)."""
    versions = uow.processes.version_ids_of(row.instance_id for row in rows)
    registries = {v: version_registry(uow, v) for v in set(versions.values())}
    return [_view(row, registries[versions[row.instance_id]], viewer_id) for row in rows]


def task_view(uow: AbstractUnitOfWork, row: HumanTask, viewer_id: int) -> TaskView:
    """Return the plain view of a task row, with what its step and lane allow ``viewer_id``."""
    return _view(row, instance_registry(uow, row.instance_id), viewer_id)


def _view(row: HumanTask, registry: StepRegistry, viewer_id: int) -> TaskView:
    step = registry.step(row.element_id)
    lane = registry.lane(row.lane)
    offered = step.cartable_decisions if step else ()
    return TaskView(
        id=row.id,
        cartable=row.lane,
        element_id=row.element_id,
        name=row.name,
        status=row.status,
        document_id=row.document_id,
        document_type=row.document_type,
        document_label=row.document_label,
        contact_name=row.contact_name,
        amount=row.amount,
        assignee_id=row.assignee_id,
        claimed_at=row.claimed_at,
        created_at=row.created_at,
        due_at=row.due_at,
        priority=row.priority,
        instance_id=row.instance_id,
        decisions=offered,
        fields=step.fields if step and offered else (),
        labels=dict(step.labels) if step else None,
        cartable_labels=dict(lane.labels) if lane else None,
        bulk_decision=step.bulk_decision if step else None,
        releasable=(lane.releasable if lane else True) and not row.personal,
        personal=bool(row.personal),
        barred=row.author_id == viewer_id and registry.four_eyes(row.element_id, row.lane),
    )
