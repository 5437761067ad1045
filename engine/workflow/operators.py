"""Wire BPMN service tasks to the named operators of the service layer.

How service tasks are wired (decided after reading SpiffWorkflow 3.2's source):

* A service task is a plain SpiffWorkflow service task carrying
  ``<spiffworkflow:serviceTaskOperator id="take_number"><spiffworkflow:parameters/>``,
  so the files stay editable in SpiffWorkflow's modeler. The operator name is that id.
* SpiffWorkflow's own ``ServiceTask`` stores ``json.loads(call_service(...))`` under a
  ``spiff__<id>_result`` key. ``OperatorTask`` replaces only that step: the mapping the
  operator returns is merged into the task data as it is (so ``Decimal`` survives and
  no result key is left behind), which is how ``create_invoice`` moves the flow onto
  the invoice's ``document_id`` (SPEC C1).
* The operators themselves live on the run's script engine (``call_service``), so the
  same parsed spec serves every run and every registry.
* The service layer builds one ``OperatorRegistry`` of named functions at import time;
  each run gets ``registry.bind(context)``, a read-only view that hands the per-run
  context (unit of work, actor, effects) to the function called. Views restore with
  ``NO_OPERATORS``: a service task reached there raises instead of running
  (issue 11 §3).

SpiffWorkflow 3.2 indexes every element with an ``id`` attribute, extension elements
included, so an operator named like its task would hide the task from the parser;
``parsing.CartableProcessParser`` indexes BPMN elements last to undo that.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeAlias, TypeVar

from SpiffWorkflow.spiff.specs.defaults import ServiceTask

from engine.domain.errors import InvalidState


@dataclass(frozen=True)
class OperatorCall:
    """What an operator is told: its name, the BPMN element, the task data."""

    name: str
    element_id: str
    data: Mapping[str, object]
    params: Mapping[str, object] = field(default_factory=dict)


Operator: TypeAlias = Callable[[OperatorCall], Mapping[str, object] | None]

C = TypeVar("C")
ContextOperator: TypeAlias = Callable[[C, OperatorCall], Mapping[str, object] | None]

# What a read-only restore gets: no operator at all, so a view never runs a service task.
NO_OPERATORS: Mapping[str, Operator] = MappingProxyType({})


class OperatorRegistry(Mapping[str, "ContextOperator[C]"], Generic[C]):
    """The named operator functions, built once; ``bind`` gives one run its context."""

    def __init__(self, functions: Mapping[str, ContextOperator[C]]) -> None:
        self._functions = MappingProxyType(dict(functions))

    def __getitem__(self, name: str) -> ContextOperator[C]:
        return self._functions[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._functions)

    def __len__(self) -> int:
        return len(self._functions)

    def bind(self, context: C) -> BoundOperators[C]:
        """Return the operators of one run: each is called with ``context``."""
        return BoundOperators(self, context)


class BoundOperators(Mapping[str, Operator], Generic[C]):
    """A registry seen by one run: name -> operator taking only the call."""

    def __init__(self, registry: OperatorRegistry[C], context: C) -> None:
        self.registry = registry
        self.context = context

    def __getitem__(self, name: str) -> Operator:
        function = self.registry[name]
        context = self.context

        def operator(call: OperatorCall) -> Mapping[str, object] | None:
            return function(context, call)

        return operator

    def __iter__(self) -> Iterator[str]:
        return iter(self.registry)

    def __len__(self) -> int:
        return len(self.registry)


def call_operator(
    operators: Mapping[str, Operator],
    task: Any,
    name: str,
    params: Mapping[str, Any],
) -> Mapping[str, object] | None:
    """Call the operator ``name`` for ``task`` and return what it returned.

    Raises InvalidState if no operator has that name or it returns something other
    than a mapping or None. The operator's own exceptions propagate unchanged.
    """
    element_id = task.task_spec.bpmn_id
    operator = operators.get(name)
    if operator is None:
        raise InvalidState(
            f"no operator named {name!r} (service task {element_id!r})",
            details={"operator": name, "element_id": element_id},
        )
    call = OperatorCall(
        name=name,
        element_id=element_id,
        data=MappingProxyType(dict(task.data)),
        params=MappingProxyType({key: param["value"] for key, param in params.items()}),
    )
    result = operator(call)
    if result is not None and not isinstance(result, Mapping):
        raise InvalidState(
            f"operator {name!r} returned {type(result).__name__}, not a mapping",
            details={"operator": name, "element_id": element_id},
        )
    return result


class OperatorTask(ServiceTask):  # type: ignore[misc]
    """A spiff service task whose operator's result is merged into the task data."""

    def _execute(self, task: Any) -> bool:
        """Run the operator through the workflow's script engine; merge its result."""
        result = task.workflow.script_engine.call_service(
            task,
            operation_name=self.operation_name,
            operation_params=self.evaluate_params(task),
        )
        if result:
            task.data.update(copy.deepcopy(dict(result)))
        return True
