"""Document commands: create, delete, submit, advance, cancel (SPEC I2-I4, I10, T1, T3).

Editing is in :mod:`engine.services.documents.editing`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.bounds import check_document_header
from engine.domain.effects import takes_payment_term
from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import CANCELLABLE_WITH_PERMISSION, POSTED, DocumentState, transition
from engine.domain.steps import StepAction
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentType
from engine.models.users import User
from engine.services.cartable._steps import complete_step_of
from engine.services.documents._credit import check_sale
from engine.services.documents._posting import (
    record_event,
    release_reservation,
    reverse_postings,
    undo_allocations,
)
from engine.services.documents._returns import check_source
from engine.services.documents._rules import check_cancellable, check_window, start_data
from engine.services.documents.content import (
    Content,
    check_due_date,
    due_date_for,
    fill_document,
)
from engine.services.processes._operators import operator_run
from engine.services.processes._runs import (
    cancel_instance,
    document_instance_ids,
    start_instance,
)
from engine.services.terms._schedule import apply_discount, check_term_id
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.services.users.access import load_actor, require
from engine.workflow import NO_OPERATORS

logger = logging.getLogger(__name__)

DEFAULT_CURRENCY = "IRR"  # Rial: no minor unit (ARCHITECTURE §3)


@dataclass(frozen=True)
class NewDocument:
    type_code: str
    contact_id: int
    content: Content
    issue_date: date | None = None
    due_date: date | None = None
    source_id: int | None = None
    notes: str = ""
    payment_term_id: int | None = None  # None: the contact's (issue 14 §3)


def create_document(uow: AbstractUnitOfWork, cmd: NewDocument, *, actor_id: int) -> int:
    """Create a draft document and return its id (I3: no accounting effect yet).

    Raises ValidationFailed naming the bad field (unknown type, contact or product,
    quantities, a return past what was invoiced, a sale past the credit limit).
    """
    check_document_header(issue_date=cmd.issue_date, due_date=cmd.due_date, notes=cmd.notes)
    with uow:
        actor = load_actor(uow, actor_id)
        require(actor, Perm.CREATE)
        doc_type = uow.types.find_code(cmd.type_code)
        if doc_type is None:
            raise ValidationFailed.single("type", f"unknown document type {cmd.type_code!r}")
        if not doc_type.is_active:
            raise ValidationFailed.single("type", "this document type is inactive (T3.4)")
        contact = uow.contacts.find(cmd.contact_id)
        if contact is None:
            raise ValidationFailed.single("contact_id", f"unknown contact {cmd.contact_id}")
        document = Document(
            type_id=doc_type.id,
            type=doc_type,
            contact_id=contact.id,
            state=DocumentState.DRAFT.value,
            issue_date=cmd.issue_date or clock.business_today(),
            source_id=cmd.source_id,
            notes=cmd.notes,
            created_by=actor.id,
            created_at=clock.now(),
            updated_at=clock.now(),
            currency=DEFAULT_CURRENCY,
            paid=Decimal(0),
            payment_term_id=_term_id(uow, cmd, contact, doc_type),
        )
        fill_document(uow, document, doc_type, cmd.content)
        check_source(uow, document, doc_type)
        check_sale(uow, document, route=True)  # "approve" types are routed at submit
        document.due_date = cmd.due_date or due_date_for(uow, document)
        check_due_date(document)
        apply_discount(uow, document)
        uow.documents.add(document)
        record_event(uow, document, "created", actor_id=actor.id, total=str(document.total))
        uow.audit.record(
            actor_id=actor.id,
            action="document.create",
            entity="document",
            entity_id=document.id,
            details={"type": doc_type.code},
        )
        uow.commit()
        logger.info("document created", extra={"document_id": document.id})
        return document.id


def _term_id(
    uow: AbstractUnitOfWork, cmd: NewDocument, contact: Contact, doc_type: DocumentType
) -> int | None:
    """Return the document's payment term: the one asked for, else its contact's for an
    invoice (issue 14 §3). Raises ValidationFailed on ``payment_term_id``."""
    check_term_id(uow, cmd.payment_term_id)
    if cmd.payment_term_id is not None:
        return cmd.payment_term_id
    if takes_payment_term(doc_type.contact_effect, doc_type.source_kind):
        return contact.payment_term_id
    return None


def delete_document(uow: AbstractUnitOfWork, *, document_id: int, actor_id: int) -> None:
    """Delete a draft (T3.9); numbered or posted documents are cancelled instead."""
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get_for_update(document_id)
        if document.state != DocumentState.DRAFT or document.number:
            raise InvalidState("only an unnumbered draft can be deleted; cancel it instead")
        if Perm.DELETE not in actor.permissions:
            check_window(actor, document, document.type.deletable_hours, "delete")
        _cancel_flows(uow, document, actor.id)
        uow.audit.record(
            actor_id=actor.id,
            action="document.delete",
            entity="document",
            entity_id=document.id,
            details={"type": document.type.code},
        )
        for instance in uow.processes.for_document(document.id):
            instance.document_id = None
        uow.documents.delete(document)
        uow.commit()


def submit_document(uow: AbstractUnitOfWork, *, document_id: int, actor_id: int) -> str:
    """Send a draft into its type's process (approval, numbering, or straight to posted).

    A rejected draft goes back to the step that rejected it. Returns the new state.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get_for_update(document_id)
        if document.state != DocumentState.DRAFT:
            raise InvalidState(f"only a draft can be submitted; this one is {document.state}")
        if actor.id != document.created_by:
            require(actor, Perm.EDIT)
        doc_type = document.type
        check_source(uow, document, doc_type)
        credit = check_sale(uow, document, route=True).data()  # issue 14 §5
        record_event(uow, document, "submitted", actor_id=actor.id)
        with operator_run(uow, actor_id=actor.id) as run:
            operators = run.operators
            # A rejected draft's open step, if its diagram has one the submit completes.
            if not complete_step_of(
                uow, document, StepAction.SUBMIT, actor, operators, data=credit
            ):
                start_instance(
                    uow,
                    process_id=doc_type.process_id,
                    document_id=document.id,
                    data={**start_data(document, doc_type), **credit},
                    operators=operators,
                )
        uow.audit.record(
            actor_id=actor.id, action="document.submit", entity="document", entity_id=document.id
        )
        uow.commit()
        return document.state


