"""The SpiffWorkflow adapter: the only package that imports SpiffWorkflow (ARCHITECTURE §5).

It knows nothing of storage: it returns JSON-able dicts (``ProcessBundle.spec_json``,
``WorkflowRun.dump()``) that the service layer stores and hands back.
"""

from __future__ import annotations

from engine.workflow.operators import (
    NO_OPERATORS,
    BoundOperators,
    Operator,
    OperatorCall,
    OperatorRegistry,
)
from engine.workflow.parsing import ProcessBundle, parse_process
from engine.workflow.runner import ReadyTask, WorkflowRun
from engine.workflow.serialization import LoadedSpec, cached_bundle, load_bundle

__all__ = [
    "NO_OPERATORS",
    "BoundOperators",
    "OperatorRegistry",
    "LoadedSpec",
    "Operator",
    "OperatorCall",
    "ProcessBundle",
    "ReadyTask",
    "WorkflowRun",
    "cached_bundle",
    "load_bundle",
    "parse_process",
]
