"""Moving a run to another version's spec, by element id or through a mapping (issue 13 §5)."""

from __future__ import annotations

import pytest

from engine.domain.errors import InvalidState
from engine.workflow import LoadedSpec, WorkflowRun, load_bundle, parse_process
from engine.workflow.migration import check_move, move_state
from engine.workflow.serialization import waiting_element_ids
from tests.unit.test_workflow_support import (
    Recorder,
    complete_step,
    only_ready,
    shipped,
    shipped_files,
)

APPROVAL = "document_approval"
DATA = {
    "document_id": 1,
    "requires_approval": True,
    "requires_numbering": True,
    "finance_approval_above": None,
    "author_id": 3,
    "credit_breach": False,
}


def edited(process_id: str, old: bytes, new: bytes) -> LoadedSpec:
    """The shipped files with one replacement in the approval diagram."""
    files = shipped_files()
    files["document_approval.bpmn"] = files["document_approval.bpmn"].replace(old, new)
    return load_bundle(parse_process(process_id, files).spec_json)


RENAMED = (b"approve_document", b"approve_document_v2")
NO_NUMBERING = (b">requires_numbering<", b">False<")


def waiting_for_approval() -> tuple[Recorder, WorkflowRun]:
    recorder = Recorder()
    return recorder, WorkflowRun.start(shipped(APPROVAL), DATA, recorder.operators)


def test_a_waiting_step_that_keeps_its_id_can_move() -> None:
    _recorder, run = waiting_for_approval()
    target = edited(APPROVAL, *NO_NUMBERING)

    check = check_move(shipped(APPROVAL), target, run.dump(), {})

    assert check.movable and check.waiting == ("approve_document",)


def test_a_renamed_waiting_step_needs_a_mapping() -> None:
    _recorder, run = waiting_for_approval()
    target = edited(APPROVAL, *RENAMED)

    refused = check_move(shipped(APPROVAL), target, run.dump(), {})
    mapped = check_move(
        shipped(APPROVAL), target, run.dump(), {"approve_document": "approve_document_v2"}
    )

    assert refused.missing == ("approve_document",) and not refused.movable
    assert mapped.movable


def test_moving_without_the_mapping_raises_naming_the_element() -> None:
    _recorder, run = waiting_for_approval()

    with pytest.raises(InvalidState) as refused:
        move_state(shipped(APPROVAL), edited(APPROVAL, *RENAMED), run.dump(), {})

    assert refused.value.details == {"missing": ["approve_document"]}


def test_the_moved_run_keeps_its_task_and_follows_the_target_diagram() -> None:
    recorder, run = waiting_for_approval()
    task_id = only_ready(run).id
    target = edited(APPROVAL, *NO_NUMBERING)

    moved = WorkflowRun.restore(
        target, move_state(shipped(APPROVAL), target, run.dump(), {}), recorder.operators
    )
    assert only_ready(moved).id == task_id
    complete_step(moved, "approve_document", {"decision": "approve"})

    assert moved.is_completed  # version 2 posts without the numbering step
    assert recorder.names[-1] == "post_document"


def test_a_mapped_run_waits_in_the_renamed_step() -> None:
    _recorder, run = waiting_for_approval()
    task_id = only_ready(run).id
    target = edited(APPROVAL, *RENAMED)
    mapping = {"approve_document": "approve_document_v2"}

    state = move_state(shipped(APPROVAL), target, run.dump(), mapping)

    assert waiting_element_ids(state) == ["approve_document_v2"]
    ready = only_ready(WorkflowRun.restore(target, state, {}))
    assert (ready.id, ready.element_id) == (task_id, "approve_document_v2")


def test_a_run_inside_a_call_activity_moves_with_the_called_process() -> None:
    recorder = Recorder()
    data = {**DATA, "requires_approval": True}
    run = WorkflowRun.start(shipped("quote_to_invoice"), data, recorder.operators)
    assert only_ready(run).process_id == APPROVAL  # the quote waits in its approval
    target = edited("quote_to_invoice", *RENAMED)

    refused = check_move(shipped("quote_to_invoice"), target, run.dump(), {})
    state = move_state(
        shipped("quote_to_invoice"),
        target,
        run.dump(),
        {"approve_document": "approve_document_v2"},
    )

    assert refused.missing == ("approve_document",)
    assert "approve_document_v2" in waiting_element_ids(state)
