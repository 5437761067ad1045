"""Shared helpers of the workflow adapter tests (no tests here; no conftest is ours to edit)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from engine.workflow import (
    LoadedSpec,
    Operator,
    OperatorCall,
    ReadyTask,
    WorkflowRun,
    load_bundle,
    parse_process,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DIR = ROOT / "bpmn"
TEST_BPMN_DIR = Path(__file__).resolve().parent / "bpmn"
OPERATOR_NAMES = (
    "mark_awaiting_approval",
    "return_to_draft",
    "mark_awaiting_numbering",
    "take_number",
    "post_document",
    "confirm_order",
    "deliver_order",
    "create_invoice",
)


def shipped_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SHIPPED_DIR.glob("*.bpmn"))}


@lru_cache
def shipped(process_id: str) -> LoadedSpec:
    return load_bundle(parse_process(process_id, shipped_files()).spec_json)


def load_test_bpmn(file_name: str, process_id: str) -> LoadedSpec:
    """Load a test-only BPMN file of tests/unit/bpmn."""
    bundle = parse_process(process_id, {file_name: (TEST_BPMN_DIR / file_name).read_bytes()})
    return load_bundle(bundle.spec_json)


class Recorder:
    """Operators that record their calls; create_invoice hands out invoice ids."""

    def __init__(self, invoice_id: int = 500) -> None:
        self.calls: list[OperatorCall] = []
        self.invoice_id = invoice_id
        self.order_breaches: list[bool] = []  # the routed credit checks' answers, in turn

    @property
    def operators(self) -> dict[str, Operator]:
        ops: dict[str, Operator] = {name: self._record for name in OPERATOR_NAMES}
        ops["create_invoice"] = self._create_invoice
        ops["confirm_order"] = ops["deliver_order"] = self._order_credit
        return ops

    @property
    def names(self) -> list[str]:
        return [call.name for call in self.calls]

    def trail(self) -> list[tuple[str, object]]:
        return [(call.name, call.data.get("document_id")) for call in self.calls]

    def _record(self, call: OperatorCall) -> None:
        self.calls.append(call)

    def _order_credit(self, call: OperatorCall) -> Mapping[str, object]:
        self.calls.append(call)
        routed = call.params.get("credit") == "route"
        breach = self.order_breaches.pop(0) if self.order_breaches and routed else False
        return {"order_credit_breach": breach}

    def _create_invoice(self, call: OperatorCall) -> Mapping[str, object]:
        self.calls.append(call)
        return {
            "quote_id": call.data["document_id"],
            "document_id": self.invoice_id,
            "requires_approval": True,
            "credit_breach": False,
            "requires_numbering": True,
            "finance_approval_above": None,
        }


def only_ready(run: WorkflowRun) -> ReadyTask:
    ready = run.ready_user_tasks()
    assert len(ready) == 1, [task.element_id for task in ready]
    return ready[0]


def complete_step(run: WorkflowRun, element_id: str, form: Mapping[str, object]) -> ReadyTask:
    task = only_ready(run)
    assert task.element_id == element_id
    run.complete(task.id, form)
    return task


APPROVE = {"decision": "approve", "comment": None}
REJECT = {"decision": "reject", "comment": "wrong customer"}
