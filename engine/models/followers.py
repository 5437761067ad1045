"""Who follows a document's thread: contacts that receive its replies (SPEC F1, F7)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow
from engine.models.types import UTCDateTime


class DocumentFollower(Base):
    """A contact added to an invoice's thread (a follow-up level's "add as follower")."""

    __tablename__ = "document_follower"
    __table_args__ = (Index("ix_document_follower_contact", "contact_id"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), primary_key=True)
    origin: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
