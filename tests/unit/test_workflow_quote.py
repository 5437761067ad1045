"""Running quote_to_invoice.bpmn and its two approval call activities (SPEC C1)."""

from __future__ import annotations

from engine.workflow import WorkflowRun
from tests.unit.test_workflow_support import (
    APPROVE,
    REJECT,
    Recorder,
    complete_step,
    only_ready,
    shipped,
)

QUOTE_ID, INVOICE_ID = 10, 500


def start_quote(recorder: Recorder) -> WorkflowRun:
    data = {
        "document_id": QUOTE_ID,
        "requires_approval": False,
        "credit_breach": False,
        "requires_numbering": False,
        "finance_approval_above": None,
        "author_id": 3,
    }
    return WorkflowRun.start(shipped("quote_to_invoice"), data, recorder.operators)


def test_quote_without_approval_waits_for_sales_confirmation() -> None:
    recorder = Recorder(invoice_id=INVOICE_ID)

    run = start_quote(recorder)

    task = only_ready(run)
    assert (task.element_id, task.lane, task.process_id) == (
        "confirm_quote",
        "sales",
        "quote_to_invoice",
    )
    assert recorder.trail() == [("take_number", QUOTE_ID), ("post_document", QUOTE_ID)]


def test_delivery_waits_in_the_warehouse_lane_after_confirmation() -> None:
    recorder = Recorder(invoice_id=INVOICE_ID)
    run = start_quote(recorder)

    complete_step(run, "confirm_quote", {"decision": "confirm"})

    assert (only_ready(run).element_id, only_ready(run).lane) == ("deliver_order", "warehouse")
    assert recorder.names[-1] == "confirm_order"


def test_created_invoice_is_what_the_second_approval_works_on() -> None:
    recorder = Recorder(invoice_id=INVOICE_ID)
    run = start_quote(recorder)
    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "deliver_order", {})

    task = only_ready(run)

    assert (task.element_id, task.lane, task.process_id) == (
        "approve_document",
        "approval",
        "document_approval",
    )
    assert task.data["document_id"] == INVOICE_ID
    assert task.data["quote_id"] == QUOTE_ID
    assert "approve_invoice" in run.current_element_ids()


def test_full_quote_to_invoice_walk_ends_completed() -> None:
    recorder = Recorder(invoice_id=INVOICE_ID)
    run = start_quote(recorder)

    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "deliver_order", {})
    complete_step(run, "approve_document", APPROVE)
    numbering = complete_step(run, "number_document", APPROVE)

    assert numbering.data["document_id"] == INVOICE_ID
    assert recorder.trail() == [
        ("take_number", QUOTE_ID),
        ("post_document", QUOTE_ID),
        ("confirm_order", QUOTE_ID),
        ("deliver_order", QUOTE_ID),
        ("create_invoice", QUOTE_ID),
        ("mark_awaiting_approval", INVOICE_ID),
        ("mark_awaiting_numbering", INVOICE_ID),
        ("take_number", INVOICE_ID),
        ("post_document", INVOICE_ID),
    ]
    assert run.is_completed


def test_path_taken_goes_through_both_call_activities() -> None:
    run = start_quote(Recorder(invoice_id=INVOICE_ID))
    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "deliver_order", {})
    complete_step(run, "approve_document", APPROVE)
    complete_step(run, "number_document", APPROVE)

    path = run.path_taken()

    assert path.count("post_document") == 2
    assert path.index("approve_quote") < path.index("confirm_quote") < path.index("approve_invoice")
    assert path.index("number_document") < path.index("invoiced")
    # Completion order: a call activity completes after the process it called.
    assert path.index("submitted") < path.index("approve_quote")


def test_a_confirmation_past_the_limit_waits_for_credit_approval() -> None:
    """Issue 14 §5: a quote type that says "approve" sends a breach to the credit_approval lane;
    approving confirms the order, rejecting returns the quote to sales."""
    recorder = Recorder(invoice_id=INVOICE_ID)
    recorder.order_breaches = [True, True]
    run = start_quote(recorder)
    complete_step(run, "confirm_quote", {"decision": "confirm"})

    assert (only_ready(run).element_id, only_ready(run).lane) == (
        "approve_order_credit",
        "credit_approval",
    )
    complete_step(run, "approve_order_credit", REJECT)
    assert only_ready(run).element_id == "confirm_quote"
    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "approve_order_credit", APPROVE)
    assert only_ready(run).element_id == "deliver_order"
    assert [c.params.get("credit") for c in recorder.calls if c.name == "confirm_order"] == [
        "route",
        "route",
        "approved",
    ]


def test_a_delivery_past_the_limit_waits_for_credit_approval() -> None:
    recorder = Recorder(invoice_id=INVOICE_ID)
    recorder.order_breaches = [False, True]
    run = start_quote(recorder)
    complete_step(run, "confirm_quote", {"decision": "confirm"})
    complete_step(run, "deliver_order", {})

    assert only_ready(run).element_id == "approve_delivery_credit"
    assert "create_invoice" not in recorder.names
    complete_step(run, "approve_delivery_credit", APPROVE)
    assert only_ready(run).element_id == "approve_document"  # the invoice's approval
    assert [c.params.get("credit") for c in recorder.calls if c.name == "deliver_order"] == [
        "route",
        "approved",
    ]
