"""Deploy BPMN versions and choose the current one (C3; issue 10 #5 and #6).

Parsing runs with no transaction open: a short read takes the current files, the
diagram is checked against the size limits and parsed, and a short write transaction
stores the result unless another deployment changed a current version meanwhile (then
the parse is redone). Each process has a current version, the one new instances
start; redeploying a stored diagram makes its version current again (a rollback).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from engine.domain.errors import Conflict, ValidationFailed
from engine.domain.permissions import Perm
from engine.models.workflow import ProcessVersion
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow import ProcessBundle, parse_process
from engine.workflow.declarations import lane_roles
from engine.workflow.limits import DiagramLimits, check_diagram_limits

logger = logging.getLogger(__name__)

BPMN_DIR = Path(__file__).resolve().parents[3] / "bpmn"
# Each shipped process and the files it needs (its call-activity targets included).
SHIPPED: dict[str, tuple[str, ...]] = {
    "document_approval": ("document_approval.bpmn",),
    "quote_to_invoice": ("quote_to_invoice.bpmn", "document_approval.bpmn"),
    "overdue_followup": ("overdue_followup.bpmn",),
}
_ATTEMPTS = 3  # parses of one deployment racing others before it answers Conflict
PROCESS_ID_MAX = 100  # the process_id columns' length


@dataclass(frozen=True)
class VersionInfo:
    id: int
    process_id: str
    version: int
    checksum: str
    created: bool
    current: bool = True


@dataclass(frozen=True)
class _Snapshot:
    """What a parse was based on: current version ids, their files, stored checksums."""

    current: dict[str, int]
    files: dict[str, dict[str, bytes]]
    checksums: dict[str, dict[str, int]]


@dataclass(frozen=True)
class _Parsed:
    process_id: str
    files: dict[str, bytes]
    bundle: ProcessBundle
    comment: str


class _Changed(Exception):
    """Another deployment changed a current version after this one's parse."""


def deploy_shipped_processes(uow: UnitOfWork, *, actor_id: int | None) -> list[VersionInfo]:
    """Deploy the files in bpmn/ whose checksum is new; running instances keep theirs.

    A shipped diagram already stored does not become current again, so a restart never
    undoes a designer's rollback or newer version (issue 10 #6).
    """
    parsed = [
        _parse(pid, {f: (BPMN_DIR / f).read_bytes() for f in files}, "shipped")
        for pid, files in SHIPPED.items()
    ]
    with uow:
        current = uow.processes.current_ids(lock=True)
        infos = []
        for item in parsed:
            stored = uow.processes.version_with_checksum(item.process_id, item.bundle.checksum)
            if stored is None:
                infos.append(_store(uow, item, actor_id)[0])
            else:
                infos.append(_info(stored, False, current.get(item.process_id) == stored.id))
        uow.commit()
    return infos


def deploy_process(
    uow: UnitOfWork,
    *,
    process_id: str,
    files: Mapping[str, bytes],
    actor_id: int,
    comment: str = "",
    limits: DiagramLimits | None = None,
) -> VersionInfo:
    """Validate a version of a process, store it if new, and make it current (C3).

    Identical content of a stored version makes that version current again (audit
    ``process.activate``); callers bundling a replaced file follow (docs/decisions.md §6).
    Raises PermissionDenied without the design permission, ValidationFailed (field
    ``process_id`` for an id over 100 characters, ``bpmn`` for a file over ``limits`` or
    malformed or invalid BPMN, a bad lane or step declaration, a lane naming an unknown
    role: nothing is stored), and Conflict when other deployments kept changing the
    processes during the parse.
    """
    snapshot = _checked_snapshot(uow, process_id, files, actor_id, limits)
    for _attempt in range(_ATTEMPTS):
        plans = _plan(process_id, dict(files), comment, snapshot)  # no transaction open
        try:
            return _write(uow, plans, snapshot, actor_id)
        except _Changed:
            snapshot = _read_snapshot(uow, actor_id)
    raise Conflict("other deployments changed the processes meanwhile; deploy again")


def check_process(
    uow: UnitOfWork,
    *,
    process_id: str,
    files: Mapping[str, bytes],
    actor_id: int,
    limits: DiagramLimits | None = None,
) -> ProcessBundle:
    """Check a version as :func:`deploy_process` would, storing nothing (issue 13 §2).

    Raises what deploy_process raises for the same input, but never Conflict.
    """
    snapshot = _checked_snapshot(uow, process_id, files, actor_id, limits)
    plans = _plan(process_id, dict(files), "", snapshot)
    with uow:
        _check_roles(uow, plans)
    return plans[0].bundle


