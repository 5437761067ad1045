"""Document types (per-type settings, SPEC T2/T3), documents, lines, additions, history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.domain.states import DocumentState
from engine.models.base import Base, JSONType, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class DocumentType(Base):
    """A type and its settings; behaviour is data here, read by engine.domain.effects."""

    __tablename__ = "document_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of the six base kinds (T1)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    sort_by: Mapped[str] = mapped_column(String(20), default="created_desc")
    is_active: Mapped[bool] = mapped_column(default=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    default_contact_kind: Mapped[str | None] = mapped_column(String(10))
    # Effects (T1): contact debit/credit/none; stock out/in/reserve/none; the kind a
    # return must point at.
    contact_effect: Mapped[str] = mapped_column(String(10))
    stock_effect: Mapped[str] = mapped_column(String(10))
    source_kind: Mapped[str | None] = mapped_column(String(20))
    numbering_pattern: Mapped[str] = mapped_column(String(64))
    # The BPMN process a submitted document of this type runs (C1).
    process_id: Mapped[str] = mapped_column(String(100), default="document_approval")
    requires_approval: Mapped[bool] = mapped_column(default=True)
    requires_numbering: Mapped[bool] = mapped_column(default=False)
    tax_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    levy_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    quantity_decimals: Mapped[int] = mapped_column(default=0)
    allow_duplicate_products: Mapped[bool] = mapped_column(default=False)
    totals_editable: Mapped[bool] = mapped_column(default=False)
    whole_numbers: Mapped[bool] = mapped_column(default=True)
    editable_hours: Mapped[int | None]
    deletable_hours: Mapped[int | None]
    restrict_edit_to_workflow: Mapped[bool] = mapped_column(default=False)
    restrict_view: Mapped[bool] = mapped_column(default=False)
    assign_customer_number: Mapped[bool] = mapped_column(default=False)
    reapprove_after_edit: Mapped[bool] = mapped_column(default=True)
    # A sale past the contact's credit limit: "refuse" (422) or "approve" (routed to
    # the diagram's credit approval); engine.domain.terms.CreditBreach (issue 14 §5).
    credit_breach: Mapped[str] = mapped_column(
        String(10), default="refuse", server_default="refuse"
    )
    # A total above this goes to the diagram's second, finance approval (issue 12 §5);
    # None: never. The instance data's ``finance_approval_above``, which the gateway tests.
    finance_approval_above: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    preview_format: Mapped[str] = mapped_column(String(10), default="pdf")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("type_id", "number"),
        Index("ix_document_state_due", "state", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=DocumentState.DRAFT.value)
    number: Mapped[str | None] = mapped_column(String(64))
    issue_date: Mapped[date]
    due_date: Mapped[date | None]
    source_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"), index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouse.id"))
    currency: Mapped[str] = mapped_column(String(3), default="IRR")
    notes: Mapped[str] = mapped_column(Text, default="")
    subtotal: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    discount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    additions: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    levy: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    total: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    # Its payment term (issue 14 §3, from the contact by default), and the early
    # discount that term offers: paid in full by discount_date, early_discount off (§4).
    payment_term_id: Mapped[int | None] = mapped_column(ForeignKey("payment_term.id"))
    discount_date: Mapped[date | None]
    early_discount: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    # T3.18: totals typed by hand are kept apart from what was computed.
    override_discount: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    override_tax: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    override_levy: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_version: Mapped[int] = mapped_column(default=1)

    type: Mapped[DocumentType] = relationship(lazy="joined")
    lines: Mapped[list[DocumentLine]] = relationship(
        order_by="DocumentLine.position", cascade="all, delete-orphan", lazy="select"
    )
    addition_rows: Mapped[list[DocumentAddition]] = relationship(
        order_by="DocumentAddition.position", cascade="all, delete-orphan", lazy="select"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class DocumentLine(Base):
    __tablename__ = "document_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    description: Mapped[str] = mapped_column(String(400), default="")
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    discount_percent: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    discount_amount: Mapped[Decimal] = mapped_column(ExactDecimal(), default=Decimal(0))
    gross: Mapped[Decimal] = mapped_column(ExactDecimal())
    line_discount: Mapped[Decimal] = mapped_column(ExactDecimal())
    net: Mapped[Decimal] = mapped_column(ExactDecimal())
    # On a return: the invoice line it returns (issue 14 §1), priced from that line.
    source_line_id: Mapped[int | None] = mapped_column(ForeignKey("document_line.id"))


class DocumentAddition(Base):
    """An addition such as packing or shipping (T3.23)."""

    __tablename__ = "document_addition"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # fixed | percent
    basis: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(ExactDecimal())
    taxable: Mapped[bool] = mapped_column(default=False)
    leviable: Mapped[bool] = mapped_column(default=False)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())


class DocumentEvent(Base):
    """One line of a document's history: who did what and when (I8)."""

    __tablename__ = "document_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, object]] = mapped_column(JSONType, default=dict)
