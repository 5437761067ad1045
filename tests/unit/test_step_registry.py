"""The shipped diagrams' declarations: lanes, decisions and steps (issue 12 §1-2; C2, E2).

The diagrams declare these (docs/bpmn.md); engine.workflow.declarations reads them into
the registry types of engine/domain/steps.py. These tests pin what the shipped
bpmn/*.bpmn declare for each step and lane, so today's behaviour is kept.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from engine.domain.steps import Assignment, Decision, Lane, Step, StepAction, StepRegistry
from engine.workflow.declarations import read_declarations

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
STEPS = read_declarations({p.name: p.read_bytes() for p in (ROOT / "bpmn").glob("*.bpmn")})


# element id → {decision: (history event, needs a comment, bulk-approvable)}
SHIPPED = {
    "approve_credit": {
        "approve": ("credit_approved", False, False),
        "reject": ("rejected", True, False),
    },
    "approve_document": {"approve": ("approved", False, True), "reject": ("rejected", True, False)},
    "approve_finance": {  # issue 12 §5: the second level above the type's threshold
        "approve": ("finance_approved", False, True),
        "reject": ("rejected", True, False),
    },
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
    found = {d.value: (d.event, d.needs_comment, step.bulk == d.value) for d in step.decisions}
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
        ("approve_order_credit", "reject"),
        ("approve_delivery_credit", "reject"),
        ("approve_document", "reject"),
        ("approve_finance", "reject"),
        ("number_document", "reject"),
    }


def test_bulk_approval_sends_approve_only_to_approval_steps() -> None:
    """Issue 11 §1 (C2): the cartable's bulk approval applies to approving (both levels,
    issue 12 §5) and numbering."""
    bulk = {e: s.bulk_decision for e, s in STEPS.steps.items() if s.bulk_decision}
    assert bulk == {
        "approve_document": "approve",
        "approve_finance": "approve",
        "number_document": "approve",
    }


def test_document_commands_complete_their_steps() -> None:
    """Issue 11 §1 (Q3, I4): confirm/deliver/submit each complete one step with one decision."""
    expected = {
        StepAction.CONFIRM: ("confirm_quote", "confirm"),
        StepAction.DELIVER: ("deliver_order", "deliver"),
        StepAction.SUBMIT: ("revise_document", "resubmit"),
    }
    for action, (element_id, decision) in expected.items():
        (step,) = [s for s in STEPS.steps.values() if s.action is action]
        assert (step.element_id, step.action_decision) == (element_id, decision)
        assert step.cartable_decisions == ()  # the cartable offers no decide form for it
    assert STEPS.step("approve_document").cartable_decisions == (  # type: ignore[union-attr]
        STEPS.step("approve_document").decisions  # type: ignore[union-attr]
    )


def test_lanes_name_their_roles_and_assignee() -> None:
    """Issue 12 §2 (E2, F1): each lane's roles and how its task's assignee is found."""
    found = {
        name: (lane.roles, lane.assignment, lane.releasable) for name, lane in STEPS.lanes.items()
    }
    assert found == {
        "approval": (("approver", "admin"), Assignment.POOL, True),
        "credit_approval": (("approver", "admin"), Assignment.POOL, True),  # issue 14 §5
        "numbering": (("numberer", "admin"), Assignment.POOL, True),
        "finance": (("finance_approver", "admin"), Assignment.POOL, True),  # issue 12 §5
        "sales": (("clerk", "admin"), Assignment.POOL, True),
        "warehouse": (("clerk", "admin"), Assignment.POOL, True),
        "author": ((), Assignment.CREATOR, False),
        "followup": (("clerk", "accountant", "admin"), Assignment.RESPONSIBLE, True),
    }


def test_lanes_for_roles() -> None:
    """Issue 12 §2 (E2): a user's pooled lanes follow from their roles; author never."""
    assert sorted(STEPS.lanes_for({"approver"})) == ["approval", "credit_approval"]
    assert sorted(STEPS.lanes_for({"clerk"})) == ["followup", "sales", "warehouse"]
    assert STEPS.lanes_for({"finance_approver"}) == ["finance"]
    assert sorted(STEPS.lanes_for({"admin"})) == [
        "approval",
        "credit_approval",
        "finance",
        "followup",
        "numbering",
        "sales",
        "warehouse",
    ]
    assert STEPS.lanes_for(set()) == []


def test_each_shipped_step_is_labelled_in_three_languages() -> None:
    """Issue 12 §1: the lanes, steps and decisions carry their names in fa, ar and en."""
    for lane in STEPS.lanes.values():
        assert set(lane.labels) == {"fa", "ar", "en"}, lane.name
    for step in STEPS.steps.values():
        assert set(step.labels) == {"fa", "ar", "en"}, step.element_id
        for decision in step.decisions:
            assert set(decision.labels) == {"fa", "ar", "en"}, (step.element_id, decision.value)


def test_holders_of_the_shipped_document_steps_may_edit() -> None:
    """Issue 12 §1 (T3.10): as before, the holder of any open document step may edit it."""
    editable = {e for e, s in STEPS.steps.items() if s.editable}
    assert editable == {
        "approve_document",
        "approve_finance",
        "number_document",
        "confirm_quote",
        "deliver_order",
    }


def test_a_step_of_free_decisions_takes_any() -> None:
    """Issue 12 §1 (F1): a task that declares no decisions takes what the API sends."""
    assert Step("followup_activity", "Follow-up activity").check("done", None) is None
    approve = STEPS.step("approve_document")
    assert approve is not None and approve.check("reject", "too dear") == approve.decision("reject")


def test_a_newer_registry_replaces_same_named_lanes_and_steps() -> None:
    """Issue 12: the lane directory merges versions, the newest declaration winning."""
    older = StepRegistry({"x": Lane("x", ("approver",))}, {"s": Step("s", "S")})
    custom = Step("s", "Check", (Decision("ok", "checked"),), bulk="ok")
    merged = older.merged(StepRegistry({"x": Lane("x", ("finance",))}, {"s": custom}))
    assert merged.lane("x") == Lane("x", ("finance",))
    assert merged.step("s") == custom
    assert older.step("s") == Step("s", "S")


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
    """Issue 12 §1: every user task's lane is declared, and every declared step exists.

    The follow-up activity takes free decisions (F1), so it is the one undeclared task.
    """
    tasks, lanes = _diagram_user_tasks_and_lanes()
    assert lanes == set(STEPS.lanes)  # a lane of service tasks only is no cartable
    assert set(STEPS.steps) <= tasks
    assert tasks - set(STEPS.steps) == {"followup_activity"}
