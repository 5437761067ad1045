"""What an operator watches: the database answering, its schema, queues and lags
(issue 17 §2). Counts only; nothing here reads a document's contents."""

from __future__ import annotations

from datetime import datetime

from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from engine.domain.messages import WAITING
from engine.models.outbox import OutboxMessage
from engine.models.workflow import HumanTask, ProcessInstance


class OperationsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ping(self) -> None:
        """Run the cheapest statement there is; raise when the database does not answer."""
        self.session.execute(text("SELECT 1"))

    def schema_revisions(self) -> set[str]:
        """Return the Alembic revisions the database is stamped with."""
        context = MigrationContext.configure(self.session.connection())
        return set(context.get_current_heads())

    def open_tasks_by_lane(self) -> dict[str, int]:
        """Return how many tasks are open in each lane (cartable)."""
        stmt = (
            select(HumanTask.lane, func.count())
            .where(HumanTask.status == "open")
            .group_by(HumanTask.lane)
        )
        return {lane: int(count) for lane, count in self.session.execute(stmt)}

    def messages_by_status(self) -> dict[str, int]:
        """Return how many outbox messages are in each status."""
        stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return {status: int(count) for status, count in self.session.execute(stmt)}

    def oldest_waiting_message(self) -> datetime | None:
        """Return when the oldest message not yet out was queued."""
        stmt = select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_([s.value for s in WAITING])
        )
        return self.session.scalar(stmt)

    def oldest_due_timer(self, now: datetime) -> datetime | None:
        """Return the earliest timer of a running instance that is due and has not fired."""
        stmt = select(func.min(ProcessInstance.next_timer_at)).where(
            ProcessInstance.status == "running", ProcessInstance.next_timer_at <= now
        )
        return self.session.scalar(stmt)
