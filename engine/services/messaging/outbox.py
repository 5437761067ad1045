"""Write and read outbox messages (SPEC C4, E5; ARCHITECTURE §7).

:func:`enqueue_message` is called by other services inside their own open unit of work:
the message row joins the caller's transaction, so it exists exactly when the decision
that causes it was committed, and nothing is sent for a rolled-back decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.messages import CHANNELS, STATUSES, MessageStatus
from engine.models.outbox import (
    LOCALES,
    OutboxMessage,
)
from engine.repositories.outbox import PENDING_MARK as PENDING_MARK  # notifications.dispatch
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork
from engine.services.users.access import account_viewer

# Who may read messages (they hold customers' addresses and texts): account readers,
# engine.services.users.access.ACCOUNT_READERS.


@dataclass(frozen=True)
class MessageView:
    """A message as lists and the API show it."""

    id: int
    channel: str
    recipient: str
    locale: str
    template: str | None
    status: str
    attempts: int
    contact_id: int | None
    document_ids: tuple[int, ...]
    idempotency_key: str
    origin: str
    provider_message_id: str | None
    last_error: str | None
    subject: str | None
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None


def enqueue_message(
    uow: AbstractUnitOfWork,
    *,
    channel: str,
    recipient: str,
    locale: str,
    context: Mapping[str, Any],
    idempotency_key: str,
    template: str | None = None,
    subject_source: str | None = None,
    body_source: str | None = None,
    contact_id: int | None = None,
    document_ids: Iterable[int] = (),
    attach_documents: bool = False,
    attachments: Sequence[Mapping[str, Any]] = (),
    origin: str = "",
) -> int:
    """Stage an outbox message in the caller's open unit of work; return its id.

    ``attachments`` are specs of files built at send time (engine.services.messaging.files).
    The caller commits. A second call with the same ``idempotency_key`` returns the
    existing message's id and stages nothing (a retried command never sends twice).
    Raises ValidationFailed naming the field for an unknown channel or locale, an empty
    recipient or key, or neither/both of template and body_source.
    """
    request = {
        "channel": channel,
        "recipient": recipient,
        "locale": locale,
        "context": context,
        "idempotency_key": idempotency_key,
        "template": template,
        "subject_source": subject_source,
        "body_source": body_source,
        "contact_id": contact_id,
        "document_ids": document_ids,
        "attach_documents": attach_documents,
        "attachments": attachments,
        "origin": origin,
    }
    return enqueue_messages(uow, [request])[0]


def enqueue_messages(uow: AbstractUnitOfWork, requests: Sequence[Mapping[str, Any]]) -> list[int]:
    """Stage many messages (each the keyword arguments of :func:`enqueue_message`).

    Returns their ids in order. A few statements for the whole list, whatever its
    length (the daily follow-up pass queues thousands). A key that already has a
    message, in the database or earlier in the list, stages nothing and gives that
    message's id; so does a key a concurrent transaction commits first (the insert
    skips the conflict instead of failing the caller's transaction).
    """
    for request in requests:
        _validate(
            request["channel"],
            request["recipient"],
            request["locale"],
            request["idempotency_key"],
            request.get("template"),
            request.get("body_source"),
        )
    keys = [str(request["idempotency_key"]) for request in requests]
    existing = uow.outbox.ids_for_keys(set(keys))
    now = clock.now()
    rows: dict[str, dict[str, Any]] = {}
    documents: dict[str, list[int]] = {}
    for key, request in zip(keys, requests, strict=True):
        if key not in existing and key not in rows:
            rows[key] = _row(request, now)
            documents[key] = list(dict.fromkeys(request.get("document_ids") or ()))
    if rows:
        uow.flush()  # rows the caller staged through the ORM go first (FKs)
        existing.update(uow.outbox.insert_many(list(rows.values()), documents))
        uow.outbox.mark_pending()
    return [existing[key] for key in keys]


def _row(request: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "channel": request["channel"],
        "recipient": str(request["recipient"]).strip(),
        "locale": request["locale"],
        "template": request.get("template"),
        "subject_source": request.get("subject_source"),
        "body_source": request.get("body_source"),
        "context": dict(request.get("context") or {}),
        "contact_id": request.get("contact_id"),
        "attach_documents": bool(request.get("attach_documents")),
        "attachments": [dict(spec) for spec in request.get("attachments") or ()],
        "idempotency_key": request["idempotency_key"],
        "origin": str(request.get("origin") or "")[:100],
        "status": MessageStatus.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


def list_messages(
    uow: UnitOfWork,
    *,
    actor_id: int | None = None,
    contact_id: int | None = None,
    document_id: int | None = None,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[MessageView]:
    """Return messages, newest first, in a unit of work of their own.

    With ``actor_id`` the user must hold view_all, manage_contacts or record_payments
    (raises PermissionDenied), and messages about a document they may not see are left
    out (T3.11, engine.repositories.visibility). Inside an already open unit of work use
    ``uow.outbox.list(...)`` and :func:`message_view` instead.
    """
    if status is not None and status not in STATUSES:
        raise ValidationFailed.single("status", f"must be one of {', '.join(STATUSES)}")
    with uow:
        viewer = account_viewer(uow, actor_id) if actor_id is not None else None
        rows = uow.outbox.list(
            viewer=viewer,
            contact_id=contact_id,
            document_id=document_id,
            status=status,
            channel=channel,
            limit=min(max(limit, 1), 500),
            offset=max(offset, 0),
        )
        return [message_view(row) for row in rows]


def message_view(message: OutboxMessage) -> MessageView:
    """Return the plain view of a loaded message."""
    return MessageView(
        id=message.id,
        channel=message.channel,
        recipient=message.recipient,
        locale=message.locale,
        template=message.template,
        status=message.status,
        attempts=message.attempts,
        contact_id=message.contact_id,
        document_ids=tuple(message.document_ids),
        idempotency_key=message.idempotency_key,
        origin=message.origin,
        provider_message_id=message.provider_message_id,
        last_error=message.last_error,
        subject=message.rendered_subject,
        created_at=message.created_at,
        updated_at=message.updated_at,
        next_attempt_at=message.next_attempt_at,
        sent_at=message.sent_at,
        delivered_at=message.delivered_at,
        failed_at=message.failed_at,
    )


def _validate(
    channel: str,
    recipient: str,
    locale: str,
    idempotency_key: str,
    template: str | None,
    body_source: str | None,
) -> None:
    errors: dict[str, str] = {}
    if channel not in CHANNELS:
        errors["channel"] = f"must be one of {', '.join(CHANNELS)}"
    if locale not in LOCALES:
        errors["locale"] = f"must be one of {', '.join(LOCALES)}"
    if not recipient or not recipient.strip():
        errors["recipient"] = "is required"
    elif len(recipient) > 254:
        errors["recipient"] = "is longer than 254 characters"
    if not idempotency_key or len(idempotency_key) > 200:
        errors["idempotency_key"] = "is required, at most 200 characters"
    if (template is None) == (body_source is None):
        errors["template"] = "give either a template name or body_source, not both"
    if errors:
        raise ValidationFailed(errors)
