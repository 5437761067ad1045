"""The process-instance page's data: run state and the BPMN it runs, for viewers (E4)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.services.document_views import InstanceView, check_instance_visible, get_instance
from engine.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class InstanceDiagram:
    instance: InstanceView
    # file name -> BPMN XML; the main process's file first (call activities' after).
    files: dict[str, str]


def instance_diagram(uow: UnitOfWork, *, instance_id: int, actor_id: int) -> InstanceDiagram:
    """Return an instance's state with its BPMN files, if the actor may see its document.

    An instance of a document the actor may not view is NotFound (T3.11), not a hint.
    """
    with uow:
        check_instance_visible(uow, instance_id=instance_id, actor_id=actor_id)
        instance = uow.processes.get(instance_id)
        version = uow.processes.version(instance.version_id)
        main = f"{instance.process_id}.bpmn"
        files = dict(sorted(version.bpmn_files.items(), key=lambda kv: kv[0] != main))
    return InstanceDiagram(get_instance(uow, instance_id=instance_id), files)
