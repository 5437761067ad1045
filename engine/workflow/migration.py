"""Move a running workflow onto another version's spec (issue 13 §5).

Read from SpiffWorkflow 3.2's ``SpiffWorkflow/bpmn/util/diff.py``: ``migrate_workflow``
points each task at the task spec it is aligned with in the new spec, then resets and
re-predicts the branches below READY and WAITING tasks (their ids are kept, so the
cartable rows stay the same tasks). The alignment here is by element id, or through
the designer's mapping (old id -> new id); ``SpecDiff``'s structural guesses are not
used, so a move never lands on an element nobody chose.

A run can move when every one of its tasks that is waiting, running or done has an
element in the target (a done task's element is needed to load its history); predicted
tasks are re-predicted. The moved state is dumped and loaded against the target before
it is accepted, so what is stored always restores.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.util.diff import migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.domain.errors import InvalidState
from engine.workflow.serialization import LoadedSpec, dump_workflow, restore_workflow

_WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_KEPT = _WAITING | TaskState.COMPLETED | TaskState.ERROR | TaskState.CANCELLED
_INSTANCE = " [child]"  # SpiffWorkflow names a multi-instance task's instances "<id> [child]"


@dataclass(frozen=True)
class MoveCheck:
    """Whether a run can move to a target spec, and why not."""

    waiting: tuple[str, ...]  # element ids of the run's waiting tasks
    missing: tuple[str, ...]  # element ids (waiting or done) the target lacks

    @property
    def movable(self) -> bool:
        return not self.missing


def check_move(
    source: LoadedSpec, target: LoadedSpec, state: Mapping[str, Any], mapping: Mapping[str, str]
) -> MoveCheck:
    """Tell whether the run in ``state`` can move from ``source`` to ``target``.

    Raises InvalidState if ``state`` does not load against ``source``.
    """
    workflow = restore_workflow(source, state)
    waiting = _ids(workflow.get_tasks(state=_WAITING))
    missing = [
        task.task_spec.name
        for sub, spec in _pairs(workflow, target)
        for task in sub.get_tasks(state=_KEPT, skip_subprocesses=True)
        if _aligned(task, spec, mapping) is None
    ]
    return MoveCheck(tuple(waiting), tuple(dict.fromkeys(missing)))


def move_state(
    source: LoadedSpec, target: LoadedSpec, state: Mapping[str, Any], mapping: Mapping[str, str]
) -> dict[str, Any]:
    """Return the run's state moved onto ``target``'s spec.

    Raises InvalidState naming the missing elements when the run cannot move, or when
    the moved state does not load against the target.
    """
    check = check_move(source, target, state, mapping)
    if not check.movable:
        raise InvalidState(
            f"not in the target version: {', '.join(check.missing)}",
            details={"missing": list(check.missing)},
        )
    workflow = restore_workflow(source, state)
    for sub, spec in _pairs(workflow, target):
        alignment = {task: _aligned(task, spec, mapping) for task in sub.tasks.values()}
        instances = _instances_of(sub)
        migrate_workflow(SimpleNamespace(alignment=alignment), sub, spec)
        for task_id, (data, internal) in instances.items():
            if task_id in sub.tasks:  # reset_branch gave it its parent's data: its own back
                sub.tasks[task_id].data, sub.tasks[task_id].internal_data = data, internal
    workflow.subprocess_specs = dict(target.subprocess_specs)
    moved = dump_workflow(workflow)
    restore_workflow(target, moved)  # raises InvalidState if the target cannot load it
    return moved


def _instances_of(sub: Any) -> dict[Any, tuple[dict[str, Any], dict[str, Any]]]:
    """Return the data of each waiting instance of a multi-instance step, by task id.

    Moving resets waiting tasks to their parent's data, which would lose each instance's
    own item (its member, issue 12 §5) and index; they are put back after the move.
    """
    return {
        task.id: (copy.deepcopy(task.data), copy.deepcopy(task.internal_data))
        for task in sub.get_tasks(state=TaskState.READY | TaskState.WAITING, skip_subprocesses=True)
        if task.parent is not None and isinstance(task.parent.task_spec, MultiInstanceTask)
    }


def _pairs(workflow: Any, target: LoadedSpec) -> list[tuple[Any, Any]]:
    """Pair the workflow and each subprocess with its spec in the target (None if absent)."""
    pairs = [(workflow, target.spec)]
    for sub in workflow.subprocesses.values():
        pairs.append((sub, target.subprocess_specs.get(sub.spec.name)))
    return pairs


def _aligned(task: Any, spec: Any, mapping: Mapping[str, str]) -> Any:
    if spec is None:
        return None
    name = task.task_spec.name
    base, child, _ = name.partition(_INSTANCE)  # a multi-instance step's instance spec
    if child and base in mapping:
        return spec.task_specs.get(f"{mapping[base]}{_INSTANCE}")
    return spec.task_specs.get(mapping.get(name, name))


def _ids(tasks: list[Any]) -> list[str]:
    return [task.task_spec.bpmn_id for task in tasks if task.task_spec.bpmn_id is not None]
