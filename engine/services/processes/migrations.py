"""Move running instances to another version of their process, and back (issue 13 §5).

A dry run loads each running instance of the source version and tells whether it can
move (engine.workflow.migration). Running the migration moves every movable instance in
one transaction: it keeps the instance's previous state and version on a
``process_migration_instance`` row, points the instance at the target version and
rewrites its cartable rows. Revert puts back the previous state of each instance that
has not changed since it moved. Every step writes an audit row. Instances stopped on
an incident are not moved: retry or cancel them first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import clock
from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.workflow import MigratedInstance, ProcessInstance, ProcessMigration
from engine.services.documents._rules import start_data
from engine.services.processes._runs import sync_tasks, version_spec
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow import NO_OPERATORS, WorkflowRun
from engine.workflow.migration import check_move, move_state
from engine.workflow.serialization import LoadedSpec

logger = logging.getLogger(__name__)

ELEMENT_ID_MAX = 100


@dataclass(frozen=True)
class MigrationPlan:
    process_id: str
    source: int  # version numbers
    target: int
    mapping: Mapping[str, str]


@dataclass(frozen=True)
class InstanceMove:
    """One running instance of the source version in a dry run or a migration."""

    instance_id: int
    document_id: int | None
    waiting: tuple[str, ...]
    movable: bool
    reason: str  # why not, empty when movable


@dataclass(frozen=True)
class MigrationResult:
    migration_id: int | None  # None for a dry run
    process_id: str
    source: int
    target: int
    instances: list[InstanceMove]

    @property
    def moved(self) -> int:
        return sum(1 for move in self.instances if move.movable)


@dataclass(frozen=True)
class MigrationSummary:
    id: int
    process_id: str
    source: int
    target: int
    mapping: dict[str, str]
    created_at: datetime
    moved: int
    reverted_at: datetime | None


def dry_run_migration(uow: UnitOfWork, *, plan: MigrationPlan, actor_id: int) -> MigrationResult:
    """List the source version's running instances and whether each can move; change nothing.

    Raises PermissionDenied without the design permission, ValidationFailed naming
    ``target`` (same as the source) or ``mapping`` (ids too long), NotFound for an
    unknown process or version.
    """
    _check_plan(plan)
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        ends = _ends(uow, plan)
        instances = uow.cockpit.live_of_version(ends.source_id)
        moves = [_check(ends.source, ends.target, i, plan.mapping) for i in instances]
        uow.audit.record(
            actor_id=actor_id,
            action="process.migration_dry_run",
            entity="process",
            entity_id=plan.process_id,
            details=_details(plan, moves),
        )
        uow.commit()
    return MigrationResult(None, plan.process_id, plan.source, plan.target, moves)


def run_migration(uow: UnitOfWork, *, plan: MigrationPlan, actor_id: int) -> MigrationResult:
    """Move every movable running instance of the source version to the target, at once.

    Each moved instance keeps its previous state for :func:`revert_migration`; the
    others stay where they are and are listed with the reason. Raises as
    :func:`dry_run_migration`.
    """
    _check_plan(plan)
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        ends = _ends(uow, plan)
        source, target = ends.source, ends.target
        migration = uow.migrations.add(
            ProcessMigration(
                process_id=plan.process_id,
                source_version_id=ends.source_id,
                target_version_id=ends.target_id,
                mapping=dict(plan.mapping),
                actor_id=actor_id,
                created_at=clock.now(),
            )
        )
        moves = []
        for instance in uow.cockpit.live_of_version(ends.source_id, lock=True):
            move = _check(source, target, instance, plan.mapping)
            if move.movable:
                previous = dict(instance.state)
                instance.state = _with_document_data(
                    uow, instance, target, move_state(source, target, instance.state, plan.mapping)
                )
                instance.version_id = ends.target_id
                _resync(uow, instance, target)
                uow.flush()  # the lock_version after the move, for Revert's check
                uow.migrations.stage_moved(
                    MigratedInstance(
                        migration_id=migration.id,
                        instance_id=instance.id,
                        previous_version_id=ends.source_id,
                        previous_state=previous,
                        moved_lock_version=instance.lock_version,
                    )
                )
            moves.append(move)
        uow.audit.record(
            actor_id=actor_id,
            action="process.migrate",
            entity="process_migration",
            entity_id=migration.id,
            details=_details(plan, moves),
        )
        uow.commit()
        migration_id = migration.id
    logger.info("process instances migrated", extra={"migration_id": migration_id})
    return MigrationResult(migration_id, plan.process_id, plan.source, plan.target, moves)


def revert_migration(uow: UnitOfWork, *, migration_id: int, actor_id: int) -> MigrationResult:
    """Put each instance a migration moved back on its previous state and version.

    An instance that changed since it moved (a step taken on the target) is not put
    back and is listed with the reason. Raises PermissionDenied without the design
    permission, NotFound for an unknown migration, InvalidState if already reverted.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        migration = uow.migrations.get(migration_id)
        if migration.reverted_at is not None:
            raise InvalidState(f"migration {migration_id} was already reverted")
        source = uow.processes.version(migration.source_version_id)
        moves = [_revert_one(uow, row, source.id) for row in uow.migrations.moved(migration_id)]
        migration.reverted_at = clock.now()
        migration.reverted_by = actor_id
        target = uow.processes.version(migration.target_version_id)
        uow.audit.record(
            actor_id=actor_id,
            action="process.migration_revert",
            entity="process_migration",
            entity_id=migration_id,
            details={
                "reverted": [m.instance_id for m in moves if m.movable],
                "kept": {str(m.instance_id): m.reason for m in moves if not m.movable},
            },
        )
        uow.commit()
        result = MigrationResult(
            migration_id, migration.process_id, target.version, source.version, moves
        )
    logger.info("process migration reverted", extra={"migration_id": migration_id})
    return result


