"""Multi-instance steps in the workflow adapter (issue 12 §5): members asked of the run's
operator, one ready task each, ``votes`` for the completion condition, a reject ending the
step, a second round, a stored state that restores, and a move to another version."""

from __future__ import annotations

from collections.abc import Mapping

from engine.workflow import (
    LoadedSpec,
    OperatorCall,
    ReadyTask,
    WorkflowRun,
    load_bundle,
    parse_process as parse,
)
from engine.workflow.migration import check_move, move_state
from engine.workflow.people import MEMBERS_OPERATOR
from tests.people_diagrams import board_approval

DATA = {"document_id": 1, "author_id": 5}
MEMBERS = [11, 12, 13]


def spec(xml: bytes, process_id: str = "board_approval") -> LoadedSpec:
    return load_bundle(parse(process_id, {"b.bpmn": xml}).spec_json)


class Operators:
    """Records the operators called; lists ``MEMBERS`` as the step's members."""

    def __init__(self) -> None:
        self.called: list[str] = []
        self.asked: list[Mapping[str, object]] = []

    def _record(self, call: OperatorCall) -> None:
        self.called.append(call.name)

    def _members(self, call: OperatorCall) -> dict[str, object]:
        self.asked.append(dict(call.params))
        return {"members": list(MEMBERS)}

    @property
    def all(self) -> dict[str, object]:
        names = ("mark_awaiting_approval", "return_to_draft", "take_number", "post_document")
        return {**dict.fromkeys(names, self._record), MEMBERS_OPERATOR: self._members}


def by_member(run: WorkflowRun) -> dict[object, ReadyTask]:
    return {task.data["director"]: task for task in run.ready_user_tasks()}


def started(xml: bytes | None = None) -> tuple[Operators, LoadedSpec, WorkflowRun]:
    operators = Operators()
    loaded = spec(xml or board_approval())
    return operators, loaded, WorkflowRun.start(loaded, DATA, operators.all)  # type: ignore[arg-type]


def test_each_member_gets_a_ready_task_of_the_step() -> None:
    operators, _, run = started()
    tasks = by_member(run)
    assert sorted(tasks) == MEMBERS
    assert {(t.element_id, t.lane) for t in tasks.values()} == {("board_vote", "board")}
    assert operators.asked == [{"lane": "board"}]


def test_two_approvals_complete_the_step_and_withdraw_the_third() -> None:
    operators, loaded, run = started()
    tasks = by_member(run)
    run.complete(tasks[11].id, {"decision": "approve"})
    run = WorkflowRun.restore(loaded, run.dump(), operators.all)  # type: ignore[arg-type]
    assert sorted(by_member(run)) == [12, 13]
    run.complete(tasks[13].id, {"decision": "approve"})
    assert run.is_completed and run.ready_user_tasks() == []
    assert operators.called[-2:] == ["take_number", "post_document"]


def test_a_reject_ends_the_step_at_once() -> None:
    operators, _, run = started()
    run.complete(by_member(run)[12].id, {"decision": "reject"})
    assert run.is_completed and operators.called[-1] == "return_to_draft"


def test_the_condition_sees_the_votes() -> None:
    """A condition of three approvals (and ``ends_on`` empty) waits for all of them."""
    xml = board_approval(condition='votes["approve"] == 3', extra={"ends_on": ""})
    operators, _, run = started(xml)
    tasks = by_member(run)
    run.complete(tasks[11].id, {"decision": "reject"})
    assert not run.is_completed
    run.complete(tasks[12].id, {"decision": "approve"})
    run.complete(tasks[13].id, {"decision": "approve"})
    assert run.is_completed  # all decided; the gateway reads the last decision
    assert operators.called[-1] == "post_document"


def test_the_step_opens_again_with_the_last_rounds_data() -> None:
    """A second round finds ``director`` and ``votes`` from the first in its data."""
    _, loaded, _ = started()
    operators = Operators()
    run = WorkflowRun.start(
        loaded,
        {**DATA, "director": 12, "votes": {"approve": 1}},
        operators.all,  # type: ignore[arg-type]
    )
    assert sorted(by_member(run)) == MEMBERS


def test_a_run_waiting_in_a_vote_moves_to_a_renamed_step() -> None:
    """Issue 13 §5 still holds: the mapping renames the step and its instances."""
    operators, loaded, run = started()
    run.complete(by_member(run)[11].id, {"decision": "approve"})
    renamed = board_approval().replace(b"board_vote", b"board_vote_v2")
    target = spec(renamed)
    mapping = {"board_vote": "board_vote_v2"}
    assert check_move(loaded, target, run.dump(), mapping).movable
    moved = WorkflowRun.restore(
        target, move_state(loaded, target, run.dump(), mapping), operators.all
    )  # type: ignore[arg-type]
    tasks = by_member(moved)
    assert sorted(tasks) == [12, 13]
    assert {t.element_id for t in tasks.values()} == {"board_vote_v2"}
    moved.complete(tasks[12].id, {"decision": "approve"})
    assert moved.is_completed
