"""Outbox queries: find by key, list for a contact or document, and the worker's claims."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update

from engine.models.outbox import OutboxMessage, OutboxMessageDocument
from engine.repositories.base import Repository


class OutboxRepository(Repository[OutboxMessage]):
    model = OutboxMessage
    label = "message"

    def id_for_key(self, idempotency_key: str) -> int | None:
        """Return the id of the message with this idempotency key, or None."""
        return self.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == idempotency_key)
        )

    def by_provider_id_for_update(self, provider_message_id: str) -> OutboxMessage | None:
        """Return the message the provider knows by this id, locked until commit, or None."""
        return self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.provider_message_id == provider_message_id)
            .with_for_update(of=OutboxMessage)
            .execution_options(populate_existing=True)
        ).first()

    def by_key_for_update(self, idempotency_key: str) -> OutboxMessage | None:
        """Return the message with this idempotency key, locked until commit, or None."""
        return self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key == idempotency_key)
            .with_for_update(of=OutboxMessage)
            .execution_options(populate_existing=True)
        ).first()

    def list(
        self,
        *,
        contact_id: int | None = None,
        document_id: int | None = None,
        status: str | None = None,
        channel: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OutboxMessage]:
        """Return messages, newest first, filtered by contact, document, status, channel."""
        stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
        if contact_id is not None:
            stmt = stmt.where(OutboxMessage.contact_id == contact_id)
        if document_id is not None:
            stmt = stmt.where(
                OutboxMessage.id.in_(
                    select(OutboxMessageDocument.message_id).where(
                        OutboxMessageDocument.document_id == document_id
                    )
                )
            )
        if status is not None:
            stmt = stmt.where(OutboxMessage.status == status)
        if channel is not None:
            stmt = stmt.where(OutboxMessage.channel == channel)
        return list(self.session.scalars(stmt))

    def due(self, *, now: datetime, limit: int, skip_locked: bool) -> list[tuple[int, str]]:
        """Return (id, status) of messages due: queued and due, or sending past its lease.

        On PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED until commit, so two
        workers selecting at once get disjoint batches.
        """
        stmt = (
            select(OutboxMessage.id, OutboxMessage.status)
            .where(
                or_(
                    (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == "sending") & (OutboxMessage.lease_until <= now),
                )
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if skip_locked:
            stmt = stmt.with_for_update(skip_locked=True)
        return [(row.id, row.status) for row in self.session.execute(stmt)]

    def take_lease(
        self, message_id: int, *, now: datetime, lease_until: datetime, token: str
    ) -> bool:
        """Mark one due message "sending" for this claim; False if another worker has it.

        The WHERE repeats the due condition, so on SQLite (no SKIP LOCKED) two workers
        racing for the same row cannot both win: the second UPDATE matches nothing.
        """
        result = self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .where(
                or_(
                    (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == "sending") & (OutboxMessage.lease_until <= now),
                )
            )
            .values(
                status="sending",
                lease_until=lease_until,
                claim_token=token,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def held(self, message_id: int, token: str) -> OutboxMessage | None:
        """Return the message, locked, if this claim still holds it; else None."""
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .with_for_update(of=OutboxMessage)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).first()
