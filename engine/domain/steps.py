"""Lanes, decisions and user-task steps: the one registry of the shipped BPMN's words (C2, E2).

A *lane* of a diagram is a cartable: the permission that works it and how its task's
assignee is found. A *step* is a user task (by BPMN element id): the decisions it takes
(each with the history event it writes, whether it needs a comment, whether a bulk
approval may send it, its label key) and the document command that completes it, if any.
Services, views, templates and the API read this registry; nothing else spells these
words as a rule. The shipped values are the defaults; :meth:`StepRegistry.with_steps`
lets a diagram's own declarations (issue 12) replace them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from engine.domain.permissions import Perm


class Assignment(StrEnum):
    """How the assignee of a lane's new task is found."""

    POOL = "pool"  # nobody: any holder of the lane's permission claims it
    CREATOR = "creator"  # the document's creator (fixed; cannot be released)
    RESPONSIBLE = "responsible"  # the user id in the task data's ``responsible_id`` (F1)


class StepAction(StrEnum):
    """A document command that completes a step instead of the cartable's decide form."""

    SUBMIT = "submit"  # resubmitting a rejected draft
    CONFIRM = "confirm"  # POST /documents/{id}/confirm (Q3)
    DELIVER = "deliver"  # POST /documents/{id}/deliver (I4)


@dataclass(frozen=True)
class Lane:
    """A cartable: who works it and who gets its tasks."""

    name: str
    permission: Perm | None
    assignment: Assignment = Assignment.POOL

    @property
    def releasable(self) -> bool:
        """Whether a held task may be given back or handed over (not a creator's own)."""
        return self.assignment is not Assignment.CREATOR


@dataclass(frozen=True)
class Decision:
    """One outcome of a step."""

    value: str  # what the task's form sends: "approve", "reject", ...
    event: str  # the document history line it writes
    needs_comment: bool = False
    bulk: bool = False  # a bulk approval may send it
    label: str = ""  # the label key pages translate (defaults to the value)

    @property
    def label_key(self) -> str:
        return self.label or self.value


@dataclass(frozen=True)
class Step:
    """A user task of a diagram, by element id."""

    element_id: str
    label: str  # English name; pages translate it
    decisions: tuple[Decision, ...] = ()
    action: StepAction | None = None  # the document command that completes it

    def decision(self, value: str) -> Decision | None:
        """Return the decision ``value``, or None when this step does not take it."""
        return next((d for d in self.decisions if d.value == value), None)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(d.value for d in self.decisions)

    @property
    def bulk_decision(self) -> str | None:
        """The decision a bulk approval sends for this step, if it may."""
        return next((d.value for d in self.decisions if d.bulk), None)

    @property
    def action_decision(self) -> str:
        """The decision its document command sends (the step's first decision)."""
        return self.decisions[0].value if self.decisions else ""

    @property
    def cartable_decisions(self) -> tuple[Decision, ...]:
        """The decisions the cartable offers (none when a document command completes it)."""
        return () if self.action is not None else self.decisions


@dataclass(frozen=True)
class StepRegistry:
    """Lanes by name and steps by element id."""

    lanes: Mapping[str, Lane] = field(default_factory=dict)
    steps: Mapping[str, Step] = field(default_factory=dict)

    def lane(self, name: str) -> Lane | None:
        return self.lanes.get(name)

    def step(self, element_id: str) -> Step | None:
        return self.steps.get(element_id)

    @property
    def cartables(self) -> tuple[str, ...]:
        """The cartable names (one per lane), in their display order."""
        return tuple(self.lanes)

    def lanes_for(self, permissions: Iterable[str]) -> list[str]:
        """Return the lanes whose pooled tasks a holder of ``permissions`` may take."""
        held = set(permissions)
        return [
            lane.name
            for lane in self.lanes.values()
            if lane.permission is not None and lane.permission in held
        ]

    def for_action(self, action: StepAction) -> Step:
        """Return the step a document command completes (exactly one per command)."""
        for step in self.steps.values():
            if step.action is action:
                return step
        raise LookupError(f"no step is completed by {action!r}")

    def event_for(self, element_id: str, decision: str) -> str:
        """Return the history event a decision writes (the decision itself if unregistered)."""
        step = self.step(element_id)
        found = step.decision(decision) if step else None
        return found.event if found else (decision or element_id)

    def with_steps(self, steps: Iterable[Step]) -> StepRegistry:
        """Return a registry where ``steps`` (e.g. read from a diagram) replace the defaults."""
        merged = dict(self.steps)
        for step in steps:
            default = merged.get(step.element_id)
            if default is not None and not step.decisions:
                step = replace(step, decisions=default.decisions)
            merged[step.element_id] = step
        return StepRegistry(lanes=self.lanes, steps=merged)


def _approval(element_id: str, label: str, approved_event: str) -> Step:
    return Step(
        element_id,
        label,
        (
            Decision("approve", approved_event, bulk=True),
            Decision("reject", "rejected", needs_comment=True),
        ),
    )


# The shipped diagrams (bpmn/*.bpmn). The next issue fills this from the diagrams.
STEPS = StepRegistry(
    lanes={
        lane.name: lane
        for lane in (
            Lane("approval", Perm.APPROVE),
            Lane("numbering", Perm.NUMBER),
            Lane("sales", Perm.SELL),
            Lane("warehouse", Perm.DELIVER),
            Lane("author", None, Assignment.CREATOR),
            Lane("followup", Perm.FOLLOW_UP, Assignment.RESPONSIBLE),
        )
    },
    steps={
        step.element_id: step
        for step in (
            Step(  # issue 14 §5: a sale past the credit limit; decided one by one
                "approve_credit",
                "Approve credit",
                (
                    Decision("approve", "credit_approved"),
                    Decision("reject", "rejected", needs_comment=True),
                ),
            ),
            _approval("approve_document", "Approve document", "approved"),
            _approval("number_document", "Number document", "number_approved"),
            Step(
                "confirm_quote",
                "Confirm quote",
                (Decision("confirm", "confirm_requested"),),
                StepAction.CONFIRM,
            ),
            Step(
                "deliver_order",
                "Deliver order",
                (Decision("deliver", "delivery_recorded"),),
                StepAction.DELIVER,
            ),
            Step(
                "revise_document",
                "Revise document",
                (Decision("resubmit", "resubmitted"),),
                StepAction.SUBMIT,
            ),
        )
    },
)
