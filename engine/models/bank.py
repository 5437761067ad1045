"""Bank accounts, imported statements and their lines (SPEC F2, issue 14 §7)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, JSONType, utcnow
from engine.models.types import ExactDecimal, UTCDateTime


class BankAccount(Base):
    """One of the company's bank accounts, with how its bank's CSV reads."""

    __tablename__ = "bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    bank: Mapped[str] = mapped_column(String(120), default="")
    iban: Mapped[str | None] = mapped_column(String(34), unique=True)
    currency: Mapped[str] = mapped_column(String(3), default="IRR")
    # engine.domain.bank_csv.CsvMapping.as_dict(); None until someone sets it
    csv_mapping: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class BankStatement(Base):
    """One imported file: the lines it brought that were new to the account."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    file_format: Mapped[str] = mapped_column(String(10))  # csv | camt053
    filename: Mapped[str] = mapped_column(String(200), default="")
    statement_ref: Mapped[str] = mapped_column(String(120), default="")
    lines_in_file: Mapped[int] = mapped_column(default=0)
    already_imported: Mapped[int] = mapped_column(default=0)
    imported_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # when the follow-up pass ran after the last of its lines was settled (F2)
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BankStatementLine(Base):
    """A booked line: open, matched to a payment it recorded, or ignored.

    (bank account, identity) is unique, so a line imported again is never stored, nor
    paid, twice (engine.domain.bank_lines).
    """

    __tablename__ = "bank_statement_line"
    __table_args__ = (UniqueConstraint("bank_account_id", "identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    identity: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    booked_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())  # + came in, - went out
    reference: Mapped[str] = mapped_column(String(140), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    counterparty_name: Mapped[str] = mapped_column(String(200), default="")
    counterparty_iban: Mapped[str] = mapped_column(String(34), default="", index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")  # domain LineStatus
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_version: Mapped[int] = mapped_column(default=1)

    statement: Mapped[BankStatement] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": lock_version}
