"""What a process designer reads of versions: their XML, a diff of two, and what
instances do on a version's diagram (issue 13 §1 and §4)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from engine.domain.permissions import Perm
from engine.services.processes._registry import version_registry
from engine.services.processes.incidents import INCIDENT
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow.diagram_diff import DiagramDiff, diff_diagrams
from engine.workflow.serialization import waiting_element_ids


@dataclass(frozen=True)
class VersionFile:
    process_id: str
    version: int
    file_name: str
    xml: str


@dataclass(frozen=True)
class VersionActivity:
    """A version's diagram with, per element, what its instances do there."""

    process_id: str
    version: int
    files: dict[str, str]  # the main process's file first
    tokens: dict[str, int]  # waiting tasks of running instances
    incidents: dict[str, int]  # open incidents that failed there
    median_seconds: dict[str, float]  # median time in a user task over finished instances
    finished: int  # finished instances the medians are taken over
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # names by language (§3)


def version_bpmn(uow: UnitOfWork, *, process_id: str, number: int, actor_id: int) -> VersionFile:
    """Return the BPMN XML of version ``number`` of a process (its own file).

    Raises PermissionDenied without the design permission, NotFound for an unknown
    process or version.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        found = uow.cockpit.version_by_number(process_id, number)
        name = main_file(process_id, found.bpmn_files)
        return VersionFile(process_id, number, name, found.bpmn_files[name])


def diff_versions(
    uow: UnitOfWork, *, process_id: str, old: int, new: int, actor_id: int
) -> DiagramDiff:
    """Return the elements added, removed and changed from version ``old`` to ``new``.

    Raises PermissionDenied without the design permission, NotFound for an unknown
    process or version.
    """
    before = version_bpmn(uow, process_id=process_id, number=old, actor_id=actor_id)
    after = version_bpmn(uow, process_id=process_id, number=new, actor_id=actor_id)
    return diff_diagrams(
        f"v{old}/{before.file_name}",
        before.xml.encode(),
        f"v{new}/{after.file_name}",
        after.xml.encode(),
    )


def version_activity(
    uow: UnitOfWork, *, process_id: str, number: int, actor_id: int
) -> VersionActivity:
    """Return a version's diagram with its tokens, incidents and median step times.

    Tokens are read from the stored run states (no workflow is loaded); the medians
    from the completed cartable rows of finished instances. Raises PermissionDenied
    without the design permission, NotFound for an unknown process or version.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        version = uow.cockpit.version_by_number(process_id, number)
        main = main_file(process_id, version.bpmn_files)
        files = dict(sorted(version.bpmn_files.items(), key=lambda kv: kv[0] != main))
        tokens: Counter[str] = Counter()
        incidents: Counter[str] = Counter()
        for instance in uow.cockpit.live_of_version(version.id):
            if instance.status == INCIDENT:
                incidents[instance.incident_element_id or ""] += 1
            else:
                tokens.update(waiting_element_ids(instance.state))
        durations = uow.cockpit.task_durations(version.id)
        finished = uow.cockpit.status_counts(process_id).get(version.id, {}).get("completed", 0)
        return VersionActivity(
            process_id,
            number,
            files,
            dict(tokens),
            {k: v for k, v in incidents.items() if k},
            {element: statistics.median(times) for element, times in durations.items()},
            finished,
            version_registry(uow, version.id).element_labels(),
        )


def main_file(process_id: str, files: dict[str, str]) -> str:
    """The file named after the process, else the only (or first) one."""
    name = f"{process_id}.bpmn"
    return name if name in files else sorted(files)[0]
