"""Immutable ledger rows, number sequences, payments and their allocations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class LedgerEntry(Base):
    """A contact debit or credit; balances are sums, reversals are new rows (I10)."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), index=True)
    # opening | document | payment | discount (issue 14 §4) | reversal
    kind: Mapped[str] = mapped_column(String(12))
    entry_date: Mapped[date]
    debit: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    memo: Mapped[str] = mapped_column(String(200), default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NumberSequence(Base):
    """The last number taken per document type and period (ARCHITECTURE §4)."""

    __tablename__ = "number_sequence"
    __table_args__ = (UniqueConstraint("type_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"))
    period_key: Mapped[str] = mapped_column(String(16), default="")
    last_value: Mapped[int] = mapped_column(default=0)


class Payment(Base):
    """A cash, bank or cheque receipt, or a payment out to a supplier (I5, I6)."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    method: Mapped[str] = mapped_column(String(10))  # cash | bank | cheque
    # in: received from the contact (credits it); out: paid to it, e.g. a supplier (debits it)
    direction: Mapped[str] = mapped_column(String(3), default="in", server_default="in")
    received_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(80), default="")
    cheque_number: Mapped[str | None] = mapped_column(String(40))
    cheque_due_date: Mapped[date | None]
    # received | deposited | cleared | bounced (cheques only; other methods stay None)
    cheque_state: Mapped[str | None] = mapped_column(String(10))
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class PaymentAllocation(Base):
    """Credit applied to an open document (decisions §20): a payment's, or a posted
    return's (``source_document_id``). Undoing one dates it; nothing is deleted, so a
    report as of a past date sees the allocations of that day."""

    __tablename__ = "payment_allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment.id", ondelete="CASCADE"), index=True
    )
    source_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    # An early-payment discount (issue 14 §4) granted with the payment that earned it:
    # it settles the invoice but takes nothing of the payment.
    discount: Mapped[bool] = mapped_column(default=False, server_default=false())
    allocated_on: Mapped[date | None]
    undone_on: Mapped[date | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
