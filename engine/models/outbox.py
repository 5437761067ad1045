"""The transactional outbox: one row per message to send (SPEC C4, E5; ARCHITECTURE §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.domain.messages import MessageStatus
from engine.models.base import Base, JSONType, utcnow
from engine.models.types import UTCDateTime

LOCALES = ("fa", "ar", "en")


class OutboxMessage(Base):
    """A message written in the same transaction as the decision that causes it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # engine.domain.messages.Channel
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    # Either a named template (notifications/templates/<locale>/<name>.*) or sources
    # stored on the row (an editable follow-up level's text, F1/F5), never both.
    template: Mapped[str | None] = mapped_column(String(100))
    subject_source: Mapped[str | None] = mapped_column(Text)
    body_source: Mapped[str | None] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    attach_documents: Mapped[bool] = mapped_column(default=False)
    # Files built when the message is sent, each a spec such as {"kind": "statement",
    # "contact_id": 7, "from": null, "to": "2026-11-23", "format": "pdf"}
    # (engine.services.messaging.files); the bytes are never stored.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    origin: Mapped[str] = mapped_column(String(100), default="")
    # engine.domain.messages.MessageStatus: its values and the moves between them
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A claim is a lease: a worker that dies mid-send leaves the row sending until
    # lease_until, after which recovery asks the channel whether it went out.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    rendered_subject: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document_links: Mapped[list[OutboxMessageDocument]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="OutboxMessageDocument.position",
    )

    @property
    def document_ids(self) -> list[int]:
        """Ids of the documents the message is about (attached when attach_documents)."""
        return [link.document_id for link in self.document_links]


class OutboxMessageDocument(Base):
    """A document a message is about; a table, not JSON, so lists can filter on it."""

    __tablename__ = "outbox_message_document"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_outbox_message_document_document", "document_id"),)
