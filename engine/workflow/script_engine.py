"""SpiffWorkflow's script engine, reduced to interpreted expressions plus operators.

SpiffWorkflow evaluates gateway conditions, timers, operator parameters, loop and
completion conditions, message payloads and correlations through
``PythonScriptEngine.evaluate`` or directly through ``environment.evaluate``; both
reach SandboxEnvironment.evaluate, which interprets the expression
(engine.workflow.expressions) and never calls ``eval``. Scripts are refused at parse
time and again here: neither the engine's nor the environment's ``execute`` runs one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)

from engine.domain.errors import InvalidState
from engine.workflow.expressions import ExpressionRejected, compile_expression, evaluate_expression
from engine.workflow.operators import Operator, call_operator


class SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """Interpret expressions over task data; no scripts, no services, no globals."""

    def __init__(self) -> None:
        super().__init__(environment_globals={})

    def evaluate(
        self,
        expression: str,
        context: Mapping[str, Any],
        external_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate ``expression``; raises ExpressionRejected or ExpressionFailed."""
        names: dict[str, Any] = dict(context)
        if external_context:
            names.update(external_context)
        return evaluate_expression(expression, names)

    def execute(self, script: str, context: Any, external_context: Any = None) -> bool:
        """Refuse to run a script; raises ExpressionRejected."""
        raise ExpressionRejected("BPMN scripts are not allowed; use expressions and operators")

    def call_service(self, context: Any, **kwargs: Any) -> Any:
        """Refuse: services run through CartableScriptEngine.call_service only."""
        raise ExpressionRejected("services run through operators only")


class CartableScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """The script engine of one workflow run: interpreted expressions plus operators."""

    def __init__(self, operators: Mapping[str, Operator]) -> None:
        super().__init__(environment=SandboxEnvironment())
        self.operators = operators

    def validate(self, expression: str) -> None:
        """Check an expression statically; raises ExpressionRejected."""
        compile_expression(expression)

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
