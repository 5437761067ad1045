"""Outbox queries: find by key, list for a contact or document, and the worker's claims."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    Table,
    Update,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)

from engine.domain.messages import WAITING, MessageStatus
from engine.models.outbox import OutboxMessage, OutboxMessageDocument
from engine.models.types import UTCDateTime
from engine.repositories.base import Repository
from engine.repositories.visibility import Viewer, visible_messages

MESSAGE: Table = OutboxMessage.__table__  # type: ignore[assignment]
MESSAGE_DOCUMENT: Table = OutboxMessageDocument.__table__  # type: ignore[assignment]
# Set on a session that staged messages; notifications.dispatch nudges after its commit.
PENDING_MARK = "outbox_new"


class OutboxRepository(Repository[OutboxMessage]):
    model = OutboxMessage
    label = "message"

    def id_for_key(self, idempotency_key: str) -> int | None:
        """Return the id of the message with this idempotency key, or None."""
        return self.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == idempotency_key)
        )

    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """Return {idempotency key: message id} for the keys that have a message."""
        wanted = builtins.list(keys)
        if not wanted:
            return {}
        stmt = select(OutboxMessage.idempotency_key, OutboxMessage.id).where(
            OutboxMessage.idempotency_key.in_(wanted)
        )
        return {key: message_id for key, message_id in self.session.execute(stmt)}

    def mark_pending(self) -> None:
        """Mark the session as having staged messages: notifications.dispatch nudges the
        workers once it commits."""
        self.session.info[PENDING_MARK] = True

    def insert_many(
        self, rows: Sequence[Mapping[str, Any]], documents: Mapping[str, Sequence[int]]
    ) -> dict[str, int]:
        """Insert message rows and their documents; return {key: id} of every row's key.

        Three statements, whatever the number of rows: an executemany INSERT that skips
        a key another transaction wrote meanwhile (that message stands and its id is
        returned), one look-up of the ids, one executemany for the document links
        (skipping links that exist, i.e. those of a message someone else wrote).
        executemany, not one multi-row VALUES: psycopg parses a long statement's text
        on every call, which made a 100-row VALUES five times slower.
        """
        if not rows:
            return {}
        self.session.execute(
            self.insert_ignoring_conflicts(MESSAGE).on_conflict_do_nothing(), builtins.list(rows)
        )
        ids = self.ids_for_keys(str(row["idempotency_key"]) for row in rows)
        links = [
            {"message_id": ids[key], "document_id": document_id, "position": position}
            for key, document_ids in documents.items()
            for position, document_id in enumerate(document_ids)
        ]
        if links:
            self.session.execute(
                self.insert_ignoring_conflicts(MESSAGE_DOCUMENT).on_conflict_do_nothing(), links
            )
        return ids

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
        viewer: Viewer | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[OutboxMessage]:
        """Return messages ``viewer`` may see, newest first, filtered by contact,
        document, status, channel."""
        stmt = (
            select(OutboxMessage)
            .where(visible_messages(viewer))
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
            .offset(offset)
        )
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

    def due(
        self, *, now: datetime, limit: int, skip_locked: bool
    ) -> builtins.list[tuple[int, str]]:
        """Return (id, status) of messages due: queued and due, or sending past its lease.

        On PostgreSQL the rows are locked FOR UPDATE SKIP LOCKED until commit, so two
        workers selecting at once get disjoint batches.
        """
        stmt = (
            select(OutboxMessage.id, OutboxMessage.status)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if skip_locked:
            stmt = stmt.with_for_update(skip_locked=True)
        return [(row.id, row.status) for row in self.session.execute(stmt)]

    def take_leases(
        self, ids: builtins.list[int], *, now: datetime, lease_until: datetime, token: str
    ) -> builtins.list[int]:
        """Mark due messages as sending under one claim token; return the ids taken.

        The WHERE repeats the due condition, so a row another claim took in between
        (possible only without row locks) is left alone rather than taken twice.
        """
        if not ids:
            return []
        self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .where(_due(now))
            .values(
                status=MessageStatus.SENDING,
                lease_until=lease_until,
                claim_token=token,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return list(
            self.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token
                )
            )
        )

    def mark_sent(
        self, message_id: int, token: str, *, provider_id: str | None, now: datetime
    ) -> bool:
        """Record a send under this claim in one UPDATE; False if the claim was lost."""
        result = self.session.execute(
            MARK_SENT,
            mark_sent_params(message_id, token, provider_id=provider_id, now=now),
            execution_options={"synchronize_session": False},
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def set_subjects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store each (message id, claim token, rendered subject) while the claim holds."""
        if rows:
            self.session.execute(
                SET_SUBJECT,
                [{"message_id": m, "token": t, "subject": subject} for m, t, subject in rows],
            )

    def mark_retry(
        self,
        message_id: int,
        token: str,
        *,
        detail: str | None,
        next_attempt_at: datetime,
        max_attempts: int,
        now: datetime,
    ) -> bool:
        """Put the message back in the queue for a later try; False if none is left."""
        result = self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .where(OutboxMessage.attempts < max_attempts)
            .values(
                status=MessageStatus.QUEUED,
                last_error=detail,
                next_attempt_at=next_attempt_at,
                lease_until=None,
                claim_token=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def document_ids_of(self, message_id: int) -> builtins.list[int]:
        """Return the ids of the documents a message is about."""
        return list(
            self.session.scalars(
                select(OutboxMessageDocument.document_id)
                .where(OutboxMessageDocument.message_id == message_id)
                .order_by(OutboxMessageDocument.position)
            )
        )

    def with_ids(self, ids: builtins.list[int]) -> builtins.list[OutboxMessage]:
        """Return these messages (with their document links) in id order."""
        stmt = select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        return list(self.session.scalars(stmt))

    def held(self, message_id: int, token: str) -> OutboxMessage | None:
        """Return the message, locked, if this claim still holds it; else None."""
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
            .with_for_update(of=OutboxMessage)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(stmt).first()


def _due(now: datetime) -> ColumnElement[bool]:
    """Queued and due, or claimed by a worker whose lease ran out (it died mid-send)."""
    return or_(
        (OutboxMessage.status == MessageStatus.QUEUED) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == MessageStatus.SENDING) & (OutboxMessage.lease_until <= now),
    )


