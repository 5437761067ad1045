"""Running document_approval.bpmn through the adapter (SPEC C1, C3, E4)."""

from __future__ import annotations

import uuid

import pytest

from engine.domain.errors import Conflict, InvalidState, NotFound
from engine.workflow import OperatorCall, WorkflowRun
from tests.unit.test_workflow_support import (
    APPROVE,
    REJECT,
    Recorder,
    complete_step,
    only_ready,
    shipped,
)


def start(recorder: Recorder, *, approval: bool = True, numbering: bool = True) -> WorkflowRun:
    data = {
        "document_id": 7,
        "requires_approval": approval,
        "credit_breach": False,
        "requires_numbering": numbering,
        "finance_approval_above": None,
        "author_id": 3,
    }
    return WorkflowRun.start(shipped("document_approval"), data, recorder.operators)


class LedgerDown(Exception):
    pass


def test_start_marks_awaiting_approval_and_waits_in_the_approval_lane() -> None:
    recorder = Recorder()

    run = start(recorder)

    task = only_ready(run)
    assert (task.element_id, task.lane, task.process_id) == (
        "approve_document",
        "approval",
        "document_approval",
    )
    assert task.name == "Approve document"
    assert task.data["document_id"] == 7
    assert recorder.trail() == [("mark_awaiting_approval", 7)]
    assert run.current_element_ids() == ["approve_document"]


def test_approval_then_numbering_takes_number_before_posting() -> None:
    recorder = Recorder()
    run = start(recorder)

    complete_step(run, "approve_document", APPROVE)
    assert only_ready(run).lane == "numbering"
    complete_step(run, "number_document", APPROVE)

    assert recorder.trail() == [
        ("mark_awaiting_approval", 7),
        ("mark_awaiting_numbering", 7),
        ("take_number", 7),
        ("post_document", 7),
    ]
    assert [call.element_id for call in recorder.calls][-2:] == ["take_number", "post_document"]
    assert recorder.calls[-1].data["decision"] == "approve"
    assert run.is_completed
    assert run.ready_user_tasks() == []


def test_rejection_returns_to_draft_and_resubmission_asks_again() -> None:
    recorder = Recorder()
    run = start(recorder, numbering=False)

    complete_step(run, "approve_document", REJECT)
    revise = only_ready(run)
    assert (revise.element_id, revise.lane) == ("revise_document", "author")
    assert revise.data["comment"] == "wrong customer"
    complete_step(run, "revise_document", {})
    complete_step(run, "approve_document", APPROVE)

    assert recorder.names == [
        "mark_awaiting_approval",
        "return_to_draft",
        "mark_awaiting_approval",
        "take_number",
        "post_document",
    ]
    assert run.is_completed


def test_numbering_rejection_also_returns_to_draft() -> None:
    recorder = Recorder()
    run = start(recorder, approval=False)

    complete_step(run, "number_document", REJECT)

    assert recorder.names == ["mark_awaiting_numbering", "return_to_draft"]
    assert only_ready(run).element_id == "revise_document"


def test_no_approval_and_no_numbering_posts_at_start() -> None:
    recorder = Recorder()

    run = start(recorder, approval=False, numbering=False)

    assert recorder.names == ["take_number", "post_document"]
    assert run.is_completed


def test_path_taken_lists_approve_and_number_in_order() -> None:
    run = start(Recorder())
    complete_step(run, "approve_document", REJECT)
    complete_step(run, "revise_document", {})
    complete_step(run, "approve_document", APPROVE)
    complete_step(run, "number_document", APPROVE)

    path = run.path_taken()

    user_steps = [
        e for e in path if e in {"approve_document", "revise_document", "number_document"}
    ]
    assert user_steps == [
        "approve_document",
        "revise_document",
        "approve_document",
        "number_document",
    ]
    assert path[0] == "submitted" and path[-1] == "posted"
    assert path.index("take_number") < path.index("post_document")


def test_completing_an_unknown_task_raises_not_found() -> None:
    run = start(Recorder())

    with pytest.raises(NotFound):
        run.complete(str(uuid.uuid4()), APPROVE)
    with pytest.raises(NotFound):
        run.complete("not-a-uuid", APPROVE)


def test_completing_a_task_twice_raises_conflict() -> None:
    run = start(Recorder())
    task = complete_step(run, "approve_document", APPROVE)

    with pytest.raises(Conflict):
        run.complete(task.id, REJECT)


def test_operator_exception_propagates_unchanged() -> None:
    failure = LedgerDown("ledger unavailable")

    def take_number(call: OperatorCall) -> None:
        raise failure

    operators = {**Recorder().operators, "take_number": take_number}

    with pytest.raises(LedgerDown) as exc:
        WorkflowRun.start(
            shipped("document_approval"),
            {
                "document_id": 1,
                "requires_approval": False,
                "requires_numbering": False,
                "finance_approval_above": None,
                "credit_breach": False,
            },
            operators,
        )

    assert exc.value is failure


def test_unknown_operator_raises_invalid_state_naming_it() -> None:
    operators = Recorder().operators
    del operators["mark_awaiting_approval"]

    with pytest.raises(InvalidState) as exc:
        WorkflowRun.start(
            shipped("document_approval"),
            {
                "document_id": 1,
                "requires_approval": True,
                "requires_numbering": False,
                "finance_approval_above": None,
                "credit_breach": False,
            },
            operators,
        )

    assert "mark_awaiting_approval" in exc.value.message


def test_missing_start_data_fails_the_gateway_as_invalid_state() -> None:
    with pytest.raises(InvalidState) as exc:
        WorkflowRun.start(shipped("document_approval"), {"document_id": 1}, Recorder().operators)

    assert exc.value.details["element_id"] == "credit_needed"


def test_cancel_completes_the_run_without_posting() -> None:
    recorder = Recorder()
    run = start(recorder)

    run.cancel()

    assert run.is_completed
    assert run.ready_user_tasks() == []
    assert "post_document" not in recorder.names


def test_restarting_after_approval_asks_for_approval_again() -> None:
    """Issue 10 #2: a document changed after approval goes back to the start of its
    approval; the approval already given no longer counts."""
    recorder = Recorder()
    run = start(recorder)
    complete_step(run, "approve_document", APPROVE)
    numbering = only_ready(run)

    run.restart_process_of(numbering.id)

    assert only_ready(run).element_id == "approve_document"
    assert recorder.names[-1] == "mark_awaiting_approval"
    assert "take_number" not in recorder.names
