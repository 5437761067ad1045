"""Start and advance instances, keep the task index in step (C1, C3).

Deployment lives in :mod:`engine.services.processes.deployment`; its names are re-exported here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine import clock
from engine.domain.step_timers import step_deadline
from engine.domain.steps import EMPTY, Assignment, StepRegistry
from engine.models.documents import Document
from engine.models.workflow import HumanTask, ProcessInstance, ProcessVersion
from engine.services.processes._notices import notify_assigned
from engine.services.processes._people import assignee_of
from engine.services.processes._registry import instance_registry, version_registry
from engine.services.processes._step_timers import act_on_fired_timers
from engine.services.processes.calendar import work_calendar
from engine.services.processes.deployment import (
    BPMN_DIR,
    SHIPPED,
    VersionInfo,
    deploy_process,
    deploy_shipped_processes,
)
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import LoadedSpec, ReadyTask, WorkflowRun, cached_bundle, load_bundle

__all__ = [
    "BPMN_DIR",
    "SHIPPED",
    "VersionInfo",
    "cancel_instance",
    "count_working_time",
    "document_instance_ids",
    "refresh_task_summaries",
    "deploy_process",
    "deploy_shipped_processes",
    "restore_run",
    "save_run",
    "start_instance",
    "store_run",
    "sync_tasks",
    "version_spec",
]

logger = logging.getLogger(__name__)


def start_instance(
    uow: AbstractUnitOfWork,
    *,
    process_id: str,
    document_id: int | None,
    data: Mapping[str, object],
    operators: Mapping[str, Any],
) -> ProcessInstance:
    """Start the current version of a process for a document and run it to its first wait.

    The current version is the one last deployed or rolled back to (issue 10 #6), not
    necessarily the newest.
    """
    version = uow.processes.current_version(process_id)
    instance = ProcessInstance(
        version_id=version.id,
        process_id=process_id,
        document_id=document_id,
        status="running",
        state={},
    )
    uow.processes.add(instance)
    run = WorkflowRun.start(version_spec(version), data, operators)
    count_working_time(uow, run)
    store_run(instance, run)
    sync_tasks(uow, instance, run.ready_user_tasks(), open_rows=[])  # a new run has none yet
    return instance


def restore_run(
    uow: AbstractUnitOfWork, instance: ProcessInstance, operators: Mapping[str, Any]
) -> WorkflowRun:
    """Rebuild the live workflow of an instance (its version's spec is cached per process).

    The version's row is read only when its spec is not cached: the unit of work's
    version keys (read once for the step registry) name the cached spec.
    """
    keys = {vid: (pid, checksum) for vid, pid, checksum in uow.processes.version_keys()}
    key = keys.get(instance.version_id)
    spec = cached_bundle(*key) if key is not None else None
    if spec is None:
        spec = version_spec(uow.processes.version(instance.version_id))
    return WorkflowRun.restore(spec, instance.state, operators)


def version_spec(version: ProcessVersion) -> LoadedSpec:
    """Return the version's parsed spec; its spec JSON is read only when not cached."""
    cached = cached_bundle(version.process_id, version.checksum)
    return cached if cached is not None else load_bundle(version.spec_json)


def save_run(uow: AbstractUnitOfWork, instance: ProcessInstance, run: WorkflowRun) -> None:
    """Store the run's state on the instance and rewrite its open task rows.

    The user tasks' timers that just started count working time; those that fired
    remind or escalate (issue 12 §6: history, audit and outbox rows).
    """
    count_working_time(uow, run)
    store_run(instance, run)
    if not run.fired:
        sync_tasks(uow, instance, run.ready_user_tasks())
        return
    held = uow.tasks.open_of_instance(instance.id)
    sync_tasks(uow, instance, run.ready_user_tasks(), open_rows=held)
    act_on_fired_timers(uow, instance, run.fired, {row.task_guid: row for row in held})
    run.fired.clear()


def count_working_time(uow: AbstractUnitOfWork, run: WorkflowRun) -> None:
    """Make the run's new step timers fire after working time over the company calendar."""
    run.count_working_time(lambda start, span: work_calendar(uow).add(start, span))


def store_run(instance: ProcessInstance, run: WorkflowRun) -> None:
    """Put the run's state, status and next timer on the instance row (not the task rows).

    Batch callers (the follow-up pass) use it to write many instances in one flush and
    call :func:`sync_tasks` only for the runs whose user tasks changed.
    """
    instance.state = run.dump()
    instance.status = "completed" if run.is_completed else "running"
    instance.next_timer_at = run.next_timer_at()
    instance.updated_at = clock.now()
    # A step that succeeded ends an open incident (issue 11 §3): a retry, or a user
    # action that moved the instance on.
    if instance.incident_at is not None:
        instance.incident_error = instance.incident_at = instance.incident_element_id = None


def document_instance_ids(uow: AbstractUnitOfWork, document_id: int) -> list[int]:
    """Return the ids of the instances working on a document now: those holding its open
    cartable steps and its running one (a call activity's caller included)."""
    ids = {t.instance_id for t in uow.tasks.open_of_document(document_id)}
    running = uow.processes.running_for_document(document_id)
    if running is not None:
        ids.add(running.id)
    return sorted(ids)


def cancel_instance(
    uow: AbstractUnitOfWork, instance: ProcessInstance, operators: Mapping[str, Any]
) -> None:
    """Cancel a running instance and close its open tasks."""
    run = restore_run(uow, instance, operators)
    run.cancel()
    instance.state = run.dump()
    instance.status = "cancelled"
    instance.next_timer_at = None
    for row in uow.tasks.open_of_instance(instance.id):
        row.status = "cancelled"


def sync_tasks(
    uow: AbstractUnitOfWork,
    instance: ProcessInstance,
    ready: list[ReadyTask],
    *,
    open_rows: list[HumanTask] | None = None,
    flush: bool = True,
) -> list[HumanTask]:
    """Make the instance's open human_task rows equal its READY user tasks.

    A batch that already knows the instance's open rows passes ``open_rows`` (no query)
    and ``flush=False`` (its own flush then inserts every batch's rows at once).
    """
    if open_rows is None:
        open_rows = uow.tasks.open_of_instance(instance.id)
    by_guid = {row.task_guid: row for row in open_rows}
    ready_ids = {task.id for task in ready}
    for guid, row in by_guid.items():
        if guid not in ready_ids:
            row.status = "cancelled"
    new = [task for task in ready if task.id not in by_guid]
    registry = version_registry(uow, instance.version_id) if new else EMPTY
    rows = [_task_row(uow, instance, task, registry) for task in new]
    for row in rows:
        uow.tasks.stage(row)
    if flush:
        uow.flush()
        notify_new_tasks(uow, rows, registry)
    return rows


def notify_new_tasks(
    uow: AbstractUnitOfWork, rows: list[HumanTask], registry: StepRegistry | None = None
) -> None:
    """Tell each new (flushed) task's assignee it is theirs, if they opted in (issue 12
    §7). A batch that staged rows with ``flush=False`` calls it after its own flush."""
    for row in rows:
        if row.assignee_id is not None:
            notify_assigned(uow, row, registry or instance_registry(uow, row.instance_id))


def _task_row(
    uow: AbstractUnitOfWork, instance: ProcessInstance, task: ReadyTask, registry: StepRegistry
) -> HumanTask:
    document_id = task.data.get("document_id") or instance.document_id
    lane = registry.lane(task.lane or "")  # its diagram says how its assignee is found
    assignment = lane.assignment if lane else None
    row = HumanTask(
        instance_id=instance.id,
        task_guid=task.id,
        element_id=task.element_id,
        name=task.name or task.element_id,
        lane=task.lane or "",
        created_at=clock.now(),
    )
    if isinstance(document_id, int):
        document = uow.documents.get(document_id)
        row.document_id = document.id
        row.document_type = document.type.code
        row.author_id = document.created_by
        _summarize(uow, row, document)
        row.due_at = _document_due(document)
        if assignment is Assignment.CREATOR:  # the author's own task: back to the creator
            row.assignee_id = document.created_by
    if assignment is Assignment.RESPONSIBLE:  # F1: in the responsible user's cartable
        responsible = task.data.get("responsible_id")
        row.assignee_id = responsible if isinstance(responsible, int) else None
        row.contact_name = str(task.data.get("contact_name") or "")[:200]
        row.name = str(task.data.get("activity_summary") or row.name)[:200]
    step = registry.step(task.element_id)
    barred = row.author_id if registry.four_eyes(task.element_id, row.lane) else None
    named = assignee_of(uow, step, task.data, barred)
    if named is not None:  # the diagram names who decides it (issue 12 §4-5)
        row.assignee_id, row.personal = named, True
    deadline = step_deadline(task.timers)
    if step is not None and step.due is not None:  # the diagram's own deadline (issue 12 §6)
        row.due_at = work_calendar(uow).add(row.created_at, step.due)
    elif deadline is not None:  # its boundary timer's, in working hours
        row.due_at = deadline
    return row


def _document_due(document: Document) -> datetime | None:
    """A step that declares no deadline is due when its document is (issue 4)."""
    return clock.end_of_business_day(document.due_date) if document.due_date else None


def refresh_task_summaries(uow: AbstractUnitOfWork, document: Document) -> None:
    """Make the document's open cartable rows show it as it is now (after an edit)."""
    for row in uow.tasks.open_of_document(document.id):
        _summarize(uow, row, document)
        registry = instance_registry(uow, row.instance_id)
        if not _has_own_deadline(registry, row.element_id):  # due with its document
            row.due_at = _document_due(document)


def _has_own_deadline(registry: StepRegistry, element_id: str) -> bool:
    """Tell whether the diagram gives the step a deadline (``due`` or a boundary timer)."""
    step = registry.step(element_id)
    if step is not None and step.due is not None:
        return True
    return any(timer.step_id == element_id for timer in registry.timers.values())


def _summarize(uow: AbstractUnitOfWork, row: HumanTask, document: Document) -> None:
    """Copy what a cartable lists and sorts by from the document onto its task row."""
    row.document_label = document.number or f"#{document.id}"
    row.contact_name = uow.contacts.get(document.contact_id).name
    row.amount = document.total
