"""What the process cockpit reads (issue 13 §4) and the migrations' rows (§5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.domain.errors import NotFound
from engine.models.workflow import (
    HumanTask,
    MigratedInstance,
    ProcessInstance,
    ProcessMigration,
    ProcessVersion,
)
from engine.repositories.base import Repository


@dataclass(frozen=True)
class InstanceFilter:
    """The cockpit's filters; None means any."""

    process_id: str | None = None
    version: int | None = None
    status: str | None = None
    incident: bool | None = None
    document_id: int | None = None
    started_from: date | None = None  # business days, both included
    started_to: date | None = None
    limit: int = 50
    offset: int = 0


class CockpitRepository(Repository[ProcessInstance]):
    model = ProcessInstance
    label = "process instance"

    def version_by_number(self, process_id: str, number: int) -> ProcessVersion:
        """Return version ``number`` of a process; raise NotFound."""
        stmt = select(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == number
        )
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFound(f"process {process_id!r} has no version {number}")
        return found

    def status_counts(self, process_id: str) -> dict[int, dict[str, int]]:
        """Return how many instances each version has, by version id and status."""
        stmt = (
            select(ProcessInstance.version_id, ProcessInstance.status, func.count())
            .where(ProcessInstance.process_id == process_id)
            .group_by(ProcessInstance.version_id, ProcessInstance.status)
        )
        counts: dict[int, dict[str, int]] = {}
        for version_id, status, count in self.session.execute(stmt):
            counts.setdefault(version_id, {})[status] = int(count)
        return counts

    def search(
        self, query: InstanceFilter, *, since: datetime | None, before: datetime | None
    ) -> tuple[list[ProcessInstance], int]:
        """Return one page of instances matching ``query``, newest first, and the count.

        ``since`` and ``before`` bound the start time (the caller turns the query's
        business days into instants).
        """
        conditions = []
        if query.process_id:
            conditions.append(ProcessInstance.process_id == query.process_id)
        if query.version is not None:
            conditions.append(ProcessInstance.version_id == ProcessVersion.id)
            conditions.append(ProcessVersion.version == query.version)
        if query.status:
            conditions.append(ProcessInstance.status == query.status)
        if query.incident is not None:
            incident = ProcessInstance.incident_at.is_not(None)
            conditions.append(incident if query.incident else ProcessInstance.incident_at.is_(None))
        if query.document_id is not None:
            conditions.append(ProcessInstance.document_id == query.document_id)
        if since is not None:
            conditions.append(ProcessInstance.created_at >= since)
        if before is not None:
            conditions.append(ProcessInstance.created_at < before)
        base = select(ProcessInstance).join(
            ProcessVersion, ProcessVersion.id == ProcessInstance.version_id
        )
        total = self.session.scalar(
            select(func.count()).select_from(base.where(*conditions).subquery())
        )
        stmt = (
            base.where(*conditions)
            .options(defer(ProcessInstance.state))
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        return list(self.session.scalars(stmt)), int(total or 0)

    def version_numbers(self, version_ids: set[int]) -> dict[int, int]:
        """Return version numbers by version id."""
        if not version_ids:
            return {}
        stmt = select(ProcessVersion.id, ProcessVersion.version).where(
            ProcessVersion.id.in_(version_ids)
        )
        return {vid: int(number) for vid, number in self.session.execute(stmt)}

    def live_of_version(self, version_id: int, *, lock: bool = False) -> list[ProcessInstance]:
        """Return the running and incident instances of a version, oldest first."""
        stmt = (
            select(ProcessInstance)
            .where(
                ProcessInstance.version_id == version_id,
                ProcessInstance.status.in_(("running", "incident")),
            )
            .order_by(ProcessInstance.id)
        )
        if lock:
            stmt = stmt.with_for_update()
        return list(self.session.scalars(stmt))

    def task_durations(self, version_id: int) -> dict[str, list[float]]:
        """Return seconds each completed user task took, by element, over finished instances."""
        stmt = (
            select(HumanTask.element_id, HumanTask.created_at, HumanTask.completed_at)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .where(
                ProcessInstance.version_id == version_id,
                ProcessInstance.status == "completed",
                HumanTask.status == "completed",
                HumanTask.completed_at.is_not(None),
            )
        )
        found: dict[str, list[float]] = {}
        for element_id, created, completed in self.session.execute(stmt):
            if completed is None:  # filtered out above; tells the type checker so
                continue
            found.setdefault(element_id, []).append((completed - created).total_seconds())
        return found


class MigrationRepository(Repository[ProcessMigration]):
    model = ProcessMigration
    label = "process migration"

    def of_process(self, process_id: str) -> list[ProcessMigration]:
        """Return a process's migrations, newest first."""
        stmt = select(ProcessMigration).where(ProcessMigration.process_id == process_id)
        return list(self.session.scalars(stmt.order_by(ProcessMigration.id.desc())))

    def stage_moved(self, row: MigratedInstance) -> None:
        """Stage the record of one moved instance."""
        self.session.add(row)

    def moved(self, migration_id: int) -> list[MigratedInstance]:
        """Return the instances a migration moved, by instance id."""
        stmt = select(MigratedInstance).where(MigratedInstance.migration_id == migration_id)
        return list(self.session.scalars(stmt.order_by(MigratedInstance.instance_id)))
