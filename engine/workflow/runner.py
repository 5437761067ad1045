"""Run one workflow instance: start, restore, complete user tasks, fire timers.

``WorkflowRun`` wraps a SpiffWorkflow ``BpmnWorkflow``. Service tasks run during
engine steps through the operators given to ``start``/``restore``; an operator's
exception propagates unchanged and leaves the run unusable (the service layer rolls
back and reloads). Other engine failures (a gateway with no matching flow, an
expression error) become InvalidState with the element id in ``details``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from engine.domain.errors import Conflict, InvalidState, NotFound
from engine.domain.step_timers import TimerDue
from engine.domain.work_calendar import parse_working_span
from engine.workflow.expressions import ExpressionFailed, ExpressionRejected
from engine.workflow.operators import Operator
from engine.workflow.script_engine import CartableScriptEngine
from engine.workflow.serialization import LoadedSpec, dump_workflow, restore_workflow

logger = logging.getLogger(__name__)

_TIMER_EVENTS = frozenset(
    {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}
)
_CURRENT = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person, as the cartable shows it."""

    id: str
    element_id: str
    name: str
    lane: str | None
    process_id: str
    data: Mapping[str, object]
    timers: tuple[TimerDue, ...] = ()  # its waiting boundary timers (issue 12 §6)


@dataclass(frozen=True)
class FiredTimer:
    """A boundary timer of a user task that fired while the run advanced."""

    element_id: str  # the boundary event
    task_id: str  # the user task it is attached to
    opened: tuple[str, ...]  # the user tasks its flow has made READY


# Working time after a start, counted over the company calendar: (start, span) -> moment.
WorkingTime = Callable[[datetime, timedelta], datetime]


