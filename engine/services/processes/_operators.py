"""The named operations BPMN service tasks run: one registry, built once (issue 11 §3).

The BPMN decides *when* (C1); these say *what*, inside the same transaction as the
user action that advanced the workflow. Each is a function of the run's context
(engine.services.processes._effects.RunContext: unit of work, actor, effects) and the call.
An operator never starts or advances another instance: it records an effect, which
``operator_run`` applies after the engine step and the save of the first run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal

from engine import clock
from engine.domain.errors import InvalidState
from engine.domain.states import DocumentState, transition
from engine.models.documents import Document
from engine.services.documents._credit import check_order, check_sale
from engine.services.documents._posting import assign_number, post_document as post, record_event
from engine.services.documents._rules import start_data
from engine.services.documents.content import Content, LineCommand, due_date_for, fill_document
from engine.services.followups._effects import follow_invoice, start_follow_up
from engine.services.followups._operators import FOLLOWUP_OPERATORS, FollowupContext
from engine.services.processes._effects import FollowInvoice, RunContext, StartFollowUp
from engine.services.processes._people import step_members
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import OperatorCall, OperatorRegistry
from engine.workflow.people import MEMBERS_OPERATOR


@contextmanager
def operator_run(
    uow: AbstractUnitOfWork, *, actor_id: int | None, followup: FollowupContext | None = None
) -> Iterator[RunContext]:
    """Give one command's runs their context; apply its effects when the block ends.

    The block starts or advances the command's instance and saves it; on a normal exit
    the effects its service tasks recorded run then, in the same transaction.
    """
    run = RunContext(uow, actor_id, followup)
    run.operators = OPERATORS.bind(run)
    yield run
    apply_effects(run)


def apply_effects(run: RunContext) -> None:
    """Run the recorded effects in order, and those they record in turn."""
    while run.effects:
        effect = run.effects.pop(0)
        if isinstance(effect, FollowInvoice):
            document = run.uow.documents.get(effect.document_id)
            follow_invoice(run.uow, document, run.operators)
        elif isinstance(effect, StartFollowUp):
            start_follow_up(run, effect)


def _document(run: RunContext, call: OperatorCall) -> Document:
    document_id = call.data.get("document_id")
    if not isinstance(document_id, int):
        raise InvalidState(f"service task {call.element_id} has no document_id in its data")
    return run.uow.documents.get(document_id)


def mark_awaiting_approval(run: RunContext, call: OperatorCall) -> None:
    transition(_document(run, call), DocumentState.AWAITING_APPROVAL)


def return_to_draft(run: RunContext, call: OperatorCall) -> None:
    transition(_document(run, call), DocumentState.DRAFT)


def mark_awaiting_numbering(run: RunContext, call: OperatorCall) -> None:
    document = _document(run, call)
    transition(document, DocumentState.AWAITING_NUMBERING)
    document.approved_at = document.approved_at or clock.now()


def take_number(run: RunContext, call: OperatorCall) -> None:
    assign_number(run.uow, _document(run, call), actor_id=run.actor_id)


def post_document(run: RunContext, call: OperatorCall) -> None:
    document = _document(run, call)
    post(run.uow, document, actor_id=run.actor_id)
    run.effects.append(FollowInvoice(document.id))  # F1, P2: overdue follow-up, after the run


# What quote_to_invoice.bpmn's confirm and deliver tasks say of the credit check (issue
# 14 §5, parameter ``credit``): "route" a breach of an "approve" type to the diagram's
# credit step (order_credit_breach), or "approved" there, so no check; a diagram that
# says nothing (instances of older versions) has the breach refused (422).
ORDER_CREDIT = "order_credit_breach"
ROUTE, APPROVED = "route", "approved"


def confirm_order(run: RunContext, call: OperatorCall) -> Mapping[str, object] | None:
    """Confirm a quote into a sales order (Q3), its credit checked first (it adds its
    total); a routed breach leaves the quote as it is for the credit step."""
    document = _document(run, call)
    credit = _order_credit(run, call, document, recheck=False)
    if not credit.get(ORDER_CREDIT):
        transition(document, DocumentState.CONFIRMED)  # the quote is now a sales order (Q3)
        record_event(run.uow, document, "confirmed", actor_id=run.actor_id)
    return credit


def deliver_order(run: RunContext, call: OperatorCall) -> Mapping[str, object] | None:
    """Mark an order delivered: no goods to a customer past the limit (the exposure as
    it stands, this order in it); a routed breach waits for the credit step."""
    document = _document(run, call)
    credit = _order_credit(run, call, document, recheck=True)
    if not credit.get(ORDER_CREDIT):
        transition(document, DocumentState.DELIVERED)
        record_event(run.uow, document, "delivered", actor_id=run.actor_id)
    return credit


def _order_credit(
    run: RunContext, call: OperatorCall, document: Document, *, recheck: bool
) -> dict[str, object]:
    mode = call.params.get("credit")
    if mode == APPROVED:
        return {ORDER_CREDIT: False}
    check = check_order(run.uow, document, recheck=recheck, route=mode == ROUTE)
    return check.data(ORDER_CREDIT)


def create_invoice(run: RunContext, call: OperatorCall) -> Mapping[str, object]:
    """Make the draft invoice of a delivered order (I4) and point the flow at it."""
    order = _document(run, call)
    invoice_type = run.uow.types.by_code("sales_invoice")
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
        # the order's term carries to its invoice; without one, the customer's (§3)
        payment_term_id=order.payment_term_id
        if order.payment_term_id is not None
        else run.uow.contacts.get(order.contact_id).payment_term_id,
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
    fill_document(run.uow, invoice, invoice_type, content)
    invoice.due_date = due_date_for(run.uow, invoice)
    run.uow.documents.add(invoice)
    transition(order, DocumentState.INVOICED)
    credit = check_sale(run.uow, invoice, route=True)  # netted against its order
    record_event(run.uow, order, "invoiced", actor_id=run.actor_id, invoice_id=invoice.id)
    record_event(run.uow, invoice, "created", actor_id=run.actor_id, source_id=order.id)
    # From here the flow works on the invoice: its approval (a call activity) tests the
    # invoice's own type, author and total, not the order's (issue 12 §3).
    return {"quote_id": order.id, **start_data(invoice, invoice_type), **credit.data()}


# The one registry, built at import (issue 11 §3): name -> function of (context, call).
OPERATORS: OperatorRegistry[RunContext] = OperatorRegistry(
    {
        "mark_awaiting_approval": mark_awaiting_approval,
        "return_to_draft": return_to_draft,
        "mark_awaiting_numbering": mark_awaiting_numbering,
        "take_number": take_number,
        "post_document": post_document,
        "confirm_order": confirm_order,
        "deliver_order": deliver_order,
        "create_invoice": create_invoice,
        MEMBERS_OPERATOR: step_members,  # a multi-instance step's members (issue 12 §5)
        **FOLLOWUP_OPERATORS,
    }
)