def _checked_snapshot(
    uow: UnitOfWork,
    process_id: str,
    files: Mapping[str, bytes],
    actor_id: int,
    limits: DiagramLimits | None,
) -> _Snapshot:
    """Check the permission, the id's length and the files' limits; read the current files."""
    snapshot = _read_snapshot(uow, actor_id)
    if len(process_id) > PROCESS_ID_MAX:  # PostgreSQL would refuse it when stored (a 500)
        raise ValidationFailed.single("process_id", f"at most {PROCESS_ID_MAX} characters")
    check_diagram_limits(files, limits or DiagramLimits())
    return snapshot


def _read_snapshot(uow: UnitOfWork, actor_id: int) -> _Snapshot:
    """Check the permission and read the current files, in a short read."""
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        files = {
            v.process_id: {k: x.encode() for k, x in v.bpmn_files.items()}
            for v in uow.processes.current_versions()
        }
        return _Snapshot(uow.processes.current_ids(), files, uow.processes.checksums())


def _plan(
    process_id: str, files: dict[str, bytes], comment: str, snapshot: _Snapshot
) -> list[_Parsed]:
    """Parse the process and, if its current version changes, the callers that follow.

    Call activities resolve against the current file of every process, so a designer
    deploys one diagram at a time (the checksum covers only the files it reaches).
    """
    known = {name: xml for bundle in snapshot.files.values() for name, xml in bundle.items()}
    main = _parse(process_id, {**known, **files}, comment)
    stored = snapshot.checksums.get(process_id, {}).get(main.bundle.checksum)
    if stored is not None and stored == snapshot.current.get(process_id):
        return [main]  # already current: nothing changes
    # Callers follow their callee (latest binding, as in Camunda): a caller whose bundle
    # holds a replaced file gets a version with it; running instances keep theirs.
    return [main] + [
        _parse(caller, {**bundle, **files}, f"follows {process_id}")
        for caller, bundle in sorted(snapshot.files.items())
        if caller != process_id and set(files) & set(bundle)
    ]


def _parse(process_id: str, files: dict[str, bytes], comment: str) -> _Parsed:
    return _Parsed(process_id, files, parse_process(process_id, files), comment)


def _write(
    uow: UnitOfWork, plans: list[_Parsed], snapshot: _Snapshot, actor_id: int
) -> VersionInfo:
    """Store the parsed versions and make them current, if nothing changed since the read."""
    with uow:
        require(load_actor(uow, actor_id), Perm.DESIGN_PROCESSES)
        if uow.processes.current_ids(lock=True) != snapshot.current:
            raise _Changed
        _check_roles(uow, plans)
        try:
            results = [_store(uow, plan, actor_id) for plan in plans]
        except IntegrityError as error:  # a concurrent first deployment took the number
            raise _Changed from error
        for (info, previous), plan in zip(results, plans, strict=True):
            if plan is plans[0] or info.created or previous != info.id:
                _audit(uow, info, previous, actor_id, plan.comment)
        uow.commit()
    return results[0][0]


def _check_roles(uow: UnitOfWork, plans: list[_Parsed]) -> None:
    """Refuse a lane naming a role that does not exist (issue 12 §2), naming the lane."""
    for plan in plans:
        for lane, code in lane_roles(plan.bundle.registry):
            if uow.users.role_by_code(code) is None:
                raise ValidationFailed.single(
                    "bpmn", f"{lane.source} (name {lane.name!r}): unknown role {code!r}"
                )


def _store(uow: UnitOfWork, plan: _Parsed, actor_id: int | None) -> tuple[VersionInfo, int | None]:
    """Store the version if its checksum is new and make it current; return the previous."""
    version = uow.processes.version_with_checksum(plan.process_id, plan.bundle.checksum)
    created = version is None
    if version is None:
        version = uow.processes.add_version(
            ProcessVersion(
                process_id=plan.process_id,
                version=uow.processes.next_version_number(plan.process_id),
                checksum=plan.bundle.checksum,
                bpmn_files={k: v.decode() for k, v in plan.files.items()},
                spec_json=plan.bundle.spec_json,
                deployed_by=actor_id,
                comment=plan.comment,
            )
        )
    previous = uow.processes.make_current(plan.process_id, version.id)
    logger.info(
        "process version current",
        extra={"process_id": plan.process_id, "version": version.version, "new": created},
    )
    return _info(version, created, True), previous


def _audit(
    uow: UnitOfWork, info: VersionInfo, previous: int | None, actor_id: int, comment: str
) -> None:
    """Record a deployment (new version) or an activation (a stored one made current)."""
    details: dict[str, object] = {"process_id": info.process_id, "version": info.version}
    if previous is not None and previous != info.id:
        details["from_version"] = uow.processes.version(previous).version
        details["to_version"] = info.version
    if comment:
        details["comment"] = comment
    uow.audit.record(
        actor_id=actor_id,
        action="process.deploy" if info.created or previous == info.id else "process.activate",
        entity="process_version",
        entity_id=info.id,
        details=details,
    )


def _info(version: ProcessVersion, created: bool, current: bool) -> VersionInfo:
    return VersionInfo(
        version.id, version.process_id, version.version, version.checksum, created, current
    )
