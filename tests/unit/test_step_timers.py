"""A user task's timers: declared in the diagram, counted in working hours, noticed when
they fire (issue 12 §6; docs/bpmn.md). No database: the parser, the run and the rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from engine.domain.errors import ValidationFailed
from engine.domain.messages import Channel
from engine.domain.step_timers import MANAGER, StepTimer, TimerDue, escalation_target, step_deadline
from engine.workflow import NO_OPERATORS, WorkflowRun, load_bundle, parse_process
from engine.workflow.declarations import read_declarations

NOON = datetime(2026, 12, 3, 12, tzinfo=UTC)


def diagram(
    remind: str = 'cancelActivity="false"',
    remind_props: str = "email",
    escalate_props: str = "manager desk2",
    duration: str = '"PT8H"',
    extra: str = "",
) -> bytes:
    def props(name: str, value: str) -> str:
        return (
            "<bpmn:extensionElements><spiffworkflow:properties>"
            f'<spiffworkflow:property name="{name}" value="{value}"/>'
            "</spiffworkflow:properties></bpmn:extensionElements>"
        )

    return f"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
 xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d"
 targetNamespace="x">
<bpmn:process id="p" isExecutable="true">
 <bpmn:laneSet id="ls">
  <bpmn:lane id="l1" name="desk">{props("role", "clerk")}
   <bpmn:flowNodeRef>t1</bpmn:flowNodeRef>
  </bpmn:lane>
  <bpmn:lane id="l2" name="desk2">{props("role", "clerk")}</bpmn:lane>
 </bpmn:laneSet>
 <bpmn:startEvent id="s"/>
 <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
 <bpmn:userTask id="t1"/>
 <bpmn:boundaryEvent id="b_remind" attachedToRef="t1" {remind}>{props("remind", remind_props)}
  <bpmn:timerEventDefinition><bpmn:timeDuration>"PT2H"</bpmn:timeDuration></bpmn:timerEventDefinition>
 </bpmn:boundaryEvent>
 <bpmn:boundaryEvent id="b_escalate" attachedToRef="t1">{props("escalate", escalate_props)}
  <bpmn:timerEventDefinition><bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
 </bpmn:boundaryEvent>
 <bpmn:sequenceFlow id="f9" sourceRef="b_escalate" targetRef="t1"/>
 <bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="e"/>
 <bpmn:endEvent id="e"/>{extra}
</bpmn:process></bpmn:definitions>""".encode()


