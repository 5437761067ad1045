"""The BPMN expression language gives the right answers (issue 10 #1, docs/expressions.md).

Expressions are interpreted rather than eval'ed; these pin what the language does
allow: data lookups, comparisons, Decimal arithmetic, the allowed functions, and the
expressions of the shipped diagrams, including as SpiffWorkflow gateway conditions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.workflow import WorkflowRun, load_bundle, parse_process
from engine.workflow.expressions import (
    ExpressionFailed,
    ExpressionRejected,
    UnknownName,
    compile_expression,
    evaluate_expression,
)
from engine.workflow.script_engine import SandboxEnvironment
from tests.unit.test_workflow_parsing import HEAD
from tests.unit.test_workflow_support import shipped_files

DATA: dict[str, Any] = {
    "decision": "approve",
    "requires_approval": True,
    "channels": ["email", "sms"],
    "next_at": "2026-12-01T09:00:00+00:00",
    "amount": 0.1,
    "total": Decimal("1250.50"),
    "count": 3,
    "nothing": None,
    "order": {"lines": [{"qty": 2, "price": "9.99"}], "status": "open"},
    "lines": [1, 2.5],
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Expressions of the shipped diagrams.
        ('decision == "approve"', True),
        ("requires_approval", True),
        ('"sms" in channels', True),
        ('"letter" in channels', False),
        ('"PT1H"', "PT1H"),
        ("next_at", "2026-12-01T09:00:00+00:00"),
        # Decimal arithmetic; floats read as their shortest Decimal.
        ("0.1 + 0.2 == 0.3", True),
        ("amount * 3", Decimal("0.3")),
        ("total * 2", Decimal("2501.00")),
        ("total - 0.5", Decimal("1250.00")),
        ("7 / 2", Decimal("3.5")),
        ("1 / 3", Decimal("0.3333333333333333333333333333")),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("-count", -3),
        ("+count", 3),
        ("2 ** 10", 1024),
        ("2 ** -1", Decimal("0.5")),
        ("10 ** 29", 10**29),
        ("Decimal('1.10') + 1", Decimal("2.10")),
        ("round(Decimal('2.345'), 2)", Decimal("2.34")),
        ("round(total)", 1250),
        ("abs(-total)", Decimal("1250.50")),
        ("int('42') + 1", 43),
        ("int(total)", 1250),
        ("sum(lines)", Decimal("3.5")),
        ("sum([])", 0),
        ("max(1, count, 2)", 3),
        ("min([3, 1, 2])", 1),
        ("len(channels)", 2),
        ("len(order)", 2),
        ("any([0, nothing, 'x'])", True),
        ("all([])", True),
        ("bool(0)", False),
        ("str(count) + ' items'", "3 items"),
        ("'-' * 3", "---"),
        # Comparisons, boolean logic, conditional expression.
        ("1 < count <= 3", True),
        ("1 < count < 3", False),
        ("nothing is None", True),
        ("total is not None", True),
        ("'x' not in channels", True),
        ("'pp' in 'approve'", True),
        ("'status' in order", True),
        ("total >= 1000 and requires_approval", True),
        ("nothing or 'default'", "default"),
        ("count and 'yes'", "yes"),
        ("not requires_approval", False),
        ("'big' if total > 1000 else 'small'", "big"),
        ("decision != 'reject'", True),
        # Subscripts and bounded slices.
        ("order['lines'][0]['qty'] * Decimal(order['lines'][0]['price'])", Decimal("19.98")),
        ("channels[-1]", "sms"),
        ("channels[1:]", ["sms"]),
        ("decision[:3]", "app"),
        ("[count, 'x'][0]", 3),
        ("(1, 2) == (1, 2)", True),
    ],
)
def test_expression_evaluates(expression: str, expected: object) -> None:
    result = SandboxEnvironment().evaluate(expression, DATA)

    assert result == expected
    assert type(result) is type(expected)


def test_external_context_is_visible_and_wins() -> None:
    assert SandboxEnvironment().evaluate("flag", {"flag": False}, {"flag": True}) is True


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("missing", UnknownName),
        ("missing", NameError),
        ("'a' + 1", ExpressionFailed),
        ("channels[5]", ExpressionFailed),
        ("order['nope']", ExpressionFailed),
        ("1 / 0", ExpressionFailed),
        ("7 // 0", ExpressionFailed),
        ("count < 'a'", ExpressionFailed),
        ("len(count)", ExpressionFailed),
        ("min([])", ExpressionFailed),
        ("abs()", ExpressionFailed),
        ("int('x')", ExpressionFailed),
        ("10 ** 30", ExpressionFailed),
        ("total * 10 ** 28", ExpressionFailed),
        ("round(total, 40)", ExpressionFailed),
        ("1 in count", ExpressionFailed),
    ],
)
def test_runtime_errors_are_clear(expression: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        evaluate_expression(expression, DATA)


def test_compile_refuses_statically_before_any_data() -> None:
    with pytest.raises(ExpressionRejected, match="attribute '__class__'"):
        compile_expression("x.__class__")
    assert compile_expression(' decision == "approve" ') is not None


def _choice_process(condition: str) -> bytes:
    """started -> gateway: ``condition`` -> high, otherwise -> low."""
    return (
        HEAD + '<bpmn:process id="choice" isExecutable="true">\n'
        '<bpmn:startEvent id="started" />\n'
        '<bpmn:sequenceFlow id="f1" sourceRef="started" targetRef="gate" />\n'
        '<bpmn:exclusiveGateway id="gate" default="f3" />\n'
        '<bpmn:sequenceFlow id="f2" sourceRef="gate" targetRef="high">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        f"{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>\n"
        '<bpmn:sequenceFlow id="f3" sourceRef="gate" targetRef="low" />\n'
        '<bpmn:endEvent id="high" />\n<bpmn:endEvent id="low" />\n'
        "</bpmn:process>\n</bpmn:definitions>\n"
    ).encode()


@pytest.mark.parametrize(
    ("amount", "end"), [(90, "high"), (80, "low"), (83.34, "high"), ("83.33", "low")]
)
def test_gateway_condition_runs_on_decimal(amount: object, end: str) -> None:
    bundle = parse_process("choice", {"choice.bpmn": _choice_process("amount * 1.2 &gt; 100")})
    data = {"amount": Decimal(amount) if isinstance(amount, str) else amount}

    run = WorkflowRun.start(load_bundle(bundle.spec_json), data, {})

    assert run.is_completed
    assert run.path_taken()[-1] == end


def test_every_shipped_expression_passes_the_static_check() -> None:
    for process_id in ("document_approval", "quote_to_invoice", "overdue_followup"):
        parse_process(process_id, shipped_files())
