"""Contacts (customers, suppliers or both) and customer groups (SPEC P1-P5, P7)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class CustomerGroup(Base):
    __tablename__ = "customer_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # customer | supplier | both
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5), default="fa")
    national_id: Mapped[str | None] = mapped_column(String(20))
    customer_group_id: Mapped[int | None] = mapped_column(ForeignKey("customer_group.id"))
    payment_term_days: Mapped[int | None]
    payment_term_months: Mapped[int | None]
    # The term its invoices take by default (issue 14 §3); it wins over days/months.
    payment_term_id: Mapped[int | None] = mapped_column(ForeignKey("payment_term.id"))
    # None = unlimited credit; 0 = no credit sale at all (P4).
    credit_limit: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    customer_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    invoice_address: Mapped[str | None] = mapped_column(Text)
    delivery_address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}
