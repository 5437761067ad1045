"""Evaluate BPMN expressions in a small sandbox; run service tasks' operators.

BPMN files may hold expressions only (gateway conditions, timer expressions, operator
parameters), never scripts: script tasks and pre/post scripts are rejected when a file
is parsed, and ``execute`` refuses to run one. An expression is a single Python
expression evaluated over the task data with a few safe builtins (no ``__import__``,
``open``, ``eval``...). Names and attributes starting with ``_`` are refused, which
closes the usual ``().__class__.__subclasses__()`` escapes. RestrictedPython is not
installed; this is the chosen subset until scripts are needed (ARCHITECTURE §5).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from types import CodeType
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from engine.domain.errors import InvalidState
from engine.workflow.operators import Operator, call_operator

MAX_EXPRESSION_LENGTH = 1000

SAFE_BUILTINS: Mapping[str, object] = {
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "Decimal": Decimal,
    "dict": dict,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "round": round,
    "set": set,
    "sorted": sorted,
    "str": str,
    "sum": sum,
    "tuple": tuple,
}


class ExpressionRejected(ValueError):
    """An expression uses something the sandbox does not allow."""


@lru_cache(maxsize=1024)
def compile_expression(expression: str) -> CodeType:
    """Compile one sandboxed expression.

    Raises ExpressionRejected if it is not a single expression, is too long, or
    touches a name or attribute starting with an underscore.
    """
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionRejected(f"expression longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionRejected(f"not a Python expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionRejected(f"attribute {node.attr!r} is not allowed")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionRejected(f"name {node.id!r} is not allowed")
    return compile(tree, "<bpmn expression>", "eval")


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Evaluate expressions over task data with SAFE_BUILTINS only."""

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate ``expression``; raises ExpressionRejected or the expression's error."""
        namespace: dict[str, Any] = dict(context)
        if external_context:
            namespace.update(external_context)
        # Set last so task data can never bring its own builtins.
        namespace["__builtins__"] = SAFE_BUILTINS
        return eval(compile_expression(expression), namespace)


class CartableScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """The script engine of one workflow run: sandboxed expressions plus operators."""

    def __init__(self, operators: Mapping[str, Operator]) -> None:
        super().__init__(environment=SandboxEnvironment())
        self.operators = operators

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        """Refuse to run a script; raises InvalidState."""
        raise InvalidState(
            "BPMN scripts are not allowed; use expressions and operators",
            details={"element_id": getattr(task.task_spec, "bpmn_id", None)},
        )

    def call_service(
        self,
        task: Any,
        operation_name: str,
        operation_params: Mapping[str, Any] | None = None,
        **_: Any,
    ) -> Mapping[str, object] | None:
        """Run the named operator and return its result unchanged.

        Raises InvalidState for an unknown operator; the operator's own exceptions
        propagate unchanged.
        """
        return call_operator(self.operators, task, operation_name, operation_params or {})