class WorkflowRun:
    """One running BPMN process instance."""

    def __init__(self, workflow: Any) -> None:
        self._workflow = workflow
        self.fired: list[FiredTimer] = []  # every user task's timer fired by this run

    @classmethod
    def start(
        cls,
        bundle_spec: LoadedSpec,
        data: Mapping[str, object],
        operators: Mapping[str, Operator],
    ) -> WorkflowRun:
        """Start an instance with ``data`` and run it up to its first wait.

        Raises whatever an operator raises, or InvalidState if the engine fails.
        """
        workflow = BpmnWorkflow(
            bundle_spec.spec,
            dict(bundle_spec.subprocess_specs),
            script_engine=CartableScriptEngine(operators),
        )
        # Data must sit on the start task to be visible to gateways (SpiffWorkflow 3.2).
        workflow.task_tree.data.update(copy.deepcopy(dict(data)))
        run = cls(workflow)
        run._advance(None)
        return run

    @classmethod
    def restore(
        cls,
        bundle_spec: LoadedSpec,
        state: Mapping[str, Any],
        operators: Mapping[str, Operator],
    ) -> WorkflowRun:
        """Rebuild an instance from ``dump()``'s dict; raises InvalidState if it is not one."""
        workflow = restore_workflow(bundle_spec, state)
        workflow.script_engine = CartableScriptEngine(operators)
        return cls(workflow)

    def ready_user_tasks(self) -> list[ReadyTask]:
        """List the READY user tasks, including those inside call activities."""
        return [
            ReadyTask(
                id=str(task.id),
                element_id=task.task_spec.bpmn_id,
                name=task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                lane=task.task_spec.lane,
                process_id=task.workflow.spec.name,
                data=copy.deepcopy(task.data),
                timers=tuple(_timers_of(task)),
            )
            for task in self._workflow.get_tasks(state=TaskState.READY, manual=True)
        ]

    def complete(self, task_id: str, form: Mapping[str, object]) -> None:
        """Merge ``form`` into the task's data, complete it and run to the next wait.

        The form is merged as given: the caller validates its keys. Raises NotFound
        for an unknown task id, Conflict if the task is not a READY user task, and
        whatever an operator raises.
        """
        task = self._find_task(task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict(
                f"task {task_id} ({task.task_spec.name}) is {TaskState.get_name(task.state)}",
                details={"task_id": task_id, "state": TaskState.get_name(task.state)},
            )
        task.data.update(copy.deepcopy(dict(form)))
        self._advance(task)
        logger.debug("completed task %s (%s)", task_id, task.task_spec.bpmn_id)

    def update_data(self, values: Mapping[str, object]) -> None:
        """Set ``values`` in the instance data, as if it had started with them.

        Every task that holds one of the keys gets the new values, and so does every
        current (READY, WAITING, STARTED) task: what runs next, and a restart from the
        start event, sees them (issue 12 §3: a gateway routes on the document's current
        total). Tasks not reached yet inherit them from their parents.
        """
        keys = set(values)
        for task in self._workflow.get_tasks():
            if task.state & _CURRENT or keys & set(task.data):
                task.data.update(copy.deepcopy(dict(values)))

    def fill_missing_data(self, values: Mapping[str, object]) -> None:
        """Give the current tasks each of ``values`` they do not hold yet (kept as is
        where they do): what a newer version's gateways test that the older one's start
        never put in (a migration, issue 13 §5)."""
        for task in self._workflow.get_tasks():
            if task.state & _CURRENT:
                for key, value in values.items():
                    task.data.setdefault(key, copy.deepcopy(value))

    def restart_process_of(self, task_id: str) -> None:
        """Send the (sub)process holding ``task_id`` back to its start and run to the next wait.

        What that process did since its start (approvals given, steps taken) is undone,
        and its diagram decides again what comes next. Raises NotFound for an unknown
        task, InvalidState if the process has no start event, and whatever an operator
        raises.
        """
        holder = self._find_task(task_id).workflow
        start = next(
            (task for task in holder.get_tasks(spec_class=StartEvent) if task.workflow is holder),
            None,
        )
        if start is None:
            raise InvalidState(f"process {holder.spec.name!r} has no start event to go back to")
        try:
            self._workflow.reset_from_task_id(start.id)
        except SpiffWorkflowException as exc:
            raise _engine_error(exc) from exc
        self._advance(None)

    def refresh_timers(self) -> None:
        """Fire the timers that are due and run to the next wait."""
        self._advance(None, refresh=True)

    def count_working_time(self, working_time: WorkingTime) -> None:
        """Make every user task's duration timer that just started waiting count working time.

        SpiffWorkflow sets such a timer to fire its duration after it started; this moves
        it to ``working_time(start, duration)`` (issue 12 §6), once per timer. Raises
        InvalidState naming the timer when its duration is not working hours and minutes.
        """
        for task in self._workflow.get_tasks(state=TaskState.WAITING):
            spec = task.task_spec
            if not (_is_step_timer(task) and isinstance(spec.event_definition, _DURATION)):
                continue
            if (
                task._get_internal_data("working_time")
                or task._get_internal_data("event_value") is None
            ):
                continue
            text = self._workflow.script_engine.evaluate(task, spec.event_definition.expression)
            try:
                span = parse_working_span(str(text))
            except ValueError as exc:
                raise InvalidState(
                    f"timer {spec.bpmn_id!r}: {text!r}: {exc}",
                    details={"element_id": spec.bpmn_id, "error": str(exc)},
                ) from exc
            started = (
                TimerEventDefinition.get_datetime(task._get_internal_data("event_value")) - span
            )
            due = working_time(started, span)
            task._set_internal_data(event_value=due.isoformat(), working_time=True)

    def move_timers(self, when: datetime) -> int:
        """Make every waiting date timer due at ``when``; return how many were moved.

        SpiffWorkflow evaluates a timer's expression once, when the task starts
        waiting; this is how a command that reschedules (a follow-up processed now,
        a changed date) reaches a timer that is already waiting. Call
        :meth:`refresh_timers` afterwards to fire those now due.
        """
        moved = 0
        for task in list(self._workflow.event_manager.tasks.values()):
            if isinstance(task.task_spec.event_definition, TimeDateEventDefinition):
                task._set_internal_data(event_value=when.isoformat())
                moved += 1
        return moved

    def next_timer_at(self) -> datetime | None:
        """Return when the earliest waiting timer is due (aware UTC), or None."""
        due = [
            TimerEventDefinition.get_datetime(event.value)
            for event in self._workflow.waiting_events()
            if event.event_type in _TIMER_EVENTS and isinstance(event.value, str)
        ]
        return min(due, default=None)

    def cancel(self) -> None:
        """Cancel every open task; the run then counts as completed."""
        self._workflow.cancel()

    @property
    def is_completed(self) -> bool:
        """Tell whether no task is left to run (ended or cancelled)."""
        return bool(self._workflow.is_completed())

    def current_element_ids(self) -> list[str]:
        """List element ids of READY, WAITING and STARTED tasks (SPEC E4 highlight).

        STARTED covers a call activity whose called process is running.
        """
        return _element_ids(self._workflow.get_tasks(state=_CURRENT))

    def failed_element_ids(self) -> list[str]:
        """List element ids of tasks in ERROR: a service task whose operator raised.

        Meant for the run an exception just left unusable, to name where it stopped.
        """
        return _element_ids(self._workflow.get_tasks(state=TaskState.ERROR))

    def path_taken(self) -> list[str]:
        """List element ids of COMPLETED tasks in completion order, call activities included."""
        done = self._workflow.get_tasks(state=TaskState.COMPLETED)
        # Stable sort: tree order (depth first) breaks ties of equal timestamps.
        return _element_ids(sorted(done, key=lambda task: task.last_state_change))

    def dump(self) -> dict[str, Any]:
        """Serialize the state, without specs, to a JSON-able dict."""
        return dump_workflow(self._workflow)

    def _find_task(self, task_id: str) -> Any:
        try:
            return self._workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, AttributeError, TaskNotFoundException) as exc:
            raise NotFound(f"no task {task_id!r} in this instance") from exc

    def _advance(self, task: Any | None, *, refresh: bool = False) -> None:
        """Run ``task`` if given (or fire due timers), then engine steps; note the user
        tasks' timers that fired; engine errors become InvalidState."""
        waiting = [
            t for t in self._workflow.get_tasks(state=TaskState.WAITING) if _is_step_timer(t)
        ]
        try:
            if task is not None:
                task.run()
            if refresh:
                self._workflow.refresh_timers()
            self._workflow.do_engine_steps()
            self.fired.extend(
                _fired(timer, self._workflow)
                for timer in waiting
                if timer.state == TaskState.COMPLETED
            )
        except SpiffWorkflowException as exc:
            raise _engine_error(exc) from exc
        except (ExpressionRejected, ExpressionFailed) as exc:
            # SpiffWorkflow calls environment.evaluate unwrapped for some conditions.
            raise InvalidState(
                f"workflow failed: {exc}", details={"element_id": None, "error": str(exc)}
            ) from exc


