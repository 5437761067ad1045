"""The named operations BPMN service tasks run, bound to one unit of work and actor.

The BPMN decides *when* (C1); these say *what*, inside the same transaction as the
user action that advanced the workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from engine import clock
from engine.domain.errors import InvalidState
from engine.domain.states import DocumentState, transition
from engine.models.documents import Document
from engine.services.document_content import Content, LineCommand, due_date_for, fill_document
from engine.services.followup_operators import FollowupOperators, follow_invoice
from engine.services.posting import assign_number, post_document, record_event
from engine.services.unit_of_work import UnitOfWork
from engine.workflow import OperatorCall

OperatorFn = Callable[[OperatorCall], Mapping[str, object] | None]


class Operators:
    """Operators for one command; ``as_mapping()`` is what the workflow adapter calls."""

    def __init__(self, uow: UnitOfWork, *, actor_id: int | None) -> None:
        self.uow = uow
        self.actor_id = actor_id

    def as_mapping(self) -> dict[str, OperatorFn]:
        """Return operator name -> function."""
        return {
            "mark_awaiting_approval": self.mark_awaiting_approval,
            "return_to_draft": self.return_to_draft,
            "mark_awaiting_numbering": self.mark_awaiting_numbering,
            "take_number": self.take_number,
            "post_document": self.post_document,
            "confirm_order": self.confirm_order,
            "deliver_order": self.deliver_order,
            "create_invoice": self.create_invoice,
            **FollowupOperators(self.uow, actor_id=self.actor_id).as_mapping(),
        }

    def _document(self, call: OperatorCall) -> Document:
        document_id = call.data.get("document_id")
        if not isinstance(document_id, int):
            raise InvalidState(f"service task {call.element_id} has no document_id in its data")
        return self.uow.documents.get(document_id)

    def mark_awaiting_approval(self, call: OperatorCall) -> None:
        transition(self._document(call), DocumentState.AWAITING_APPROVAL)

    def return_to_draft(self, call: OperatorCall) -> None:
        transition(self._document(call), DocumentState.DRAFT)

    def mark_awaiting_numbering(self, call: OperatorCall) -> None:
        document = self._document(call)
        transition(document, DocumentState.AWAITING_NUMBERING)
        document.approved_at = document.approved_at or clock.now()

    def take_number(self, call: OperatorCall) -> None:
        assign_number(self.uow, self._document(call), actor_id=self.actor_id)

    def post_document(self, call: OperatorCall) -> None:
        document = self._document(call)
        post_document(self.uow, document, actor_id=self.actor_id)
        follow_invoice(self.uow, document, self.as_mapping())  # F1, P2: overdue follow-up

    def confirm_order(self, call: OperatorCall) -> None:
        document = self._document(call)
        transition(document, DocumentState.CONFIRMED)  # the quote is now a sales order (Q3)
        record_event(self.uow, document, "confirmed", actor_id=self.actor_id)

    def deliver_order(self, call: OperatorCall) -> None:
        document = self._document(call)
        transition(document, DocumentState.DELIVERED)
        record_event(self.uow, document, "delivered", actor_id=self.actor_id)

    def create_invoice(self, call: OperatorCall) -> Mapping[str, object]:
        """Make the draft invoice of a delivered order (I4) and point the flow at it."""
        order = self._document(call)
        invoice_type = self.uow.types.by_code("sales_invoice")
        invoice = Document(
            type_id=invoice_type.id,
            type=invoice_type,
            contact_id=order.contact_id,
            state=DocumentState.DRAFT.value,
            issue_date=clock.business_today(),
            due_date=None,
            source_id=order.id,
            warehouse_id=order.warehouse_id,
            currency=order.currency,
            notes=order.notes,
            created_by=order.created_by,
            paid=Decimal(0),
        )
        content = Content(
            lines=[
                LineCommand(
                    line.product_id,
                    line.quantity,
                    line.unit_price,
                    line.discount_percent,
                    line.discount_amount,
                    line.description,
                )
                for line in order.lines
            ]
        )
        fill_document(self.uow, invoice, invoice_type, content)
        invoice.due_date = due_date_for(self.uow, invoice)
        self.uow.documents.add(invoice)
        transition(order, DocumentState.INVOICED)
        record_event(self.uow, order, "invoiced", actor_id=self.actor_id, invoice_id=invoice.id)
        record_event(self.uow, invoice, "created", actor_id=self.actor_id, source_id=order.id)
        return {
            "quote_id": order.id,
            "document_id": invoice.id,
            "requires_approval": invoice_type.requires_approval,
            "requires_numbering": invoice_type.requires_numbering,
        }
