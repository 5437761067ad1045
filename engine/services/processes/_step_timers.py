"""What a user task's timer does when it fires: remind its holder, or escalate (issue 12 §6).

The run reports the timers that fired (``WorkflowRun.fired``); the diagram says what
each does (engine.domain.step_timers, docs/bpmn.md). Both write a history line on the
document and an audit row, in the transaction of the step that fired them (the timer
pass, or any user action that found them due).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from engine import clock
from engine.domain.step_timers import ESCALATED, REMINDED, StepTimer, escalation_target
from engine.domain.steps import StepRegistry
from engine.models.workflow import HumanTask, ProcessInstance
from engine.services.documents._posting import record_event
from engine.services.processes._notices import (
    REMINDER_TEMPLATE,
    notify_assigned,
    notify_holders,
)
from engine.services.processes._registry import version_registry
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow.runner import FiredTimer

logger = logging.getLogger(__name__)


def act_on_fired_timers(
    uow: AbstractUnitOfWork,
    instance: ProcessInstance,
    fired: list[FiredTimer],
    held: Mapping[str, HumanTask],
) -> None:
    """Remind or escalate for each timer that fired; ``held`` are the step rows by task id
    as they were before the run's new state was synced (an escalated one is closed now)."""
    registry = version_registry(uow, instance.version_id)
    for timer in fired:
        rule = registry.timers.get(timer.element_id)
        row = held.get(timer.task_id)
        if rule is None or row is None:
            continue
        if rule.remind:
            _remind(uow, row, rule, registry)
        if rule.escalate:
            _escalate(uow, instance, row, rule, timer.opened, registry)


def _remind(
    uow: AbstractUnitOfWork, row: HumanTask, rule: StepTimer, registry: StepRegistry
) -> None:
    """Remind the step's holder, or every member of its lane's roles when nobody holds it."""
    holder = uow.users.find(row.assignee_id) if row.assignee_id else None
    lane = registry.lane(row.lane)
    users = [holder] if holder else uow.users.members_of(lane.roles if lane else ())
    reached = notify_holders(
        uow,
        row=row,
        users=users,
        channels=rule.remind,
        template=REMINDER_TEMPLATE,
        registry=registry,
        key=f"task-reminder:{row.task_guid}:{rule.element_id}",
    )
    details: dict[str, Any] = {"step": row.element_id, "timer": rule.element_id, "users": reached}
    _record(uow, row, REMINDED, "task.remind", details)


def _escalate(
    uow: AbstractUnitOfWork,
    instance: ProcessInstance,
    row: HumanTask,
    rule: StepTimer,
    opened: tuple[str, ...],
    registry: StepRegistry,
) -> None:
    """Give the steps the escalation opened to the first target that applies."""
    holder = uow.users.find(row.assignee_id) if row.assignee_id else None
    lane, assignee = escalation_target(
        rule.escalate, holder.manager_id if holder else None, registry.lanes
    )
    moved = [r for r in uow.tasks.open_of_instance(instance.id) if r.task_guid in opened]
    for new in moved:
        if lane is not None:
            new.lane, new.assignee_id, new.claimed_at = lane, None, None
        if assignee is not None:
            new.assignee_id, new.claimed_at = assignee, clock.now()
            notify_assigned(uow, new, registry)
    details: dict[str, Any] = {
        "step": row.element_id,
        "timer": rule.element_id,
        "from_user": row.assignee_id,
        "from_lane": row.lane,
        "to_lane": lane,
        "to_user": assignee,
        "tasks": [r.id for r in moved],
    }
    _record(uow, row, ESCALATED, "task.escalate", details)
    logger.info("step escalated", extra={"instance_id": instance.id, "task_id": row.id})


def _record(
    uow: AbstractUnitOfWork, row: HumanTask, event: str, action: str, details: dict[str, Any]
) -> None:
    if row.document_id is not None:
        record_event(uow, uow.documents.get(row.document_id), event, actor_id=None, **details)
    uow.audit.record(actor_id=None, action=action, entity="task", entity_id=row.id, details=details)
