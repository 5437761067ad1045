"""The expression sandbox of BPMN conditions, timers and operator parameters."""

from __future__ import annotations

import pytest

from engine.domain.errors import InvalidState
from engine.workflow import WorkflowRun, load_bundle, parse_process
from engine.workflow.expressions import ExpressionRejected, SandboxEnvironment, compile_expression
from tests.unit.test_workflow_parsing import one_process


@pytest.mark.parametrize(
    "expression",
    ["__import__('os')", "().__class__", "x._secret", "a = 1", "x" * 1001],
)
def test_sandbox_refuses_expression(expression: str) -> None:
    with pytest.raises(ExpressionRejected):
        compile_expression(expression)


def test_sandbox_evaluates_conditions_over_task_data() -> None:
    env = SandboxEnvironment()

    assert env.evaluate(
        'decision == "approve" and len(lines) > 1', {"decision": "approve", "lines": [1, 2]}
    )
    assert env.evaluate('amount > Decimal("10")', {"amount": 11})


@pytest.mark.parametrize("name", ["open", "eval", "exec", "compile", "getattr", "globals"])
def test_sandbox_has_no_unsafe_builtins(name: str) -> None:
    with pytest.raises(NameError):
        SandboxEnvironment().evaluate(name, {})


def test_task_data_cannot_bring_its_own_builtins() -> None:
    with pytest.raises(NameError):
        SandboxEnvironment().evaluate("open", {"__builtins__": __builtins__})


def test_gateway_condition_calling_open_fails_as_invalid_state() -> None:
    body = (
        '<bpmn:exclusiveGateway id="step" default="f2" />\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="finished">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        'open("/etc/passwd")</bpmn:conditionExpression></bpmn:sequenceFlow>'
    )
    spec = load_bundle(parse_process("tiny", {"tiny.bpmn": one_process(body)}).spec_json)

    with pytest.raises(InvalidState) as exc:
        WorkflowRun.start(spec, {}, {})

    assert exc.value.details["element_id"] == "step"
    assert "open" in exc.value.message
