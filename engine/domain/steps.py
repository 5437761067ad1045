"""Lanes, decisions, form fields and user-task steps: the types a diagram fills (C2, E2).

A *lane* of a diagram is a cartable: the roles whose members work it and how its task's
assignee is found. A *step* is a user task (by BPMN element id): the decisions it takes
(each with its labels, the history event it writes and whether it needs a comment), the
decision a bulk approval sends, whether its holder may edit the document (T3.10), the
form fields it asks and the document command that completes it, if any.

The diagrams declare all of it (issue 12 §1, docs/bpmn.md); engine.workflow.declarations
reads it into a :class:`StepRegistry` per process version. Nothing in Python spells a
shipped step, decision or lane: this module holds the types and the rules only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from engine.domain.errors import ValidationFailed
from engine.domain.step_timers import StepTimer

LANGUAGES = ("fa", "ar", "en")  # the languages a label may be given in
FIELD_MAX_CHARS = 2000  # a form field's value (it is kept in the instance data)


class Assignment(StrEnum):
    """How the assignee of a lane's new task is found."""

    POOL = "pool"  # nobody: any member of the lane's roles claims it
    CREATOR = "creator"  # the document's creator (fixed; cannot be released)
    RESPONSIBLE = "responsible"  # the user id in the task data's ``responsible_id`` (F1)


class StepAction(StrEnum):
    """A document command that completes a step instead of the cartable's decide form."""

    SUBMIT = "submit"  # resubmitting a rejected draft
    CONFIRM = "confirm"  # POST /documents/{id}/confirm (Q3)
    DELIVER = "deliver"  # POST /documents/{id}/deliver (I4)


class FieldType(StrEnum):
    """What a step's form field holds."""

    TEXT = "text"
    NUMBER = "number"  # an integer
    DECIMAL = "decimal"  # a Decimal (money, rates)
    DATE = "date"  # an ISO date, YYYY-MM-DD
    CHOICE = "choice"  # one of the field's options


def label_in(labels: Mapping[str, str], language: str, fallback: str = "") -> str:
    """Return the label in ``language``, else in English, else any, else ``fallback``."""
    return labels.get(language) or labels.get("en") or next(iter(labels.values()), fallback)


@dataclass(frozen=True)
class Lane:
    """A cartable: who works it and who gets its tasks."""

    name: str
    roles: tuple[str, ...] = ()  # codes of the roles whose members work it
    assignment: Assignment = Assignment.POOL
    source: str = field(default="", compare=False)  # "file: line N: lane 'id'", for errors
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)  # by language
    four_eyes: bool | None = None  # as declared; see StepRegistry.four_eyes (issue 12 §4)

    @property
    def releasable(self) -> bool:
        """Whether a held task may be given back or handed over (not a creator's own)."""
        return self.assignment is not Assignment.CREATOR

    def worked_by(self, role_codes: Iterable[str]) -> bool:
        """Tell whether a holder of ``role_codes`` works this lane's pooled tasks."""
        return self.assignment is not Assignment.CREATOR and bool(set(self.roles) & set(role_codes))


@dataclass(frozen=True)
class Decision:
    """One outcome of a step."""

    value: str  # what the task's form sends: its id in the diagram
    event: str  # the document history line it writes
    needs_comment: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)  # by language

    def label(self, language: str) -> str:
        return label_in(self.labels, language, self.value)


@dataclass(frozen=True)
class Field:
    """One form field a step asks when it is decided."""

    name: str  # the key its value takes in the instance data
    type: FieldType
    required: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()  # a choice's values

    def label(self, language: str) -> str:
        return label_in(self.labels, language, self.name)

    def parse(self, raw: object) -> object:
        """Return the typed value of ``raw``; raise ValueError saying what is wrong."""
        text = str(raw).strip()
        if len(text) > FIELD_MAX_CHARS:
            raise ValueError(f"at most {FIELD_MAX_CHARS} characters")
        if self.type is FieldType.NUMBER:
            if isinstance(raw, bool) or not text.lstrip("-").isdigit():
                raise ValueError("must be a whole number")
            return int(text)
        if self.type is FieldType.DECIMAL:
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ValueError("must be a number") from None
            if not value.is_finite() or isinstance(raw, float | bool):
                raise ValueError("must be a number (sent as a string)")
            return value
        if self.type is FieldType.DATE:
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError("must be a date, YYYY-MM-DD") from None
        if self.type is FieldType.CHOICE and text not in self.options:
            raise ValueError(f"must be one of: {', '.join(self.options)}")
        return text


