"""The step registry: lanes, decisions and steps of the shipped diagrams (issue 11 §1; C2, E2).

engine/domain/steps.py is the one home of these words; these tests pin what it says for
each shipped step and lane, and that it covers every user task and lane of bpmn/*.bpmn.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.domain.permissions import Perm
from engine.domain.steps import (
    STEPS,
    Assignment,
    Decision,
    Step,
    StepAction,
)

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

# element id → {decision: (history event, needs a comment, bulk-approvable)}
SHIPPED = {
    "approve_credit": {
        "approve": ("credit_approved", False, False),
        "reject": ("rejected", True, False),
    },
    "approve_document": {"approve": ("approved", False, True), "reject": ("rejected", True, False)},
    "number_document": {
        "approve": ("number_approved", False, True),
        "reject": ("rejected", True, False),
    },
    "confirm_quote": {"confirm": ("confirm_requested", False, False)},
    "deliver_order": {"deliver": ("delivery_recorded", False, False)},
    "revise_document": {"resubmit": ("resubmitted", False, False)},
}


@pytest.mark.parametrize("element_id", sorted(SHIPPED))
def test_each_shipped_step_takes_its_decisions(element_id: str) -> None:
    """Issue 11 §1 (C2): decisions, their history events, the comment and bulk rules."""
    step = STEPS.step(element_id)
    assert step is not None
    found = {d.value: (d.event, d.needs_comment, d.bulk) for d in step.decisions}
    assert found == SHIPPED[element_id]


def test_only_a_rejection_needs_a_comment() -> None:
    """Issue 11 §1 (C2): a bare rejection is refused; nothing else needs a comment."""
    needing = {
        (step.element_id, d.value)
        for step in STEPS.steps.values()
        for d in step.decisions
        if d.needs_comment
    }
    assert needing == {
        ("approve_credit", "reject"),
        ("approve_document", "reject"),
        ("number_document", "reject"),
    }


def test_bulk_approval_sends_approve_only_to_approval_steps() -> None:
    """Issue 11 §1 (C2): the cartable's bulk approval applies to approving and numbering."""
    bulk = {e: s.bulk_decision for e, s in STEPS.steps.items() if s.bulk_decision}
    assert bulk == {"approve_document": "approve", "number_document": "approve"}


def test_document_commands_complete_their_steps() -> None:
    """Issue 11 §1 (Q3, I4): confirm/deliver/submit each complete one step with one decision."""
    expected = {
        StepAction.CONFIRM: ("confirm_quote", "confirm"),
        StepAction.DELIVER: ("deliver_order", "deliver"),
        StepAction.SUBMIT: ("revise_document", "resubmit"),
    }
    for action, (element_id, decision) in expected.items():
        step = STEPS.for_action(action)
        assert (step.element_id, step.action_decision) == (element_id, decision)
        assert step.cartable_decisions == ()  # the cartable offers no decide form for it
    assert STEPS.step("approve_document").cartable_decisions == (  # type: ignore[union-attr]
        STEPS.step("approve_document").decisions  # type: ignore[union-attr]
    )


def test_lanes_name_their_permission_and_assignee() -> None:
    """Issue 11 §1 (E2, F1): each lane's permission and how its task's assignee is found."""
    found = {
        name: (lane.permission, lane.assignment, lane.releasable)
        for name, lane in STEPS.lanes.items()
    }
    assert found == {
        "approval": (Perm.APPROVE, Assignment.POOL, True),
        "numbering": (Perm.NUMBER, Assignment.POOL, True),
        "sales": (Perm.SELL, Assignment.POOL, True),
        "warehouse": (Perm.DELIVER, Assignment.POOL, True),
        "author": (None, Assignment.CREATOR, False),
        "followup": (Perm.FOLLOW_UP, Assignment.RESPONSIBLE, True),
    }
    assert STEPS.cartables == ("approval", "numbering", "sales", "warehouse", "author", "followup")


def test_lanes_for_permissions() -> None:
    """Issue 11 §1 (E2): a user's pooled lanes follow from the permissions; author never."""
    assert STEPS.lanes_for({Perm.APPROVE, Perm.VIEW_ALL}) == ["approval"]
    assert STEPS.lanes_for({Perm.SELL, Perm.DELIVER, Perm.FOLLOW_UP}) == [
        "sales",
        "warehouse",
        "followup",
    ]
    assert STEPS.lanes_for(set(Perm)) == ["approval", "numbering", "sales", "warehouse", "followup"]
    assert STEPS.lanes_for(set()) == []


def test_event_of_an_unknown_step_or_decision_is_the_decision() -> None:
    """Issue 11 §1: a designer's own step writes its decision as the history line."""
    assert STEPS.event_for("approve_document", "reject") == "rejected"
    assert STEPS.event_for("followup_activity", "done") == "done"
    assert STEPS.event_for("some_step", "") == "some_step"


def test_a_diagrams_steps_replace_the_defaults() -> None:
    """Issue 11 §1 (for issue 12): steps read from a diagram override the shipped ones."""
    custom = Step("approve_document", "Check", (Decision("ok", "checked", bulk=True),))
    merged = STEPS.with_steps([custom, Step("confirm_quote", "Confirm it")])
    assert merged.step("approve_document") == custom
    # a step declared without decisions keeps the registry's
    assert merged.step("confirm_quote").values == ("confirm",)  # type: ignore[union-attr]
    assert STEPS.step("approve_document").bulk_decision == "approve"  # type: ignore[union-attr]


def _diagram_user_tasks_and_lanes() -> tuple[set[str], set[str]]:
    tasks: set[str] = set()
    lanes: set[str] = set()
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        tree = ET.parse(path)
        user_tasks = {t.get("id", "") for t in tree.iter(f"{BPMN}userTask")}
        tasks |= user_tasks
        for lane in tree.iter(f"{BPMN}lane"):
            refs = {r.text for r in lane.iter(f"{BPMN}flowNodeRef")}
            if refs & user_tasks:
                lanes.add(lane.get("name", ""))
    return tasks, lanes


def test_registry_covers_the_shipped_diagrams() -> None:
    """Issue 11 §1: every user task's lane is registered, and every registered step exists.

    The follow-up activity takes free decisions (F1), so it is the one unregistered task.
    """
    tasks, lanes = _diagram_user_tasks_and_lanes()
    assert lanes == set(STEPS.lanes)
    assert set(STEPS.steps) <= tasks
    assert tasks - set(STEPS.steps) == {"followup_activity"}
