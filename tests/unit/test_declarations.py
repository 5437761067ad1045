"""Reading and checking what a diagram declares (issue 12 §1-3; docs/bpmn.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.steps import Field, FieldType, Step, ending_decisions, tally
from engine.workflow.declarations import read_declarations

HEAD = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">'
    '<bpmn:process id="p">'
)


def _props(values: dict[str, str]) -> str:
    rows = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in values.items())
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f"{rows}</spiffworkflow:properties></bpmn:extensionElements>"
    )


def _diagram(task_props: dict[str, str], lane_props: dict[str, str] | None = None) -> str:
    lane = _props(lane_props or {"role": "clerk"})
    return (
        f'{HEAD}<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="desk">{lane}'
        "<bpmn:flowNodeRef>t1</bpmn:flowNodeRef></bpmn:lane>"
        f'</bpmn:laneSet><bpmn:userTask id="t1" name="Check">{_props(task_props)}'
        "</bpmn:userTask></bpmn:process></bpmn:definitions>"
    )


OK = {"decisions": "yes no", "decision.yes.label.en": "Yes", "decision.no.label.fa": "خیر"}


def test_a_declared_step_and_lane_are_read() -> None:
    """Issue 12 §1-2: decisions in order with labels, defaults; a lane's roles."""
    registry = read_declarations({"a.bpmn": _diagram({**OK, "decision.no.comment": "required"})})
    step = registry.step("t1")
    assert step is not None and step.values == ("yes", "no")
    assert step.decision("no").needs_comment and step.decision("yes").event == "yes"  # type: ignore[union-attr]
    assert step.decision("no").label("en") == "خیر"  # type: ignore[union-attr]
    assert registry.lane("desk").roles == ("clerk",)  # type: ignore[union-attr]


def test_a_task_declaring_nothing_is_not_a_step() -> None:
    """Issue 12: such a task takes free decisions (F1) or an older version's declaration."""
    assert read_declarations({"a.bpmn": _diagram({})}).step("t1") is None


@pytest.mark.parametrize(
    ("props", "lane", "reason"),
    [
        ({**OK, "decision.yes.label.en": ""}, None, "decision 'yes' has no label"),
        ({**OK, "decisions": "yes yes"}, None, "declared twice"),
        ({**OK, "decisions": "Yes"}, None, "lowercase"),
        ({**OK, "fields": "x", "field.x.type": "money", "field.x.label.en": "X"}, None, "money"),
        ({**OK, "fields": "x", "field.x.type": "choice", "field.x.label.en": "X"}, None, "options"),
        ({**OK, "fields": "decision"}, None, "engine's own data"),
        ({**OK, "bulk": "maybe"}, None, "bulk"),
        ({**OK, "command": "sing"}, None, "command"),
        ({**OK, "editable": "yes"}, None, "'true' or 'false'"),
        ({**OK, "decision.maybe.event": "x"}, None, "not declared"),
        ({**OK, "label.de": "Prüfen"}, None, "language"),
        (OK, {"role": "clerk", "colour": "red"}, "lane 'l1'"),
        (OK, {"assignment": "boss"}, "assignment"),
    ],
)
def test_a_bad_declaration_names_file_line_and_element(
    props: dict[str, str], lane: dict[str, str] | None, reason: str
) -> None:
    """Issue 12 §3: refused with the file, line and element id."""
    with pytest.raises(ValidationFailed) as caught:
        read_declarations({"a.bpmn": _diagram(props, lane)})
    (message,) = caught.value.fields["bpmn"]
    assert message.startswith("a.bpmn: line 1: ")
    assert reason in message
    assert "'t1'" in message or "'l1'" in message


def test_fields_are_typed_and_checked() -> None:
    """Issue 12 §1: number, decimal, date, choice; required; unknown names refused."""
    step = Step(
        "t",
        "T",
        fields=(
            Field("n", FieldType.NUMBER),
            Field("d", FieldType.DECIMAL, required=True),
            Field("on", FieldType.DATE),
            Field("c", FieldType.CHOICE, options=("a", "b")),
        ),
    )
    values = step.read_fields({"n": "12", "d": "1.50", "on": "2026-12-04", "c": "b"})
    assert values == {"n": 12, "d": Decimal("1.50"), "on": date(2026, 12, 4), "c": "b"}
    with pytest.raises(ValidationFailed) as caught:
        step.read_fields({"n": "1.5", "on": "04/12/2026", "c": "z", "x": "1"})
    assert set(caught.value.fields) == {"fields.n", "fields.d", "fields.on", "fields.c", "fields.x"}
    with pytest.raises(ValidationFailed) as caught:
        step.read_fields({"d": 1.5})  # money never travels as a float
    assert set(caught.value.fields) == {"fields.d"}
    text = Step("t", "T", fields=(Field("note", FieldType.TEXT),))
    with pytest.raises(ValidationFailed):
        text.read_fields({"note": "x" * 2001})