def list_migrations(uow: UnitOfWork, *, process_id: str, actor_id: int) -> list[MigrationSummary]:
    """Return a process's migrations, newest first (needs the design permission)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        found = uow.migrations.of_process(process_id)
        numbers = uow.cockpit.version_numbers(
            {m.source_version_id for m in found} | {m.target_version_id for m in found}
        )
        return [
            MigrationSummary(
                m.id,
                m.process_id,
                numbers[m.source_version_id],
                numbers[m.target_version_id],
                dict(m.mapping),
                m.created_at,
                len(uow.migrations.moved(m.id)),
                m.reverted_at,
            )
            for m in found
        ]


def _check_plan(plan: MigrationPlan) -> None:
    if plan.source == plan.target:
        raise ValidationFailed.single("target", "must differ from the source version")
    for old, new in plan.mapping.items():
        if not old or not new or len(old) > ELEMENT_ID_MAX or len(new) > ELEMENT_ID_MAX:
            raise ValidationFailed.single(
                "mapping", f"element ids of 1 to {ELEMENT_ID_MAX} characters: {old!r}"
            )


@dataclass(frozen=True)
class _Ends:
    """A plan's source and target versions: row ids and parsed specs."""

    source_id: int
    target_id: int
    source: LoadedSpec
    target: LoadedSpec


def _ends(uow: UnitOfWork, plan: MigrationPlan) -> _Ends:
    """Load both versions of the plan; NotFound names the one missing."""
    source = uow.cockpit.version_by_number(plan.process_id, plan.source)
    target = uow.cockpit.version_by_number(plan.process_id, plan.target)
    return _Ends(source.id, target.id, version_spec(source), version_spec(target))


def _check(
    source: LoadedSpec, target: LoadedSpec, instance: ProcessInstance, mapping: Mapping[str, str]
) -> InstanceMove:
    if instance.status != "running":
        return InstanceMove(
            instance.id, instance.document_id, (), False, "an open incident: retry or cancel it"
        )
    try:
        check = check_move(source, target, instance.state, mapping)
    except InvalidState as error:
        return InstanceMove(instance.id, instance.document_id, (), False, error.message)
    reason = "" if check.movable else f"not in the target: {', '.join(check.missing)}"
    return InstanceMove(instance.id, instance.document_id, check.waiting, check.movable, reason)


def _with_document_data(
    uow: UnitOfWork, instance: ProcessInstance, spec: LoadedSpec, state: dict[str, Any]
) -> dict[str, Any]:
    """Return ``state`` with the document's data its run does not hold yet (an instance
    started before its type's process asked for ``finance_approval_above``, say), so the
    target version's gateways find every name they test; nothing it holds changes."""
    if instance.document_id is None:
        return state
    document = uow.documents.find(instance.document_id)
    if document is None:
        return state
    run = WorkflowRun.restore(spec, state, NO_OPERATORS)
    run.fill_missing_data(start_data(document, document.type))
    return run.dump()


def _resync(uow: UnitOfWork, instance: ProcessInstance, spec: LoadedSpec) -> None:
    """Rewrite the instance's open task rows for its (new) spec: same tasks, new elements."""
    run = WorkflowRun.restore(spec, instance.state, NO_OPERATORS)
    ready = run.ready_user_tasks()
    by_guid = {task.id: task for task in ready}
    for row in uow.tasks.open_of_instance(instance.id):
        task = by_guid.get(row.task_guid)
        if task is not None:
            row.element_id, row.name, row.lane = task.element_id, task.name, task.lane or ""
    instance.next_timer_at = run.next_timer_at()
    instance.updated_at = clock.now()
    sync_tasks(uow, instance, ready)


def _revert_one(uow: UnitOfWork, row: MigratedInstance, source_id: int) -> InstanceMove:
    instance = uow.processes.get_for_update(row.instance_id)
    if instance.lock_version != row.moved_lock_version:
        return InstanceMove(
            instance.id, instance.document_id, (), False, "changed since it moved; kept"
        )
    instance.state = dict(row.previous_state)
    instance.version_id = source_id
    _resync(uow, instance, version_spec(uow.processes.version(source_id)))
    uow.flush()
    row.reverted_at = clock.now()
    return InstanceMove(instance.id, instance.document_id, (), True, "")


def _details(plan: MigrationPlan, moves: list[InstanceMove]) -> dict[str, object]:
    return {
        "process_id": plan.process_id,
        "source": plan.source,
        "target": plan.target,
        "mapping": dict(plan.mapping),
        "moved": [m.instance_id for m in moves if m.movable],
        "kept": {str(m.instance_id): m.reason for m in moves if not m.movable},
    }
