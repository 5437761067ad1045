"""Payment terms (issue 14 §3, §4) and the instalments a posted invoice owes under one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.models.base import Base, JSONType, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class PaymentTerm(Base):
    """A named term: its lines (engine.domain.payment_terms.TermLine.as_dict, in
    order) and its early discount (EarlyDiscount.as_dict, or None)."""

    __tablename__ = "payment_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    lines: Mapped[list[dict[str, object]]] = mapped_column(JSONType, default=list)
    early_discount: Mapped[dict[str, object] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class DocumentInstallment(Base):
    """One instalment of a posted document, oldest due first by ``position``.

    ``start`` is what of the total comes before it, so what is open of it follows from
    the document's ``paid`` (engine.domain.payment_terms.Installment.open_amount).
    Rows are dated like allocations (decisions §20): a schedule holds from ``since``
    until ``replaced_on`` (a reposting after an edit, a cancellation), so a report as
    of a past day reads the schedule of that day.
    """

    __tablename__ = "document_installment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    due_date: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    start: Mapped[Decimal] = mapped_column(ExactDecimal())
    since: Mapped[date]
    replaced_on: Mapped[date | None]
