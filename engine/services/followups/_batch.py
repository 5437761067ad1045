"""What one follow-up command reads and writes, so a batch costs a few statements (F2, bench).

Reads: ``prefetch`` loads a batch of customers in a handful of set-based queries and
locks their follow-up rows and open invoices (FOR UPDATE on PostgreSQL). Until the
batch commits no payment can change those invoices, so the balance read here is the
balance at every later action of the batch: the check before each action (F2) needs
no further query. The rows are also held here because the session's identity map is
weak: a contact an operator lets go of would otherwise be loaded again.

Writes: a deferred batch (the daily pass, bulk processing) steps every customer's BPMN
in memory and only collects what the service tasks decide (messages, history lines,
invoice progress, next instances, fired runs); ``write`` then stores them together:
outbox rows through ``enqueue_message``, one flush for the ORM rows, one executemany
for the history, one INSERT for the followers (F1). A customer whose step fails is
dropped from the buffers alone (``mark``/``rollback_to``). Outside a batch (a posting,
the generic timer beat) every write happens at once, as the operators ask for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from engine import clock
from engine.domain.followups import LevelRule, OpenInvoice
from engine.models.contacts import Contact
from engine.models.followups import (
    CustomerFollowup,
    FollowupEvent,
    FollowupLevel,
    InvoiceFollowup,
)
from engine.models.workflow import HumanTask, ProcessInstance, ProcessVersion
from engine.services.followups.followers import add_followers
from engine.services.messaging.outbox import enqueue_messages
from engine.services.processes._runs import (
    notify_new_tasks,
    store_run,
    sync_tasks,
    version_spec,
)
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.workflow import LoadedSpec, WorkflowRun

PROCESS_ID = "overdue_followup"


@dataclass
class PendingMessage:
    """A message a service task decided on, with its history line and its report row."""

    request: dict[str, Any]
    event: dict[str, Any]
    report: Any  # FollowupMessage, filled with the outbox id when written


@dataclass
class _Buffers:
    messages: list[PendingMessage] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    progress: list[InvoiceFollowup] = field(default_factory=list)
    new_runs: list[tuple[CustomerFollowup, WorkflowRun]] = field(default_factory=list)
    fired: list[tuple[ProcessInstance, WorkflowRun]] = field(default_factory=list)
    followers: list[tuple[int, int, str]] = field(default_factory=list)  # doc, contact, origin

    def lists(self) -> tuple[list[Any], ...]:
        b = self
        return (b.messages, b.events, b.progress, b.new_runs, b.fired, b.followers)


class FollowupBatch:
    """The rows of one follow-up command and, when deferred, its pending writes."""

    def __init__(
        self,
        uow: AbstractUnitOfWork,
        *,
        sent: list[Any],
        deferred: bool = False,
        on: date | None = None,
    ) -> None:
        # Its writes go in bulk through the session: the SQLAlchemy unit of work only
        # (the unit tests' fake runs no follow-up pass).
        if not isinstance(uow, UnitOfWork):
            raise TypeError("a follow-up batch needs the SQLAlchemy unit of work")
        self.uow = uow
        self.sent = sent
        self.deferred = deferred
        # The day reminders ask for: the instalments due by then (issue 14 §3).
        self.on = on or clock.business_today()
        self._contacts: dict[int, Contact] = {}
        self._states: dict[int, CustomerFollowup] = {}
        self._invoices: dict[int, list[OpenInvoice]] = {}
        self._instances: dict[int, ProcessInstance] = {}
        self._progress: dict[int, InvoiceFollowup | None] = {}  # None: known to have none
        self._open_task_instances: set[int] = set()
        self._levels: dict[int, FollowupLevel] | None = None
        self._rules: list[LevelRule] | None = None
        self._held: list[object] = []
        self._spec: LoadedSpec | None = None
        self._version: ProcessVersion | None = None
        self._buffers = _Buffers()

    # reads -------------------------------------------------------------------
    def prefetch(self, contact_ids: Iterable[int]) -> None:
        """Load and lock a batch of customers with their open invoices and instances."""
        ids = [cid for cid in contact_ids if cid not in self._invoices]
        if not ids:
            return
        repo = self.uow.followups
        self._states.update(repo.states(ids, lock=True))
        self._contacts.update(repo.contacts(ids))
        invoices = repo.open_invoices(ids, lock=True, on=self.on)
        self._invoices.update({cid: invoices.get(cid, []) for cid in ids})
        document_ids = [inv.id for cid in ids for inv in self._invoices[cid]]
        found = repo.invoice_progress(document_ids)
        self._progress.update({i: found.get(i) for i in document_ids})
        instance_ids = [s.instance_id for s in self._states.values() if s.instance_id]
        self._instances.update(repo.instances(instance_ids, lock=True))
        self._open_task_instances |= repo.instances_with_open_tasks(instance_ids)

    def hold(self, rows: Iterable[object]) -> None:
        """Keep these loaded rows alive for the command (the session would drop them)."""
        self._held.extend(rows)

    def contact(self, contact_id: int) -> Contact:
        if contact_id not in self._contacts:
            self._contacts[contact_id] = self.uow.contacts.get(contact_id)
        return self._contacts[contact_id]

    def state(self, contact_id: int) -> CustomerFollowup:
        """Return the customer's follow-up row, created (and locked) on first use."""
        if contact_id not in self._states:
            self._states[contact_id] = self.uow.followups.ensure(self.contact(contact_id))
        return self._states[contact_id]

    def open_invoices(self, contact_id: int) -> list[OpenInvoice]:
        """Return the customer's open invoices: locked ones from the batch, else fresh."""
        if contact_id in self._invoices:
            return self._invoices[contact_id]
        found = self.uow.followups.open_invoices([contact_id], on=self.on)
        return found.get(contact_id, [])

    def instance(self, instance_id: int) -> ProcessInstance:
        """Return a process instance, locked."""
        if instance_id not in self._instances:
            self._instances[instance_id] = self.uow.processes.get_for_update(instance_id)
        return self._instances[instance_id]

    def progress(self, document_ids: list[int]) -> dict[int, InvoiceFollowup]:
        """Return the escalation rows of these invoices (batch ones without a query)."""
        missing = [i for i in document_ids if i not in self._progress]
        if missing:
            found = self.uow.followups.invoice_progress(missing)
            self._progress.update({i: found.get(i) for i in missing})
        return {i: row for i in document_ids if (row := self._progress[i]) is not None}

    def current_version(self) -> ProcessVersion:
        """Return the current overdue_followup version (loaded once per batch; issue 10 #6)."""
        if self._version is None:
            self._version = self.uow.processes.current_version(PROCESS_ID)
        return self._version

    def current_spec(self) -> LoadedSpec:
        """Return the current overdue_followup version's parsed spec (cached per batch)."""
        if self._spec is None:
            self._spec = version_spec(self.current_version())
        return self._spec

    def level(self, level_id: int) -> FollowupLevel | None:
        if self._levels is None:
            self._levels = {lvl.id: lvl for lvl in self.uow.followups.levels(active_only=False)}
        return self._levels.get(level_id)

    def rules(self) -> list[LevelRule]:
        if self._rules is None:
            self._rules = self.uow.followups.rules()
        return self._rules

    # writes ------------------------------------------------------------------
    def applied(self, contact_id: int, reached: dict[int, int]) -> None:
        """Note the levels just recorded on the customer's cached invoices."""
        if contact_id in self._invoices:
            self._invoices[contact_id] = [
                replace(inv, level_days=reached[inv.id]) if inv.id in reached else inv
                for inv in self._invoices[contact_id]
            ]

    def add_progress(self, row: InvoiceFollowup) -> None:
        """Stage a new escalation row and remember it."""
        self._progress[row.document_id] = row
        if self.deferred:
            self._buffers.progress.append(row)
        else:
            self.uow.followups.add_invoice_progress(row)

    def record_event(self, row: dict[str, Any]) -> None:
        """Stage one history line (F7)."""
        if self.deferred:
            self._buffers.events.append(row)
        else:
            self.uow.followups.record(FollowupEvent(**row))

    def queue_message(self, pending: PendingMessage) -> None:
        """Queue an outbox message with its history line (now, or at ``write``)."""
        if self.deferred:
            self._buffers.messages.append(pending)
            self._buffers.events.append(pending.event)  # its place in the history order
        else:
            self._write_messages([pending])

    def add_followers(self, document_ids: Iterable[int], contact_id: int, origin: str) -> None:
        """Make the customer a follower of these invoices (F1; now, or at ``write``)."""
        if self.deferred:
            self._buffers.followers.extend((d, contact_id, origin) for d in document_ids)
        else:
            add_followers(self.uow, document_ids=document_ids, contact_id=contact_id, origin=origin)

    def start_later(self, state: CustomerFollowup, run: WorkflowRun) -> None:
        """Remember a customer's next instance, already run to its timer, for ``write``."""
        self._buffers.new_runs.append((state, run))

    def fired(self, instance: ProcessInstance, run: WorkflowRun) -> None:
        """Remember a woken instance's run for ``write``."""
        self._buffers.fired.append((instance, run))

    def mark(self) -> tuple[int, ...]:
        """Return the buffers' lengths, to drop one customer's writes if it fails."""
        return tuple(len(buffer) for buffer in self._buffers.lists())

    def rollback_to(self, mark: tuple[int, ...], contact_id: int) -> None:
        """Drop what was buffered since ``mark`` and forget the customer's loaded rows."""
        for buffer, length in zip(self._buffers.lists(), mark, strict=True):
            del buffer[length:]
        state = self._states.pop(contact_id, None)
        if state is not None:
            self.uow.expire(state)
        self._invoices.pop(contact_id, None)

    def write(self) -> None:
        """Store everything buffered: messages, new instances, runs, progress, history."""
        b, self._buffers = self._buffers, _Buffers()
        # New instances first: their ids join the customers' other changes in one UPDATE.
        self._write_new_runs(b.new_runs)
        self._write_messages(b.messages)
        staged: list[HumanTask] = []
        for instance, run in b.fired:
            store_run(instance, run)
            ready = run.ready_user_tasks()
            if instance.id in self._open_task_instances:
                sync_tasks(self.uow, instance, ready)  # rare: an activity still open
            elif ready:  # the activity user task (F1); the instance had no open rows
                staged += sync_tasks(self.uow, instance, ready, open_rows=[], flush=False)
        for row in b.progress:
            self.uow.followups.add_invoice_progress(row)
        self._write_events(b.events)
        self._write_followers(b.followers)
        self.uow.flush()
        notify_new_tasks(self.uow, staged)  # its responsible user, if they opted in (§7)

    def _write_messages(self, messages: list[PendingMessage]) -> None:
        # One bulk insert for the batch's outbox rows, before the history refers to them.
        ids = enqueue_messages(self.uow, [pending.request for pending in messages])
        for pending, message_id in zip(messages, ids, strict=True):
            pending.event["message_id"] = message_id
            if not self.deferred:
                self.uow.followups.record(FollowupEvent(**pending.event))
            self.sent.append(replace(pending.report, message_id=message_id))

    def _write_new_runs(self, new_runs: list[tuple[CustomerFollowup, WorkflowRun]]) -> None:
        if not new_runs:
            return
        version = self.current_version()  # the one the runs were started on (loaded)
        now = clock.now()
        rows = []
        for _state, run in new_runs:
            row = ProcessInstance(
                version_id=version.id,
                process_id=PROCESS_ID,
                document_id=None,
                state={},
                created_at=now,
            )
            store_run(row, run)
            rows.append(row)
        self.uow.processes.add_all(rows)
        for (state, _run), row in zip(new_runs, rows, strict=True):
            state.instance = row  # the id is set in the same flush: one UPDATE per customer

    def _write_followers(self, rows: list[tuple[int, int, str]]) -> None:
        if rows:  # one INSERT ... ON CONFLICT DO NOTHING for the batch's followers
            self.uow.followers.add_many(rows, now=clock.now())

    def _write_events(self, events: list[dict[str, Any]]) -> None:
        # Core, not ORM: one executemany for the batch's history lines
        self.uow.followups.record_many(events)
