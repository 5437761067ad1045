"""The in-memory ceiling of the workflow adapter: quote_to_invoice instances per second.

Every figure the service layer measures (with its database, locks and commits) is
compared against these (ARCHITECTURE §5). One instance walks the whole chain: the
quote's approval call activity (no approval, no numbering for the quote), confirm,
deliver, create_invoice (returning a new document id), the invoice's approval
(approval and numbering required), done. Operators are no-ops; specs are parsed once.

Run: ``.venv/bin/python -m bench.workflow_ceiling [instances]``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.workflow import (
    LoadedSpec,
    Operator,
    OperatorCall,
    WorkflowRun,
    load_bundle,
    parse_process,
)

BPMN_DIR = Path(__file__).resolve().parents[1] / "bpmn"
START_DATA = {
    "document_id": 1,
    "requires_approval": False,
    "requires_numbering": False,
    "author_id": 1,
    "credit_breach": False,  # what start_data gives a sale within its limit (issue 14 §5)
    "type": "sales_quote",
    "total": Decimal(90_000_000),
    "finance_approval_above": None,  # the type's default: no finance level (issue 12 §5)
}
FORMS: Mapping[str, Mapping[str, object]] = {
    "confirm_quote": {"decision": "confirm"},
    "deliver_order": {},
    "approve_document": {"decision": "approve", "comment": None},
    "number_document": {"decision": "approve", "comment": None},
}
USER_STEPS = 4


def _noop(call: OperatorCall) -> None:
    return None


def _within_limit(call: OperatorCall) -> Mapping[str, object]:
    return {"order_credit_breach": False}  # what confirm/deliver say of an order within it


def _create_invoice(call: OperatorCall) -> Mapping[str, object]:
    return {
        "quote_id": call.data["document_id"],
        "document_id": 2,
        "type": "sales_invoice",
        "total": Decimal(90_000_000),
        "requires_approval": True,
        "requires_numbering": True,
        "finance_approval_above": None,  # the type's default: no finance level
    }


OPERATORS: Mapping[str, Operator] = {
    **{
        name: _noop
        for name in (
            "mark_awaiting_approval",
            "return_to_draft",
            "mark_awaiting_numbering",
            "take_number",
            "post_document",
        )
    },
    "confirm_order": _within_limit,
    "deliver_order": _within_limit,
    "create_invoice": _create_invoice,
}


def load_spec() -> LoadedSpec:
    """Parse quote_to_invoice (with document_approval) once and load its specs."""
    files = {path.name: path.read_bytes() for path in BPMN_DIR.glob("*.bpmn")}
    return load_bundle(parse_process("quote_to_invoice", files).spec_json)


def walk(spec: LoadedSpec, *, through_json: bool) -> int:
    """Run one instance to its end; return the largest dump() size if through_json."""
    run = WorkflowRun.start(spec, START_DATA, OPERATORS)
    largest = 0
    for _ in range(USER_STEPS):
        if through_json:
            text = json.dumps(run.dump())
            largest = max(largest, len(text))
            run = WorkflowRun.restore(spec, json.loads(text), OPERATORS)
        (task,) = run.ready_user_tasks()
        run.complete(task.id, FORMS[task.element_id])
    if not run.is_completed:
        raise RuntimeError("quote_to_invoice did not complete")
    return largest


def run_in_memory(n: int) -> float:
    """Return instances/second of stepping the full chain in memory, n instances."""
    spec = load_spec()
    walk(spec, through_json=False)  # warm-up
    started = time.perf_counter()
    for _ in range(n):
        walk(spec, through_json=False)
    return n / (time.perf_counter() - started)


def run_with_dump_restore(n: int) -> tuple[float, int]:
    """Return instances/second and largest state size when every step dumps, JSON-encodes
    and restores the run, as the service layer does between user actions."""
    spec = load_spec()
    largest = walk(spec, through_json=True)
    started = time.perf_counter()
    for _ in range(n):
        walk(spec, through_json=True)
    return n / (time.perf_counter() - started), largest


def run_approval_in_memory(n: int) -> float:
    """Return instances/second of document_approval alone (approve, number), for comparison
    with the two-user-task figure of ARCHITECTURE §5."""
    files = {path.name: path.read_bytes() for path in BPMN_DIR.glob("*.bpmn")}
    spec = load_bundle(parse_process("document_approval", files).spec_json)
    data = {**START_DATA, "requires_approval": True, "requires_numbering": True}
    started = time.perf_counter()
    for _ in range(n):
        run = WorkflowRun.start(spec, data, OPERATORS)
        for _ in range(2):
            (task,) = run.ready_user_tasks()
            run.complete(task.id, FORMS[task.element_id])
    return n / (time.perf_counter() - started)


def main(argv: list[str]) -> dict[str, Any]:
    """Print and return the ceiling figures."""
    n = int(argv[0]) if argv else 300
    in_memory = run_in_memory(n)
    with_state, largest = run_with_dump_restore(n)
    figures = {
        "instances": n,
        "in_memory_per_s": round(in_memory, 1),
        "dump_restore_per_step_per_s": round(with_state, 1),
        "largest_state_bytes": largest,
        "approval_only_in_memory_per_s": round(run_approval_in_memory(n), 1),
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
