"""Turn specs and workflow state into JSON-able dicts and back (ARCHITECTURE §5).

Specs are stored once per process version (``ProcessBundle.spec_json``) and
deserialized once per process: ``load_bundle`` keeps them in memory by checksum. A
run's state is the serializer's dict without ``spec`` and ``subprocess_specs``; the
converter below never builds them, which keeps ``dump`` cheap, and ``restore`` hands
the cached spec objects back to the serializer.

SpiffWorkflow 3.2's ``to_dict`` leaves task data as it is (only its JSON encoder
converts), so the task converter here also converts data: ``Decimal`` and ``date``
values round-trip, as ``datetime`` already does.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import (
    ServiceTaskConverter,
    SpiffMultiInstanceConverter,
)
from SpiffWorkflow.spiff.specs.defaults import ServiceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.domain.errors import InvalidState
from engine.workflow.operators import OperatorTask
from engine.workflow.people import ParallelSteps, SequentialSteps

VERSION_KEY = BpmnWorkflowSerializer.VERSION_KEY
_CACHE_SIZE = 64


class _DataConvertingTaskConverter(TaskConverter):  # type: ignore[misc]
    """Store task data converted (Decimal, date...), as the JSON encoder would."""

    def to_dict(self, task: Any) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(task)
        dct["data"] = self.registry.convert(dct["data"])
        delta = dct["delta"]
        if delta:
            delta["updates"] = self.registry.convert(delta["updates"])
        return dct


class _StateOnlyWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Serialize a workflow without its specs (they live in the bundle)."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config.pop(ServiceTask)
    config[OperatorTask] = ServiceTaskConverter
    config[ParallelSteps] = SpiffMultiInstanceConverter
    config[SequentialSteps] = SpiffMultiInstanceConverter
    config[Task] = _DataConvertingTaskConverter
    config[BpmnWorkflow] = _StateOnlyWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"])
    )
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _build_serializer()


@dataclass(frozen=True)
class LoadedSpec:
    """Deserialized specs of one process version, shared by all its runs."""

    process_id: str
    checksum: str
    spec: Any
    subprocess_specs: Mapping[str, Any]


def specs_to_json(
    process_id: str, checksum: str, spec: Any, subprocess_specs: Mapping[str, Any]
) -> dict[str, Any]:
    """Serialize a process spec and the specs it calls into one JSON-able dict."""
    return {
        "process_id": process_id,
        "checksum": checksum,
        "spec": SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SERIALIZER.to_dict(sp) for name, sp in subprocess_specs.items()},
    }


_cache: OrderedDict[str, LoadedSpec] = OrderedDict()
_cache_lock = threading.Lock()


def cached_bundle(process_id: str, checksum: str) -> LoadedSpec | None:
    """Return the specs already deserialized for this process and checksum, or None.

    Lets a caller that knows a version's checksum skip loading its ``spec_json``.
    """
    with _cache_lock:
        loaded = _cache.get(f"{process_id}:{checksum}")
        if loaded is not None:
            _cache.move_to_end(f"{process_id}:{checksum}")
        return loaded


def load_bundle(spec_json: Mapping[str, Any]) -> LoadedSpec:
    """Return the specs of ``spec_json``, deserialized once per checksum and process.

    Raises InvalidState if ``spec_json`` is not what ``parse_process`` produced.
    """
    try:
        process_id = spec_json["process_id"]
        checksum = spec_json.get("checksum") or _json_checksum(spec_json)
        key = f"{process_id}:{checksum}"
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        fresh = copy.deepcopy(dict(spec_json))
        loaded = LoadedSpec(
            process_id=process_id,
            checksum=checksum,
            spec=SERIALIZER.from_dict(fresh["spec"]),
            subprocess_specs={
                name: SERIALIZER.from_dict(sp) for name, sp in fresh["subprocess_specs"].items()
            },
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidState(f"not a process bundle: {exc!r}") from exc
    with _cache_lock:
        _cache[key] = loaded
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def _json_checksum(spec_json: Mapping[str, Any]) -> str:
    canonical = json.dumps(spec_json, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def dump_workflow(workflow: Any) -> dict[str, Any]:
    """Serialize a workflow's state, without specs, to a JSON-able dict."""
    state: dict[str, Any] = SERIALIZER.to_dict(workflow)
    state[VERSION_KEY] = VERSION
    return state


def restore_workflow(loaded: LoadedSpec, state: Mapping[str, Any]) -> Any:
    """Rebuild a workflow from ``dump_workflow``'s dict and the cached specs.

    Raises InvalidState if the state was written by another serializer version or
    is not a workflow state.
    """
    version = state.get(VERSION_KEY)
    if version != VERSION:
        raise InvalidState(
            f"workflow state has serializer version {version!r}; this engine reads {VERSION!r}"
        )
    dct = dict(state)
    del dct[VERSION_KEY]
    # The converter pops entries from these two levels; keep the caller's dict intact.
    dct["subprocesses"] = dict(state.get("subprocesses", {}))
    dct["spec"] = loaded.spec
    dct["subprocess_specs"] = dict(loaded.subprocess_specs)
    try:
        return SERIALIZER.from_dict(dct)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidState(f"not a workflow state: {exc!r}") from exc


def waiting_element_ids(state: Mapping[str, Any]) -> list[str]:
    """List the element ids of the run's READY, WAITING and STARTED tasks from its state.

    Reads the stored dict without loading the workflow (the cockpit counts tokens over
    many instances); subprocesses' tasks are included.
    """
    waiting = int(TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    found: list[str] = []
    for tasks in [state.get("tasks", {})] + [
        sub.get("tasks", {}) for sub in state.get("subprocesses", {}).values()
    ]:
        found.extend(
            str(task["task_spec"])
            for task in tasks.values()
            if int(task.get("state", 0)) & waiting and task.get("task_spec")
        )
    return found
