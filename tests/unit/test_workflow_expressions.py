"""The expression sandbox of BPMN conditions, timers and operator parameters."""

from __future__ import annotations

import pytest

from engine.domain.errors import InvalidState, ValidationFailed
from engine.workflow import WorkflowRun, load_bundle, parse_process
from engine.workflow.expressions import ExpressionRejected, compile_expression
from engine.workflow.script_engine import SandboxEnvironment
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


def _gateway_to(condition: str) -> bytes:
    return one_process(
        '<bpmn:exclusiveGateway id="step" default="f2" />\n'
        '<bpmn:sequenceFlow id="f3" sourceRef="step" targetRef="finished">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        f"{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def test_gateway_condition_calling_open_is_refused_at_deploy() -> None:
    """issue 10 #1: a call outside the allowed functions never reaches an instance."""
    with pytest.raises(ValidationFailed) as exc:
        parse_process("tiny", {"tiny.bpmn": _gateway_to('open("/etc/passwd")')})

    assert "calling 'open' is not allowed" in exc.value.fields["bpmn"][0]


def test_gateway_condition_failing_at_run_time_fails_as_invalid_state() -> None:
    spec = load_bundle(parse_process("tiny", {"tiny.bpmn": _gateway_to("missing > 1")}).spec_json)

    with pytest.raises(InvalidState) as exc:
        WorkflowRun.start(spec, {}, {})

    assert exc.value.details["element_id"] == "step"
    assert "missing" in exc.value.message


def test_expression_error_outside_a_task_becomes_invalid_state() -> None:
    """SpiffWorkflow evaluates some conditions through environment.evaluate unwrapped."""

    class Workflow:
        def get_tasks(self, **_: object) -> list[object]:
            return []  # no timers waiting

        def do_engine_steps(self) -> None:
            SandboxEnvironment().evaluate("missing", {})

    with pytest.raises(InvalidState) as exc:
        WorkflowRun(Workflow())._advance(None)

    assert "missing" in exc.value.message