@dataclass(frozen=True)
class Step:
    """A user task of a diagram, by element id."""

    element_id: str
    label: str  # the diagram's name of the task (English by convention)
    decisions: tuple[Decision, ...] = ()
    action: StepAction | None = None  # the document command that completes it
    bulk: str | None = None  # the decision a bulk approval sends, if it may
    editable: bool = False  # its holder may edit the document (T3.10)
    fields: tuple[Field, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    # Working time from the task's creation to its due time, over the company calendar
    # (issue 12 §6); None: the task is due when its document is.
    due: timedelta | None = None
    # Who gets the task (issue 12 §4): an expression over the instance data giving a user
    # id (docs/bpmn.md, "Assignees"); None: the lane decides.
    assignee: str | None = None
    # A multi-instance step's members (issue 12 §5): an expression giving user ids, one
    # instance each; None: the diagram's loop data input holds them already.
    members: str | None = None
    four_eyes: bool | None = None  # as declared; see StepRegistry.four_eyes
    # The decisions that end a multi-instance step at once, the other instances cancelled.
    ends_on: tuple[str, ...] = ()

    def decision(self, value: str) -> Decision | None:
        """Return the decision ``value``, or None when this step does not take it."""
        return next((d for d in self.decisions if d.value == value), None)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(d.value for d in self.decisions)

    @property
    def bulk_decision(self) -> str | None:
        """The decision a bulk approval sends for this step, if it may."""
        return self.bulk

    @property
    def action_decision(self) -> str:
        """The decision its document command sends (the step's first decision)."""
        return self.decisions[0].value if self.decisions else ""

    @property
    def cartable_decisions(self) -> tuple[Decision, ...]:
        """The decisions the cartable offers (none when a document command completes it)."""
        return () if self.action is not None else self.decisions

    def check(self, decision: str, comment: str | None) -> Decision | None:
        """Return the chosen decision, None for a step of free decisions (F1).

        Raises ValidationFailed for a decision the step does not take, or a bare one
        that needs a comment.
        """
        if not self.decisions:
            return None
        chosen = self.decision(decision)
        if chosen is None:
            raise ValidationFailed.single("decision", f"must be one of: {', '.join(self.values)}")
        if chosen.needs_comment and not (comment or "").strip():
            raise ValidationFailed.single("comment", f"the decision {decision!r} needs a comment")
        return chosen

    def read_fields(self, submitted: Mapping[str, object]) -> dict[str, object]:
        """Return the typed values of this step's fields from ``submitted``.

        Raises ValidationFailed naming every unknown, missing or malformed field
        (``fields.<name>``).
        """
        known = {f.name: f for f in self.fields}
        errors = {f"fields.{n}": "this step has no such field" for n in submitted if n not in known}
        values: dict[str, object] = {}
        for name, spec in known.items():
            raw = submitted.get(name)
            if raw is None or str(raw).strip() == "":
                if spec.required:
                    errors[f"fields.{name}"] = "required"
                continue
            try:
                values[name] = spec.parse(raw)
            except ValueError as error:
                errors[f"fields.{name}"] = str(error)
        if errors:
            raise ValidationFailed(errors)
        return values


@dataclass(frozen=True)
class StepRegistry:
    """Lanes by name and steps by element id, as one process version declares them.

    ``names`` holds every element's name per language (``label.<lang>`` on any element,
    issue 13 §3), by element id, for pages that name a step, a gateway or an event.
    """

    lanes: Mapping[str, Lane] = field(default_factory=dict)
    steps: Mapping[str, Step] = field(default_factory=dict)
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    timers: Mapping[str, StepTimer] = field(default_factory=dict)  # by boundary event id

    def lane(self, name: str) -> Lane | None:
        return self.lanes.get(name)

    def step(self, element_id: str) -> Step | None:
        return self.steps.get(element_id)

    @property
    def cartables(self) -> tuple[str, ...]:
        """The cartable names (one per lane), in their display order."""
        return tuple(self.lanes)

    def four_eyes(self, element_id: str, lane_name: str) -> bool:
        """Tell whether a document's creator is barred from deciding this step (issue 12 §4).

        The step's declaration wins, then its lane's. By default a step of a pooled lane
        (one worked by roles: an approval) is four-eyes; the creator's own step, a
        responsible user's and one a document command completes (confirming a quote,
        delivering an order: the creator's own work) are not.
        """
        step, lane = self.step(element_id), self.lane(lane_name)
        if step is not None and step.four_eyes is not None:
            return step.four_eyes
        if step is not None and step.action is not None:
            return False
        if lane is not None and lane.four_eyes is not None:
            return lane.four_eyes
        return lane is not None and lane.assignment is Assignment.POOL

    def lanes_for(self, role_codes: Iterable[str]) -> list[str]:
        """Return the lanes whose pooled tasks a holder of ``role_codes`` may take."""
        held = set(role_codes)
        return [lane.name for lane in self.lanes.values() if lane.worked_by(held)]

    def element_labels(self) -> dict[str, dict[str, str]]:
        """Return every named element's labels by language: steps' and others' (§3)."""
        labels = {element_id: dict(names) for element_id, names in self.names.items()}
        labels.update({element_id: dict(step.labels) for element_id, step in self.steps.items()})
        return labels

    def merged(self, newer: StepRegistry) -> StepRegistry:
        """Return this registry with ``newer``'s lanes, steps, names and timers replacing
        same-named ones."""
        return StepRegistry(
            {**self.lanes, **newer.lanes},
            {**self.steps, **newer.steps},
            names={**self.names, **newer.names},
            timers={**self.timers, **newer.timers},
        )


def ending_decisions(decisions: tuple[str, ...], declared: str | None) -> tuple[str, ...]:
    """Return the decisions that end a multi-instance step at once (issue 12 §5).

    ``declared`` is the step's ``ends_on`` (ids separated by spaces; empty: none). Without
    it every decision but the first does: the first is the one instances agree on
    ("approve"), any other (a reject) ends the step for everyone.
    """
    if declared is None:
        return decisions[1:]
    return tuple(declared.replace(",", " ").split())


def tally(decisions: Iterable[str], made: Iterable[object]) -> dict[str, int]:
    """Count the decisions ``made`` by a multi-instance step's instances, by decision id.

    Every id of ``decisions`` is present (0 when nobody took it), so a completion
    condition may read ``votes["approve"]`` before anyone approved.
    """
    votes = dict.fromkeys(decisions, 0)
    for value in made:
        if isinstance(value, str) and value:
            votes[value] = votes.get(value, 0) + 1
    return votes


EMPTY = StepRegistry()