def test_the_timers_are_read_with_what_they_do() -> None:
    """Issue 12 §6: a reminder's channels, an escalation's targets in order; a lane
    named only as a target becomes a cartable."""
    registry = read_declarations({"a.bpmn": diagram(remind_props="email sms")})

    assert registry.timers["b_remind"] == StepTimer(
        "b_remind", "t1", False, (Channel.EMAIL, Channel.SMS)
    )
    assert registry.timers["b_escalate"] == StepTimer(
        "b_escalate", "t1", True, (), (MANAGER, "desk2")
    )
    assert registry.lane("desk2") is not None


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (diagram(duration='"P1D"'), "timer 'b_escalate': timeDuration 'P1D'"),
        (diagram(duration="12"), "timer 'b_escalate': timeDuration '12' is not a duration"),
        (diagram(escalate_props="nowhere"), "timer 'b_escalate': escalate: no lane 'nowhere'"),
        (diagram(remind_props="fax"), "timer 'b_remind': remind: 'fax'"),
        (diagram(remind=""), "timer 'b_remind': a reminder leaves the step open"),
        (
            diagram(extra="").replace(
                b'<bpmn:sequenceFlow id="f9" sourceRef="b_escalate" targetRef="t1"/>', b""
            ),
            "timer 'b_escalate': an escalation needs a flow",
        ),
        (
            diagram().replace(
                b'<bpmn:timeDuration>"PT2H"</bpmn:timeDuration>',
                b'<bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle>',
            ),
            "timer 'b_remind': a user task's timer is a duration",
        ),
    ],
    ids=[
        "a-day",
        "not-a-string",
        "unknown-lane",
        "unknown-channel",
        "interrupting-reminder",
        "no-flow",
        "cycle",
    ],
)
def test_a_bad_timer_is_refused_naming_it(xml: bytes, reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        read_declarations({"a.bpmn": xml})

    (message,) = refused.value.fields["bpmn"]
    assert reason in message


def test_an_expression_for_the_duration_is_left_for_run_time() -> None:
    registry = read_declarations({"a.bpmn": diagram(duration="hours_allowed")})

    assert registry.timers["b_escalate"].escalate == (MANAGER, "desk2")


def start(at: datetime) -> WorkflowRun:
    spec = load_bundle(parse_process("p", {"a.bpmn": diagram()}).spec_json)
    with time_machine.travel(at, tick=False):
        run = WorkflowRun.start(spec, {}, NO_OPERATORS)
    return run


def double_time(start: datetime, span: timedelta) -> datetime:
    """A calendar where every hour of work takes two on the clock."""
    return start + 2 * span


def test_the_timers_count_working_time_once() -> None:
    """Issue 12 §6: the calendar's moment replaces SpiffWorkflow's wall-clock one, and a
    second count leaves it alone."""
    run = start(NOON)

    run.count_working_time(double_time)
    run.count_working_time(double_time)

    timers = {t.element_id: t for t in run.ready_user_tasks()[0].timers}
    assert timers["b_remind"] == TimerDue("b_remind", NOON + timedelta(hours=4), False)
    assert timers["b_escalate"].at == NOON + timedelta(hours=16)
    assert run.next_timer_at() == NOON + timedelta(hours=4)


def test_a_fired_escalation_names_its_step_and_the_task_it_opened() -> None:
    run = start(NOON)
    run.count_working_time(double_time)
    first = run.ready_user_tasks()[0].id

    with time_machine.travel(NOON + timedelta(hours=17), tick=False):
        run.refresh_timers()

    fired = {f.element_id: f for f in run.fired}
    reopened = run.ready_user_tasks()[0].id
    assert set(fired) == {"b_remind", "b_escalate"}
    assert fired["b_escalate"].task_id == first and fired["b_escalate"].opened == (reopened,)
    assert reopened != first


def test_completing_the_step_fires_nothing() -> None:
    run = start(NOON)
    run.complete(run.ready_user_tasks()[0].id, {})

    assert run.fired == [] and run.is_completed


def test_the_deadline_is_the_first_interrupting_timer_else_the_first() -> None:
    remind = TimerDue("r", NOON, False)
    escalate = TimerDue("e", NOON + timedelta(hours=3), True)

    assert step_deadline([remind, escalate]) == escalate.at
    assert step_deadline([remind]) == NOON
    assert step_deadline([]) is None


def test_the_first_target_that_applies_takes_the_escalated_step() -> None:
    lanes = {"desk2": object()}

    assert escalation_target((MANAGER, "desk2"), 7, lanes) == (None, 7)
    assert escalation_target((MANAGER, "desk2"), None, lanes) == ("desk2", None)
    assert escalation_target(("gone", MANAGER), None, lanes) == (None, None)


def test_a_date_timer_gives_the_step_a_fixed_deadline_from_the_instance_data() -> None:
    """Issue 12 §6: a due-date expression (``timeDate``) is a moment, not working time."""
    xml = diagram().replace(
        b'<bpmn:timeDuration>"PT8H"</bpmn:timeDuration>',
        b"<bpmn:timeDate>review_by</bpmn:timeDate>",
    )
    spec = load_bundle(parse_process("p", {"a.bpmn": xml}).spec_json)
    with time_machine.travel(NOON, tick=False):
        run = WorkflowRun.start(spec, {"review_by": "2026-12-09T10:00:00+00:00"}, NO_OPERATORS)
        run.count_working_time(double_time)

    timers = run.ready_user_tasks()[0].timers
    assert step_deadline(timers) == datetime(2026, 12, 9, 10, tzinfo=UTC)