_DURATION = DurationTimerEventDefinition


def _is_step_timer(task: Any) -> bool:
    """Tell whether ``task`` is a timer on the boundary of a user task."""
    spec = task.task_spec
    if not isinstance(spec, BoundaryEvent) or not isinstance(
        spec.event_definition, TimerEventDefinition
    ):
        return False
    return _attached(task) is not None


def _attached(timer: Any) -> Any | None:
    """Return the user task a boundary event task belongs to (its split's main child)."""
    for sibling in timer.parent.children if timer.parent else ():
        if not isinstance(sibling.task_spec, BoundaryEvent) and sibling.task_spec.manual:
            return sibling
    return None


def _timers_of(user_task: Any) -> list[TimerDue]:
    """Return when each of a READY user task's waiting timers fires."""
    found = []
    for sibling in user_task.parent.children if user_task.parent else ():
        value = sibling._get_internal_data("event_value")
        if (
            sibling.state == TaskState.WAITING
            and _is_step_timer(sibling)
            and isinstance(value, str)
        ):
            found.append(
                TimerDue(
                    sibling.task_spec.bpmn_id,
                    TimerEventDefinition.get_datetime(value),
                    bool(sibling.task_spec.cancel_activity),
                )
            )
    return found


def _fired(timer: Any, workflow: Any) -> FiredTimer:
    attached = _attached(timer)
    opened = [
        str(task.id)
        for task in workflow.get_tasks(state=TaskState.READY, manual=True)
        if _descends(task, timer)
    ]
    return FiredTimer(timer.task_spec.bpmn_id, str(attached.id) if attached else "", tuple(opened))


def _descends(task: Any, ancestor: Any) -> bool:
    node = task.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _element_ids(tasks: list[Any]) -> list[str]:
    return [task.task_spec.bpmn_id for task in tasks if task.task_spec.bpmn_id is not None]


def _engine_error(exc: SpiffWorkflowException) -> InvalidState:
    message = " ".join([str(exc.args[0]) if exc.args else "", *exc.notes]).strip()
    task = getattr(exc, "task", None)
    task_spec = getattr(exc, "task_spec", None) or getattr(task, "task_spec", None)
    element_id = getattr(task_spec, "bpmn_id", None)
    return InvalidState(
        f"workflow failed at {element_id!r}: {message}",
        details={"element_id": element_id, "error": message},
    )
