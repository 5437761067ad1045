"""Ledger entries and payments."""

from __future__ import annotations

from sqlalchemy import select

from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.repositories.base import Repository
from engine.repositories.visibility import Viewer, visible_ledger, visible_payments


class LedgerRepository(Repository[LedgerEntry]):
    model = LedgerEntry
    label = "ledger entry"

    def of_document(self, document_id: int) -> list[LedgerEntry]:
        """Return the entries a document wrote, oldest first."""
        stmt = select(LedgerEntry).where(LedgerEntry.document_id == document_id)
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id)))

    def of_contact(
        self, contact_id: int, limit: int = 200, viewer: Viewer | None = None
    ) -> list[LedgerEntry]:
        """Return a contact's entries ``viewer`` may see, oldest first."""
        stmt = select(LedgerEntry).where(
            LedgerEntry.contact_id == contact_id, visible_ledger(viewer)
        )
        return list(self.session.scalars(stmt.order_by(LedgerEntry.id).limit(limit)))

    def stage(self, entry: LedgerEntry) -> None:
        """Stage one entry."""
        self.session.add(entry)


class PaymentRepository(Repository[Payment]):
    model = Payment
    label = "payment"

    def is_visible(self, payment_id: int, viewer: Viewer | None) -> bool:
        """Tell whether ``viewer`` may see the payment (the list's rule, for one row)."""
        stmt = select(Payment.id).where(Payment.id == payment_id, visible_payments(viewer))
        return self.session.execute(stmt).first() is not None

    def allocations_to(self, document_id: int) -> list[PaymentAllocation]:
        """Return every allocation made to a document."""
        stmt = select(PaymentAllocation).where(PaymentAllocation.document_id == document_id)
        return list(self.session.scalars(stmt))

    def list(
        self,
        *,
        contact_id: int | None = None,
        viewer: Viewer | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Payment]:
        """Return the payments ``viewer`` may see, newest first."""
        stmt = (
            select(Payment)
            .where(visible_payments(viewer))
            .order_by(Payment.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if contact_id is not None:
            stmt = stmt.where(Payment.contact_id == contact_id)
        return list(self.session.scalars(stmt))
