"""Follow-up levels, each customer's follow-up state, per-invoice progress, history (F1-F8)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.domain.messages import Channel
from engine.models.base import Base, JSONType, utcnow
from engine.models.types import UTCDateTime
from engine.models.workflow import ProcessInstance


class FollowupLevel(Base):
    """One escalation step: when (days from the due date), how, and what to say (F1)."""

    __tablename__ = "followup_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    days: Mapped[int] = mapped_column(unique=True)
    send_email: Mapped[bool] = mapped_column(default=False)
    send_sms: Mapped[bool] = mapped_column(default=False)
    send_letter: Mapped[bool] = mapped_column(default=False)
    # {"fa": {"subject": ..., "body": ..., "sms": ...}, "ar": {...}, "en": {...}}
    templates: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    automatic: Mapped[bool] = mapped_column(default=True)
    attach_invoices: Mapped[bool] = mapped_column(default=False)
    add_follower: Mapped[bool] = mapped_column(default=False)
    activity_type: Mapped[str | None] = mapped_column(String(20))
    activity_summary: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def channels(self) -> tuple[str, ...]:
        """Return the level's channels in a fixed order."""
        flags = (
            (Channel.EMAIL, self.send_email),
            (Channel.SMS, self.send_sms),
            (Channel.LETTER, self.send_letter),
        )
        return tuple(name for name, on in flags if on)


class CustomerFollowup(Base):
    """A customer's follow-up state (F4); one row per customer once it has an invoice due."""

    __tablename__ = "customer_followup"
    __table_args__ = (Index("ix_customer_followup_due", "status", "next_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), unique=True)
    # none: nothing open; waiting: next level scheduled; action_needed: a level is due
    # that needs a person (manual customer or non-automatic level)
    status: Mapped[str] = mapped_column(String(16), default="none")
    mode: Mapped[str] = mapped_column(String(10), default="automatic")  # automatic | manual
    level_id: Mapped[int | None] = mapped_column(ForeignKey("followup_level.id"))
    next_date: Mapped[date | None]
    # True when a person set next_date: processing keeps it until it has passed
    next_date_manual: Mapped[bool] = mapped_column(default=False)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    last_processed_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)
    # Lets a batch link a new instance before it has an id (one flush, one UPDATE).
    instance: Mapped[ProcessInstance | None] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": lock_version}


class InvoiceFollowup(Base):
    """How far one invoice has escalated (the days of the last level applied to it)."""

    __tablename__ = "invoice_followup"

    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    level_days: Mapped[int | None]
    level_id: Mapped[int | None] = mapped_column(ForeignKey("followup_level.id"))
    last_on: Mapped[date | None]


class FollowupEvent(Base):
    """One line of a customer's follow-up history, the chatter of F7."""

    __tablename__ = "followup_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    on_date: Mapped[date]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # message | activity | level | skipped | edited | manual | due | reply (a customer's
    # emailed answer, engine.services.messaging.replies)
    kind: Mapped[str] = mapped_column(String(16))
    level_id: Mapped[int | None] = mapped_column(ForeignKey("followup_level.id"))
    channel: Mapped[str | None] = mapped_column(String(10))
    recipient: Mapped[str | None] = mapped_column(String(254))
    message_id: Mapped[int | None]
    document_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
