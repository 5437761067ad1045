"""Process versions and instances, and the human-task index behind the cartables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.domain.errors import NotFound
from engine.models.documents import Document
from engine.models.workflow import HumanTask, Process, ProcessInstance, ProcessVersion
from engine.repositories.base import Repository
from engine.repositories.visibility import in_cartable

# The large JSON columns of a version, loaded on first access (issue 11 §4).
_WITHOUT_FILES = (defer(ProcessVersion.bpmn_files), defer(ProcessVersion.spec_json))
_VERSION_KEYS = "process_version_keys"  # session.info: the versions' keys, read once


class ProcessRepository(Repository[ProcessInstance]):
    model = ProcessInstance
    label = "process instance"

    def latest_version(self, process_id: str) -> ProcessVersion:
        """Return the newest deployed version of a process; raise NotFound."""
        stmt = (
            select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.version.desc())
        )
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFound(f"process {process_id!r} is not deployed")
        return found

    def current_version(self, process_id: str) -> ProcessVersion:
        """Return the version new instances of a process start (issue 10 #6); raise NotFound."""
        stmt = (
            select(ProcessVersion)
            .join(Process, Process.current_version_id == ProcessVersion.id)
            .where(Process.process_id == process_id)
            .options(*_WITHOUT_FILES)
        )
        found = self.session.scalars(stmt).first()
        if found is None:
            raise NotFound(f"process {process_id!r} is not deployed")
        return found

    def current_versions(self) -> list[ProcessVersion]:
        """Return every process's current version, by process id."""
        stmt = (
            select(ProcessVersion)
            .join(Process, Process.current_version_id == ProcessVersion.id)
            .order_by(ProcessVersion.process_id)
        )
        return list(self.session.scalars(stmt))

    def current_ids(self, *, lock: bool = False) -> dict[str, int]:
        """Return each process's current version id, by process id.

        ``lock`` takes the rows FOR UPDATE (PostgreSQL) so deployments run one at a time.
        """
        stmt = select(Process.process_id, Process.current_version_id).order_by(Process.process_id)
        if lock:
            stmt = stmt.with_for_update()
        return {pid: version_id for pid, version_id in self.session.execute(stmt)}

    def checksums(self) -> dict[str, dict[str, int]]:
        """Return every stored version id by process id and checksum (no files loaded)."""
        stmt = select(ProcessVersion.process_id, ProcessVersion.checksum, ProcessVersion.id)
        found: dict[str, dict[str, int]] = {}
        for process_id, checksum, version_id in self.session.execute(stmt):
            found.setdefault(process_id, {})[checksum] = version_id
        return found

    def version_keys(self) -> list[tuple[int, str, str]]:
        """Return (id, process id, checksum) of every stored version, the current ones last.

        Older versions come first by id, so a reader merging them lets the current
        versions win (a rollback included). Read once per unit of work (versions are
        never changed, only added through :meth:`add_version`, which forgets it): the
        cartable asks on every task.
        """
        known: list[tuple[int, str, str]] | None = self.session.info.get(_VERSION_KEYS)
        if known is None:
            stmt = (
                select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.checksum)
                .outerjoin(Process, Process.current_version_id == ProcessVersion.id)
                .order_by(Process.process_id.is_not(None), ProcessVersion.id)
            )
            rows = self.session.execute(stmt)
            known = self.session.info[_VERSION_KEYS] = [(v, p, c) for v, p, c in rows]
        return known

    def version_ids_of(self, instance_ids: Iterable[int]) -> dict[int, int]:
        """Return each instance's version id, by instance id, in one query."""
        wanted = set(instance_ids)
        if not wanted:
            return {}
        stmt = select(ProcessInstance.id, ProcessInstance.version_id).where(
            ProcessInstance.id.in_(wanted)
        )
        return {instance_id: version_id for instance_id, version_id in self.session.execute(stmt)}

    def make_current(self, process_id: str, version_id: int) -> int | None:
        """Point a process at one of its versions; return the previous current version id."""
        self.session.info.pop(_VERSION_KEYS, None)
        row = self.session.get(Process, process_id)
        if row is None:
            self.session.add(Process(process_id=process_id, current_version_id=version_id))
            return None
        previous = row.current_version_id
        row.current_version_id = version_id
        return previous

    def newest_numbers(self) -> dict[str, int]:
        """Return each process's highest version number (no files loaded)."""
        stmt = select(ProcessVersion.process_id, func.max(ProcessVersion.version)).group_by(
            ProcessVersion.process_id
        )
        return {process_id: int(number) for process_id, number in self.session.execute(stmt)}

    def next_version_number(self, process_id: str) -> int:
        """Return the number the process's next new version takes."""
        stmt = select(func.max(ProcessVersion.version)).where(
            ProcessVersion.process_id == process_id
        )
        return int(self.session.scalar(stmt) or 0) + 1

    def version_with_checksum(self, process_id: str, checksum: str) -> ProcessVersion | None:
        """Return the stored version of exactly this BPMN, or None."""
        stmt = select(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.checksum == checksum
        )
        return self.session.scalars(stmt.order_by(ProcessVersion.version)).first()

    def version(self, version_id: int) -> ProcessVersion:
        """Return one version; raise NotFound.

        Its files and spec JSON load on first access only: restoring a run needs just
        the checksum when the parsed spec is cached (issue 11 §4).
        """
        found = self.session.get(ProcessVersion, version_id, options=_WITHOUT_FILES)
        if found is None:
            raise NotFound(f"process version {version_id} not found")
        return found

    def versions(self, process_id: str | None = None) -> list[ProcessVersion]:
        """Return versions newest first."""
        stmt = select(ProcessVersion).order_by(
            ProcessVersion.process_id, ProcessVersion.version.desc()
        )
        if process_id:
            stmt = stmt.where(ProcessVersion.process_id == process_id)
        return list(self.session.scalars(stmt))

    def add_version(self, version: ProcessVersion) -> ProcessVersion:
        """Stage a new version."""
        self.session.info.pop(_VERSION_KEYS, None)
        self.session.add(version)
        self.session.flush()
        return version

    def running_for_document(self, document_id: int) -> ProcessInstance | None:
        """Return the running instance driving a document, or None."""
        stmt = select(ProcessInstance).where(
            ProcessInstance.document_id == document_id, ProcessInstance.status == "running"
        )
        return self.session.scalars(stmt.order_by(ProcessInstance.id.desc())).first()

    def for_document(self, document_id: int) -> list[ProcessInstance]:
        """Return every instance started for a document, newest first."""
        stmt = select(ProcessInstance).where(ProcessInstance.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(ProcessInstance.id.desc())))

    def due_timer_ids(self, now: datetime, limit: int = 100) -> list[int]:
        """Return ids of running instances whose next timer is due, skipping locked ones.

        Incidents (status "incident") are not running: they wait for a retry.
        """
        stmt = (
            select(ProcessInstance.id)
            .where(ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now)
            .order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.scalars(stmt))

    def with_status(self, status: str, *, limit: int, offset: int = 0) -> list[ProcessInstance]:
        """Return instances in ``status``, least recently changed first (the incident list)."""
        stmt = (
            select(ProcessInstance)
            .where(ProcessInstance.status == status)
            .options(defer(ProcessInstance.state))  # a list never needs the run state
            .order_by(ProcessInstance.updated_at, ProcessInstance.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(stmt))

    def count_with_status(self, status: str) -> int:
        """Return how many instances are in ``status``."""
        stmt = select(func.count()).where(ProcessInstance.status == status)
        return int(self.session.scalar(stmt) or 0)


@dataclass(frozen=True)
class TaskQuery:
    """Filters and order of a cartable page (ARCHITECTURE §6)."""

    cartable: str | None = None
    document_type: str | None = None
    contact: str | None = None  # a part of the contact's name
    contact_id: int | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    overdue: bool = False
    mine: bool = False
    sort: str = "created"  # created | due | priority | amount
    descending: bool = False
    limit: int = 50
    offset: int = 0


class TaskRepository(Repository[HumanTask]):
    model = HumanTask
    label = "task"

    def stage(self, task: HumanTask) -> None:
        """Stage a new task row; the caller's flush inserts it (with the others of a batch)."""
        self.session.add(task)

    def open_of_instance(self, instance_id: int) -> list[HumanTask]:
        """Return the instance's open task rows."""
        stmt = select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "open"
        )
        return list(self.session.scalars(stmt))

    def open_of_document(self, document_id: int) -> list[HumanTask]:
        """Return the open task rows that work on a document."""
        stmt = select(HumanTask).where(
            HumanTask.document_id == document_id, HumanTask.status == "open"
        )
        return list(self.session.scalars(stmt.order_by(HumanTask.id)))

    def of_document(self, document_id: int) -> list[HumanTask]:
        """Return all task rows of a document, oldest first (its step history)."""
        stmt = select(HumanTask).where(HumanTask.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(HumanTask.id)))

    def cartable(
        self,
        *,
        user_id: int,
        lanes: Iterable[str],
        only_lanes: Iterable[str] | None = None,
        overdue_at: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        for_users: Iterable[int] = (),
    ) -> list[HumanTask]:
        """Return open tasks of the user's lanes or assigned to the user (or to the users
        of ``for_users``, whose substitute the user is), oldest first; with
        ``overdue_at``, only those due before it.

        Reads only this table (and its indexes): never a workflow state.
        """
        stmt = select(HumanTask).where(
            HumanTask.status == "open", in_cartable([user_id, *for_users], lanes)
        )
        if only_lanes is not None:
            stmt = stmt.where(HumanTask.lane.in_(list(only_lanes)))
        if overdue_at is not None:
            stmt = stmt.where(HumanTask.due_at < overdue_at)
        stmt = stmt.order_by(HumanTask.created_at, HumanTask.id).limit(limit).offset(offset)
        return list(self.session.scalars(stmt))

    def search(
        self,
        *,
        user_id: int,
        lanes: Iterable[str],
        query: TaskQuery,
        now: datetime,
        for_users: Iterable[int] = (),
    ) -> tuple[list[HumanTask], int]:
        """Return one page of the user's open tasks, filtered and sorted, and the match count
        (``for_users``: as :meth:`cartable`).

        Reads only this table (and its indexes): never a workflow state.
        """
        conditions = [HumanTask.status == "open", in_cartable([user_id, *for_users], lanes)]
        if query.cartable:
            conditions.append(HumanTask.lane == query.cartable)
        if query.document_type:
            conditions.append(HumanTask.document_type == query.document_type)
        if query.contact:
            conditions.append(HumanTask.contact_name.contains(query.contact))
        if query.contact_id is not None:
            of_contact = select(Document.id).where(Document.contact_id == query.contact_id)
            conditions.append(HumanTask.document_id.in_(of_contact))
        if query.amount_min is not None:
            conditions.append(HumanTask.amount >= query.amount_min)
        if query.amount_max is not None:
            conditions.append(HumanTask.amount <= query.amount_max)
        if query.overdue:
            conditions.append(HumanTask.due_at < now)
        if query.mine:
            conditions.append(HumanTask.assignee_id == user_id)
        total = self.session.scalar(select(func.count()).select_from(HumanTask).where(*conditions))
        column = {
            "due": HumanTask.due_at,
            "priority": HumanTask.priority,
            "amount": HumanTask.amount,
        }.get(query.sort, HumanTask.created_at)
        order = column.desc() if query.descending else column.asc()
        stmt = (
            select(HumanTask)
            .where(*conditions)
            .order_by(order.nulls_last(), HumanTask.id)
            .limit(query.limit)
            .offset(query.offset)
        )
        return list(self.session.scalars(stmt)), int(total or 0)

    def count_open(self) -> int:
        """Return how many tasks are open."""
        return int(self.session.scalar(select(func.count()).where(HumanTask.status == "open")) or 0)

    def get_open(self, task_id: int) -> HumanTask:
        """Return the task locked for update; raise NotFound."""
        task = self.get_for_update(task_id)
        if task is None:
            raise NotFound(f"task {task_id} not found")
        return task