# Built once: a worker records thousands of sends a minute, and building and keying a
# statement per send costs more CPU than the round trip it makes.
MARK_SENT: Update = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("message_id"))
    .where(OutboxMessage.claim_token == bindparam("token"))
    .values(
        # A status a webhook already moved past sent (delivered, failed) is kept.
        status=case(
            (OutboxMessage.status.in_(sorted(WAITING)), MessageStatus.SENT.value),
            else_=OutboxMessage.status,
        ),
        provider_message_id=func.coalesce(
            bindparam("provider_id", type_=String()), OutboxMessage.provider_message_id
        ),
        sent_at=func.coalesce(OutboxMessage.sent_at, bindparam("now", type_=UTCDateTime())),
        last_error=None,
        lease_until=None,
        claim_token=None,
        updated_at=bindparam("now", type_=UTCDateTime()),
    )
)


# Core, not ORM: an executemany ORM UPDATE would be a bulk update by primary key.
SET_SUBJECT: Update = (
    update(MESSAGE)
    .where(MESSAGE.c.id == bindparam("message_id"))
    .where(MESSAGE.c.claim_token == bindparam("token"))
    .values(rendered_subject=bindparam("subject", type_=String()))
)


def mark_sent_on(
    connection: Connection, message_id: int, token: str, *, provider_id: str | None, now: datetime
) -> bool:
    """Record a send under this claim on ``connection``, outside any unit of work (an
    autocommit connection makes it durable at once); False if the claim was lost."""
    params = mark_sent_params(message_id, token, provider_id=provider_id, now=now)
    return bool(getattr(connection.execute(MARK_SENT, params), "rowcount", 0) == 1)


def mark_sent_params(
    message_id: int, token: str, *, provider_id: str | None, now: datetime
) -> dict[str, object]:
    """Return the parameters of :data:`MARK_SENT` for one send."""
    return {"message_id": message_id, "token": token, "provider_id": provider_id, "now": now}
