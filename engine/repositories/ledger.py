"""Ledger entries and payments."""

from __future__ import annotations

from sqlalchemy import select

from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.repositories.base import Repository


class LedgerRepository(Repository[LedgerEntry]):
    model = LedgerEntry
    label = "ledger entry"

    def of_document(self, document_id: int) -> list[LedgerEntry]:
        """Return the entries a document wrote, oldest first."""
        stmt = select(LedgerEntry).where(LedgerEntry.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id)))

    def of_contact(self, contact_id: int, limit: int = 200) -> list[LedgerEntry]:
        """Return a contact's entries, oldest first."""
        stmt = select(LedgerEntry).where(LedgerEntry.contact_id == contact_id)
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id).limit(limit)))

    def stage(self, entry: LedgerEntry) -> None:
        """Stage one entry."""
        self.session.add(entry)


class PaymentRepository(Repository[Payment]):
    model = Payment
    label = "payment"

    def allocations_to(self, document_id: int) -> list[PaymentAllocation]:
        """Return every allocation made to a document."""
        stmt = select(PaymentAllocation).where(PaymentAllocation.document_id == document_id)
        return list(self.session.scalars(stmt))

    def list(
        self, *, contact_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[Payment]:
        """Return payments newest first."""
        stmt = select(Payment).order_by(Payment.id.desc()).limit(limit).offset(offset)
        if contact_id is not None:
            stmt = stmt.where(Payment.contact_id == contact_id)
        return list(self.session.scalars(stmt))
