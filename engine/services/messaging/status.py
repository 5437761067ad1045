"""What became of a sent message: the worker's outcome and the providers' reports (C4, E5).

:func:`record_outcome` is how a worker records its send (sent, retry, failed) under its
claim; :func:`sent_recorder` is its cheap form for a batch; :func:`record_delivery_status`
applies a provider's signed webhook report. A failure lands on the message, in the history
of each document it is about and in the audit log, where the responsible user sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.messages import (
    STATUSES,
    WENT_OUT,
    MessageStatus,
    SendOutcome,
    report_applies,
    transition,
)
from engine.models.outbox import OutboxMessage
from engine.repositories.outbox import mark_sent_on
from engine.services.documents._posting import record_event
from engine.services.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def record_outcome(
    uow: UnitOfWork,
    *,
    message_id: int,
    token: str,
    outcome: str,
    provider_id: str | None = None,
    detail: str | None = None,
    max_attempts: int = 8,
    retry_at: Callable[[int], datetime] | None = None,
    attempts: int | None = None,
    document_ids: Sequence[int] | None = None,
) -> str:
    """Record a worker's send result (sent | retry | failed) if its claim still holds.

    Returns the outcome recorded, "failed" when a retry exhausted ``max_attempts``, or
    "lost" when another claim took the message over. A failure is written to the
    message (status, last_error), to the history of each document it is about and to
    the audit log, where the responsible user sees it (E5). ``attempts`` and
    ``document_ids``, when the caller knows them, save a read.
    """
    with uow:
        now = clock.now()
        if outcome == SendOutcome.SENT:
            if not uow.outbox.mark_sent(message_id, token, provider_id=provider_id, now=now):
                return SendOutcome.LOST
            if document_ids is None or document_ids:
                sent = uow.outbox.get(message_id)
                _history(uow, sent, "message_sent", provider_id=sent.provider_message_id)
            uow.commit()
            return SendOutcome.SENT
        if outcome == SendOutcome.RETRY:
            if attempts is None:
                held = uow.outbox.held(message_id, token)
                if held is None:
                    return SendOutcome.LOST
                attempts = held.attempts
            when = retry_at(attempts) if retry_at else now
            if uow.outbox.mark_retry(
                message_id,
                token,
                detail=detail,
                next_attempt_at=when,
                max_attempts=max_attempts,
                now=now,
            ):
                uow.commit()
                return SendOutcome.RETRY
            detail = f"{detail} (gave up after {attempts} attempts)"
        message = uow.outbox.held(message_id, token)
        if message is None:
            return SendOutcome.LOST
        _mark_failed(uow, message, detail or "failed", now)
        message.lease_until = None
        message.claim_token = None
        message.updated_at = now
        uow.commit()
        return SendOutcome.FAILED


def record_delivery_status(
    uow: UnitOfWork,
    *,
    status: str,
    idempotency_key: str | None = None,
    provider_id: str | None = None,
    detail: str | None = None,
) -> int | None:
    """Apply a provider's signed status report; return the message id, None if unknown.

    Found by idempotency key (echoed by the provider) or provider id. Status only moves
    forward (queued < sent < delivered | failed). A report that a message went out also
    settles a message whose worker died before recording the send, so it is not resent.
    """
    if status not in STATUSES:
        raise ValidationFailed.single("status", f"must be one of {', '.join(STATUSES)}")
    reported = MessageStatus(status)
    with uow:
        message = None
        if idempotency_key:
            message = uow.outbox.by_key_for_update(idempotency_key)
        if message is None and provider_id:
            message = uow.outbox.by_provider_id_for_update(provider_id)
        if message is None:
            return None
        now = clock.now()
        if provider_id and not message.provider_message_id:
            message.provider_message_id = provider_id
        if report_applies(MessageStatus(message.status), reported):
            if message.status == MessageStatus.SENDING:
                message.lease_until = None
                message.claim_token = None
            _apply_status(uow, message, reported, detail, now)
        message.updated_at = now
        uow.commit()
        return message.id


def _apply_status(
    uow: UnitOfWork,
    message: OutboxMessage,
    status: MessageStatus,
    detail: str | None,
    now: datetime,
) -> None:
    if status == MessageStatus.FAILED:
        _mark_failed(uow, message, detail or "the provider reported a failure", now)
        return
    if status in WENT_OUT and message.sent_at is None:
        message.sent_at = now
    transition(message, status)
    if status == MessageStatus.DELIVERED:
        message.delivered_at = now
        _history(uow, message, "message_delivered")


def _mark_failed(uow: UnitOfWork, message: OutboxMessage, detail: str, now: datetime) -> None:
    transition(message, MessageStatus.FAILED)
    message.failed_at = now
    message.last_error = detail[:2000]
    _history(uow, message, "message_failed", error=message.last_error)
    uow.audit.record(
        actor_id=None,
        action="message_failed",
        entity="contact" if message.contact_id else "outbox_message",
        entity_id=message.contact_id or message.id,
        details={"message_id": message.id, "channel": message.channel, "error": detail[:500]},
    )
    logger.warning("message failed", extra={"message_id": message.id, "channel": message.channel})


def _history(
    uow: UnitOfWork,
    message: OutboxMessage,
    action: str,
    *,
    provider_id: str | None = None,
    error: str | None = None,
) -> None:
    """Add a line to the history of every document the message is about (I8, E5)."""
    for document_id in message.document_ids:
        document = uow.documents.find(document_id)
        if document is not None:
            record_event(
                uow,
                document,
                action,
                actor_id=None,
                message_id=message.id,
                channel=message.channel,
                recipient=message.recipient,
                provider_id=provider_id,
                error=error,
            )


@contextmanager
def sent_recorder(uow: UnitOfWork) -> Iterator[Callable[[int, str, str | None], bool]]:
    """Yield ``record(message_id, token, provider_id) -> bool`` for plain sends.

    Each call is durable when it returns, as with :func:`record_outcome`, but cheaper
    for a worker's batch: on PostgreSQL one autocommitted UPDATE on a connection held
    for the batch (one round trip per message instead of five). Only for messages about
    no document (those get history lines: use record_outcome). False: the claim was lost.
    """
    with uow:
        dialect = uow.dialect
    if dialect != "postgresql":
        # SQLite takes its write lock at BEGIN (engine.db); keep a transaction per call.
        yield (
            lambda message_id, token, provider_id: (
                record_outcome(
                    uow,
                    message_id=message_id,
                    token=token,
                    outcome=SendOutcome.SENT,
                    provider_id=provider_id,
                    document_ids=(),
                )
                == SendOutcome.SENT
            )
        )
        return
    with uow.autocommit() as conn:

        def record(message_id: int, token: str, provider_id: str | None) -> bool:
            return mark_sent_on(conn, message_id, token, provider_id=provider_id, now=clock.now())

        yield record
