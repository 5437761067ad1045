"""Dumping and restoring workflow state without its specs (ARCHITECTURE §5)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from engine.domain.errors import InvalidState
from engine.workflow import WorkflowRun, cached_bundle
from tests.unit.test_workflow_support import APPROVE, Recorder, complete_step, only_ready, shipped

APPROVAL_DATA = {
    "document_id": 7,
    "requires_approval": True,
    "credit_breach": False,
    "requires_numbering": True,
    "finance_approval_above": None,
    "author_id": 3,
}
STATE_BUDGET = 8_000  # bytes of JSON; the reference platform stores about 15 KB


def through_json(state: dict[str, object]) -> dict[str, object]:
    return json.loads(json.dumps(state))


def test_dump_has_no_specs_and_is_small_json() -> None:
    run = WorkflowRun.start(shipped("document_approval"), APPROVAL_DATA, Recorder().operators)

    state = run.dump()
    text = json.dumps(state)

    assert "spec" not in state and "subprocess_specs" not in state
    assert len(text) < STATE_BUDGET, f"dump() at approve_document is {len(text)} bytes"


def test_restored_run_continues_where_it_stopped() -> None:
    recorder = Recorder()
    run = WorkflowRun.start(shipped("document_approval"), APPROVAL_DATA, recorder.operators)
    complete_step(run, "approve_document", APPROVE)
    before = only_ready(run)

    restored = WorkflowRun.restore(
        shipped("document_approval"), through_json(run.dump()), recorder.operators
    )
    complete_step(restored, "number_document", APPROVE)

    assert only_ready(WorkflowRun.restore(shipped("document_approval"), run.dump(), {})) == before
    assert recorder.names[-2:] == ["take_number", "post_document"]
    assert restored.is_completed
    assert restored.path_taken() == run.path_taken() + [
        "number_document",
        "numbering_decision",
        "take_number",
        "post_document",
        "posted",
    ]


def test_restore_inside_a_call_activity_continues_the_parent() -> None:
    recorder = Recorder(invoice_id=500)
    data = {**APPROVAL_DATA, "requires_approval": False, "requires_numbering": False}
    run = WorkflowRun.start(shipped("quote_to_invoice"), data, recorder.operators)
    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "deliver_order", {})
    state = through_json(run.dump())

    restored = WorkflowRun.restore(shipped("quote_to_invoice"), state, recorder.operators)
    complete_step(restored, "approve_document", APPROVE)
    complete_step(restored, "number_document", APPROVE)

    assert len(json.dumps(state)) < 2 * STATE_BUDGET, f"dump() is {len(json.dumps(state))} bytes"
    assert recorder.trail()[-2:] == [("take_number", 500), ("post_document", 500)]
    assert restored.is_completed


def test_decimal_in_task_data_round_trips_through_json() -> None:
    data = {**APPROVAL_DATA, "amount": Decimal("1234.50")}
    run = WorkflowRun.start(shipped("document_approval"), data, Recorder().operators)

    restored = WorkflowRun.restore(shipped("document_approval"), through_json(run.dump()), {})

    amount = only_ready(restored).data["amount"]
    assert isinstance(amount, Decimal) and amount == Decimal("1234.50")


def test_restore_leaves_the_stored_state_untouched() -> None:
    run = WorkflowRun.start(shipped("quote_to_invoice"), APPROVAL_DATA, Recorder().operators)
    state = run.dump()
    snapshot = json.dumps(state, sort_keys=True)

    WorkflowRun.restore(shipped("quote_to_invoice"), state, {})

    assert json.dumps(state, sort_keys=True) == snapshot


def test_state_from_another_serializer_version_is_refused() -> None:
    run = WorkflowRun.start(shipped("document_approval"), APPROVAL_DATA, Recorder().operators)
    state = {**run.dump(), "serializer_version": "1.0"}

    with pytest.raises(InvalidState):
        WorkflowRun.restore(shipped("document_approval"), state, {})


def test_cached_bundle_finds_a_loaded_spec_by_checksum_only() -> None:
    """Issue 11 §4: a restore that knows the version's checksum skips its spec JSON.

    ``cached_bundle`` returns the very specs ``load_bundle`` parsed, and None for a
    checksum never loaded (the caller then reads the spec JSON).
    """
    loaded = shipped("document_approval")
    assert cached_bundle("document_approval", loaded.checksum) is loaded
    assert cached_bundle("document_approval", "0" * 64) is None
    assert cached_bundle("quote_to_invoice", loaded.checksum) is None
