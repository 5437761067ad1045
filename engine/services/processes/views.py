"""What is read about processes: an instance's run state and BPMN, for viewers (E4), and
the deployed processes and versions, for designers (C3, issue 10 #6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.domain.permissions import Perm
from engine.services.documents.views import InstanceView, check_instance_visible, get_instance
from engine.services.processes.incidents import INCIDENT
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require


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


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    current_version_id: int
    current_version: int
    newest_version: int


@dataclass(frozen=True)
class VersionSummary:
    id: int
    process_id: str
    version: int
    checksum: str
    current: bool
    deployed_at: datetime
    deployed_by: int | None
    comment: str
    # Instances of this version: running on, stopped on an incident, finished
    # (completed or cancelled).
    running: int = 0
    incidents: int = 0
    finished: int = 0
    deployer: str = ""  # the deploying user's name; empty for the shipped files


def list_processes(uow: UnitOfWork, *, actor_id: int) -> list[ProcessSummary]:
    """Return each deployed process with its current and newest version numbers.

    Raises PermissionDenied without the design permission.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        newest = uow.processes.newest_numbers()
        return [
            ProcessSummary(v.process_id, v.id, v.version, newest[v.process_id])
            for v in uow.processes.current_versions()
        ]


def list_versions(uow: UnitOfWork, *, process_id: str, actor_id: int) -> list[VersionSummary]:
    """Return a process's versions, newest first, marking the current one, with counts.

    Raises PermissionDenied without the design permission, NotFound for an unknown process.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        current = uow.processes.current_version(process_id).id
        counts = uow.cockpit.status_counts(process_id)
        found = uow.processes.versions(process_id)
        names = {
            user_id: uow.users.get(user_id).username
            for user_id in {v.deployed_by for v in found if v.deployed_by is not None}
        }
        return [
            VersionSummary(
                v.id,
                v.process_id,
                v.version,
                v.checksum,
                v.id == current,
                v.deployed_at,
                v.deployed_by,
                v.comment,
                counts.get(v.id, {}).get("running", 0),
                counts.get(v.id, {}).get(INCIDENT, 0),
                counts.get(v.id, {}).get("completed", 0) + counts.get(v.id, {}).get("cancelled", 0),
                names.get(v.deployed_by, "") if v.deployed_by is not None else "",
            )
            for v in found
        ]
