"""Who works a step: assignee and member expressions, and multi-instance steps (issue 12 §4-5).

A user task may declare ``assignee`` (an expression giving one user id) and, on a
multi-instance task, ``members`` (an expression giving a list of user ids: one instance
each). Both are expressions of the BPMN expression language over the instance data, with
four functions more, which the service layer binds to the users and contacts it stores:

* ``role("finance")``: the ids of the active members of a role, by code;
* ``user("sara")``: the id of an active user, by user name (None if there is none);
* ``manager(author_id)``: the manager of a user (None if none);
* ``owner(contact_id)``: the user who owns a contact (None if none).

``MultiInstanceSteps`` are SpiffWorkflow's parallel and sequential multi-instance
tasks with two changes: the members are asked of the run's operator ``MEMBERS_OPERATOR``
when the step opens (so a role's members are those of that moment), and the completion
condition sees ``votes``, the count of the instances' decisions so far; a decision the
step declares in ``ends_on`` ends it at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.spiff.specs.defaults import (
    ParallelMultiInstanceTask,
    SequentialMultiInstanceTask,
)
from SpiffWorkflow.util.task import TaskState

from engine.domain.steps import ending_decisions, tally

PEOPLE_FUNCTIONS = frozenset({"role", "user", "manager", "owner"})
MEMBERS_OPERATOR = "step_members"  # the operator that lists a step's members
MEMBERS_KEY = "members"  # where that operator's result holds them
VOTES = "votes"  # the name the completion condition (and later gateways) read


def _properties(my_task: Any, spec: Any) -> Mapping[str, str]:
    """Return what the diagram declares on the multi-instance task (its instances' spec)."""
    child = my_task.workflow.spec.task_specs[spec.task_spec]
    extensions = getattr(child, "extensions", None) or {}
    properties: Mapping[str, str] = extensions.get("properties") or {}
    return properties


class _Steps:
    """What Cartable adds to SpiffWorkflow's multi-instance tasks (mixed in first)."""

    def _prepare(self, my_task: Any) -> None:
        """Ready the opened step's data (inherited already) for its instances."""
        # A step opened again (a resubmitted document) finds the last round's item in
        # the data it inherits; SpiffWorkflow would refuse to create the instances.
        item = self.input_item  # type: ignore[attr-defined]
        if item is not None:
            my_task.data.pop(item.bpmn_id, None)
        expression = (_properties(my_task, self).get("members") or "").strip()
        if expression and self.data_input is not None:  # type: ignore[attr-defined]
            result = my_task.workflow.script_engine.call_service(
                my_task,
                operation_name=MEMBERS_OPERATOR,
                operation_params={"lane": {"value": self._instance_lane(my_task)}},
            )
            members = list((result or {}).get(MEMBERS_KEY) or [])
            self.data_input.set(my_task, members)  # type: ignore[attr-defined]

    def _instance_lane(self, my_task: Any) -> str | None:
        lane: str | None = my_task.workflow.spec.task_specs[self.task_spec].lane  # type: ignore[attr-defined]
        return lane

    def check_completion_condition(self, my_task: Any) -> bool:
        """Count the decisions so far into ``votes``; tell whether the step is done."""
        props = _properties(my_task, self)
        decisions = tuple((props.get("decisions") or "").replace(",", " ").split())
        done = [
            child
            for child in my_task.children
            if child.task_spec.name == self.task_spec  # type: ignore[attr-defined]
            and child.state == TaskState.COMPLETED
        ]
        votes = tally(decisions, (child.data.get("decision") for child in done))
        my_task.data[VOTES] = votes
        merged = my_task.internal_data.get("merged", [])
        last = next((c for c in done if str(c.id) == merged[-1]), None) if merged else None
        if last is None:
            return False
        if last.data.get("decision") in ending_decisions(decisions, props.get("ends_on")):
            return True
        condition = self.condition  # type: ignore[attr-defined]
        if condition is None:
            return False
        engine = my_task.workflow.script_engine
        return bool(engine.evaluate(last, condition, external_context={VOTES: votes}))


class ParallelSteps(_Steps, ParallelMultiInstanceTask):  # type: ignore[misc]
    """A parallel multi-instance user task: every member's instance is open at once."""

    def create_children(self, my_task: Any) -> None:
        self._prepare(my_task)
        super().create_children(my_task)


class SequentialSteps(_Steps, SequentialMultiInstanceTask):  # type: ignore[misc]
    """A sequential multi-instance user task: one member after another."""

    def init_remaining_items(self, my_task: Any) -> Any:
        self._prepare(my_task)
        return super().init_remaining_items(my_task)