def test_a_step_declares_its_deadline_in_working_hours() -> None:
    """Issue 12 §6: ``due`` is working time from the task's creation."""
    step = read_declarations({"a.bpmn": _diagram({**OK, "due": "PT8H"})}).step("t1")
    assert step is not None and step.due == timedelta(hours=8)
    assert read_declarations({"a.bpmn": _diagram(OK)}).step("t1").due is None  # type: ignore[union-attr]


def test_a_deadline_that_is_not_working_hours_is_refused_naming_the_task() -> None:
    with pytest.raises(ValidationFailed) as error:
        read_declarations({"a.bpmn": _diagram({**OK, "due": "P1D"})})
    assert "user task 't1'" in error.value.fields["bpmn"][0]
    assert "due" in error.value.fields["bpmn"][0]


# issue 12 §4-5: assignees, four-eyes, votes ------------------------------------------


@pytest.mark.parametrize(
    ("task", "lane", "expected"),
    [
        ({}, {"role": "clerk"}, True),  # a pooled lane's approval: on by default
        ({"four_eyes": "false"}, {"role": "clerk"}, False),  # the step says otherwise
        ({}, {"role": "clerk", "four_eyes": "false"}, False),  # its lane does
        ({"four_eyes": "true"}, {"role": "clerk", "four_eyes": "false"}, True),  # step wins
        ({}, {"assignment": "creator"}, False),  # the author's own step
        ({}, {"role": "clerk", "assignment": "responsible"}, False),  # a follow-up activity
        ({"command": "confirm"}, {"role": "clerk"}, False),  # the creator's own work
    ],
)
def test_four_eyes_is_declared_or_follows_the_lane(
    task: dict[str, str], lane: dict[str, str], expected: bool
) -> None:
    """Issue 12 §4: four-eyes per step, on by default for a pooled approval step."""
    registry = read_declarations({"a.bpmn": _diagram({**OK, **task}, lane)})
    assert registry.four_eyes("t1", "desk") is expected


def test_an_assignee_is_kept_as_written() -> None:
    """Issue 12 §4: the expression is kept for the service layer to evaluate."""
    registry = read_declarations({"a.bpmn": _diagram({**OK, "assignee": "owner(contact_id)"})})
    assert registry.step("t1").assignee == "owner(contact_id)"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("props", "reason"),
    [
        ({"assignee": "owner(contact_id"}, "assignee"),
        ({"assignee": "open('x')"}, "calling 'open'"),
        ({"members": "role('board')"}, "multi-instance loop"),
        ({"ends_on": "no"}, "multi-instance step only"),
    ],
)
def test_bad_assignments_name_the_element(props: dict[str, str], reason: str) -> None:
    """Issue 12 §4-5: refused at deployment, naming the user task."""
    with pytest.raises(ValidationFailed) as caught:
        read_declarations({"a.bpmn": _diagram({**OK, **props})})
    message = caught.value.fields["bpmn"][0]
    assert "user task 't1'" in message and reason in message


def test_votes_count_every_declared_decision() -> None:
    """Issue 12 §5: ``votes`` has every decision, 0 when nobody took it."""
    assert tally(("approve", "reject"), ["approve", None, "approve"]) == {
        "approve": 2,
        "reject": 0,
    }


@pytest.mark.parametrize(
    ("declared", "ending"),
    [(None, ("reject", "abstain")), ("", ()), ("abstain", ("abstain",))],
)
def test_every_decision_but_the_first_ends_a_vote_unless_declared(
    declared: str | None, ending: tuple[str, ...]
) -> None:
    """Issue 12 §5: a reject ends the step unless the diagram says otherwise."""
    assert ending_decisions(("approve", "reject", "abstain"), declared) == ending


def test_every_element_may_carry_its_names_per_language() -> None:
    """Issue 13 §3: ``label.<lang>`` on a gateway, an event or a flow, by element id."""
    gateway = _props({"label.fa": "تأیید شد؟", "label.ar": "هل اعتُمد؟"})
    xml = _diagram(OK).replace(
        "</bpmn:process>",
        f'<bpmn:exclusiveGateway id="g1" name="Approved?">{gateway}'
        "</bpmn:exclusiveGateway></bpmn:process>",
    )

    names = read_declarations({"d.bpmn": xml}).names

    assert names["g1"] == {"fa": "تأیید شد؟", "ar": "هل اعتُمد؟"}
    assert "t1" not in names  # a step's own labels are its step's


def test_a_name_in_an_unknown_language_is_refused_naming_the_element() -> None:
    gateway = _props({"label.de": "Genehmigt?"})
    xml = _diagram(OK).replace(
        "</bpmn:process>",
        f'<bpmn:exclusiveGateway id="g1">{gateway}</bpmn:exclusiveGateway></bpmn:process>',
    )
    with pytest.raises(ValidationFailed) as exc:
        read_declarations({"d.bpmn": xml})
    assert "element 'g1'" in exc.value.fields["bpmn"][0]