def cancel_document(
    uow: AbstractUnitOfWork, *, document_id: int, actor_id: int, reason: str = ""
) -> None:
    """Cancel a document; a posted one gets reversing rows and every balance follows (I10)."""
    with uow:
        actor = load_actor(uow, actor_id)
        cancel_locked_document(uow, uow.documents.get_for_update(document_id), actor, reason)
        uow.commit()


def cancel_locked_document(
    uow: AbstractUnitOfWork, document: Document, actor: User, reason: str
) -> None:
    """Cancel a document already locked in the caller's transaction (cancel_document's work).

    The process cockpit calls it too, when cancelling an approved document's instance
    (issue 13 §4). Raises InvalidState or PermissionDenied as cancel_document does.
    """
    if document.state == DocumentState.CANCELLED:
        raise InvalidState("the document is already cancelled")
    if document.state in CANCELLABLE_WITH_PERMISSION:
        require(actor, Perm.CANCEL)
        check_cancellable(uow, document)
    elif actor.id != document.created_by:
        require(actor, Perm.CANCEL)
    _cancel_flows(uow, document, actor.id)
    if document.state in POSTED:
        undo_allocations(uow, document, actor_id=actor.id)  # its payments become credit
        reverse_postings(uow, document, actor_id=actor.id, reason=reason or "cancelled")
    release_reservation(uow, document.id)
    transition(document, DocumentState.CANCELLED)
    record_event(uow, document, "cancelled", actor_id=actor.id, comment=reason or None)
    uow.audit.record(
        actor_id=actor.id, action="document.cancel", entity="document", entity_id=document.id
    )


def advance_document(
    uow: AbstractUnitOfWork, *, document_id: int, action: StepAction, actor_id: int
) -> str:
    """Complete the document's open step that ``action`` completes (confirm, deliver).

    The step and the decision it sends are what the task's diagram declares (issue 12).
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get_for_update(document_id)
        with operator_run(uow, actor_id=actor.id) as run:
            if not complete_step_of(uow, document, action, actor, run.operators):
                raise InvalidState(
                    f"document {document.id} has no open step to {action.value}"
                    f" (state {document.state})"
                )
        uow.commit()
        return document.state


def _cancel_flows(uow: AbstractUnitOfWork, document: Document, actor_id: int) -> None:
    for instance_id in document_instance_ids(uow, document.id):
        instance = uow.processes.get_for_update(instance_id)
        if instance.status == "running":
            cancel_instance(uow, instance, NO_OPERATORS)  # cancelling runs no service task
