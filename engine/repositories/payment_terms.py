"""Payment terms and the instalment schedules of posted documents (issue 14 §3)."""

from __future__ import annotations

import builtins

from sqlalchemy import func, select

from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.payment_terms import DocumentInstallment, PaymentTerm
from engine.repositories.base import Repository
from engine.repositories.documents import live_installments


class PaymentTermRepository(Repository[PaymentTerm]):
    model = PaymentTerm
    label = "payment term"

    def list(self) -> builtins.list[PaymentTerm]:
        """Return every term by name."""
        return list(self.session.scalars(select(PaymentTerm).order_by(PaymentTerm.name)))

    def named(self, name: str) -> PaymentTerm | None:
        """Return the term with this name, or None."""
        return self.session.scalars(select(PaymentTerm).where(PaymentTerm.name == name)).first()

    def uses(self, term_id: int) -> tuple[int, int]:
        """Return how many contacts and documents name the term."""
        contacts = select(func.count()).where(Contact.payment_term_id == term_id)
        documents = select(func.count()).where(Document.payment_term_id == term_id)
        return int(self.session.scalar(contacts) or 0), int(self.session.scalar(documents) or 0)

    def schedule_of(self, document_id: int) -> builtins.list[DocumentInstallment]:
        """Return the document's instalments in force, oldest due first."""
        stmt = (
            select(DocumentInstallment)
            .where(DocumentInstallment.document_id == document_id, live_installments())
            .order_by(DocumentInstallment.position)
        )
        return list(self.session.scalars(stmt))

    def add_installment(self, row: DocumentInstallment) -> None:
        """Stage one instalment row."""
        self.session.add(row)
