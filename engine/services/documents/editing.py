"""Editing a document: who may, what a partial edit keeps, what follows (T3.8-T3.17).

A posted document is reversed and approved (or posted) again; a submitted one whose
content changed goes back through its approval; a due date set by hand stays unless
the edit sets another (issue 11 §1: a PATCH is partial).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.bounds import check_document_header
from engine.domain.errors import Conflict, InvalidState, ValidationFailed
from engine.domain.states import IN_APPROVAL, POSTED, DocumentState, transition
from engine.models.documents import Document
from engine.models.users import User
from engine.services.documents._credit import CreditCheck, check_sale
from engine.services.documents._instance_data import document_data, refresh_instance_data
from engine.services.documents._posting import record_event, reverse_postings
from engine.services.documents._returns import check_source
from engine.services.documents._rules import check_may_edit, start_data
from engine.services.documents.content import (
    Content,
    ContentPatch,
    check_due_date,
    current_content,
    due_date_for,
    fill_document,
)
from engine.services.processes._operators import operator_run
from engine.services.processes._runs import (
    refresh_task_summaries,
    restore_run,
    save_run,
    start_instance,
)
from engine.services.terms._schedule import apply_discount, check_term_id
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.services.users.access import load_actor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentEdit:
    content: Content | None = None  # the whole content (the page's form)
    # or only the parts sent (the API's PATCH); unsent parts stay as they are
    content_patch: ContentPatch | None = None
    contact_id: int | None = None
    issue_date: date | None = None
    due_date: date | None = None
    notes: str | None = None
    lock_version: int | None = None  # the version the editor saw; stale -> 409
    # The payment term (issue 14 §3): set when ``change_payment_term``, None clearing it.
    payment_term_id: int | None = None
    change_payment_term: bool = False


def update_document(
    uow: AbstractUnitOfWork, *, document_id: int, edit: DocumentEdit, actor_id: int
) -> None:
    """Edit a document within its type's rules (T3.8, T3.10, T3.17).

    A posted document may be edited only with the edit-after-approval permission and no
    payment on it; its postings are reversed and it goes back to approval when the type
    says so (T3.17), otherwise it is posted again at once. A submitted document whose
    content changes goes back through its approval (issue 10 #2): approvals given to
    other content no longer hold. Open cartable rows show the edited document.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get_for_update(document_id)
        if edit.lock_version is not None and edit.lock_version != document.lock_version:
            raise Conflict("the document was changed by someone else; reload it")
        was_posted = document.state in POSTED
        check_may_edit(uow, actor, document)
        submitted_content = _approved_content(document)
        data_before = document_data(document)
        old_contact = document.contact_id
        _apply_edit(uow, document, edit)
        credit = _check_edit(uow, document, data_before, old_contact)
        refresh_instance_data(uow, document, data_before)  # issue 12 §3: gateways see it
        document.updated_at = clock.now()
        record_event(uow, document, "updated", actor_id=actor.id, total=str(document.total))
        if was_posted:
            _repost_after_edit(uow, document, actor, credit)
        elif document.state in IN_APPROVAL and _approved_content(document) != submitted_content:
            _restart_approval(uow, document, actor, credit)
        else:
            refresh_task_summaries(uow, document)
        uow.audit.record(
            actor_id=actor.id, action="document.update", entity="document", entity_id=document.id
        )
        uow.commit()


def _approved_content(document: Document) -> tuple[object, ...]:
    """What an approver approves: everything of the document but its notes."""
    lines = tuple(
        (
            ln.product_id,
            ln.description,
            ln.quantity,
            ln.unit_price,
            ln.discount_percent,
            ln.discount_amount,
            ln.net,
        )
        for ln in document.lines
    )
    additions = tuple(
        (a.name, a.kind, a.basis, a.value, a.taxable, a.leviable) for a in document.addition_rows
    )
    totals = (
        document.subtotal,
        document.discount,
        document.additions,
        document.tax,
        document.levy,
        document.total,
    )
    overrides = (document.override_discount, document.override_tax, document.override_levy)
    parties = (
        document.contact_id,
        document.source_id,
        document.warehouse_id,
        document.payment_term_id,
    )
    dates = (document.issue_date, document.due_date)
    return (parties, dates, totals, overrides, lines, additions)


def _check_edit(
    uow: AbstractUnitOfWork, document: Document, before: dict[str, object], old_contact: int
) -> CreditCheck:
    """Check the credit an edit adds: only its change (issue 14 §5).

    A posted document counts its posted amount until it is reversed; one in approval
    its total before the edit; under another contact, nothing yet.
    """
    old = None  # as stored: the ledger for a posted document, nothing for a draft
    if document.contact_id != old_contact:
        old = Decimal(0)
    elif document.state in IN_APPROVAL:
        old = Decimal(str(before["total"]))
    return check_sale(uow, document, old=old, route=True)


def _restart_approval(
    uow: AbstractUnitOfWork, document: Document, actor: User, credit: CreditCheck
) -> None:
    """Send the process holding the document's open step back to its start.

    Its diagram then asks again for every approval the changed content needs, and the
    old cartable rows close (anyone about to decide on the old content gets a 409).
    """
    steps = uow.tasks.open_of_document(document.id)
    if not steps:
        raise InvalidState(f"a {document.state} document waits in no cartable; it cannot change")
    record_event(uow, document, "returned_to_approval", actor_id=actor.id)
    instance = uow.processes.get_for_update(steps[0].instance_id)
    with operator_run(uow, actor_id=actor.id) as context:
        run = restore_run(uow, instance, context.operators)
        run.update_data(credit.data())  # the diagram routes a new breach again
        run.restart_process_of(steps[0].task_guid)
        save_run(uow, instance, run)
    logger.info("document returned to approval", extra={"document_id": document.id})


def _apply_edit(uow: AbstractUnitOfWork, document: Document, edit: DocumentEdit) -> None:
    check_document_header(issue_date=edit.issue_date, due_date=edit.due_date, notes=edit.notes)
    # A due date the payment term gave follows the new issue date or contact; one set
    # by hand stays unless the edit sets another (a PATCH is partial).
    computed_due = document.due_date == due_date_for(uow, document)
    if edit.contact_id is not None and edit.contact_id != document.contact_id:
        if uow.contacts.find(edit.contact_id) is None:
            raise ValidationFailed.single("contact_id", f"unknown contact {edit.contact_id}")
        document.contact_id = edit.contact_id
    if edit.issue_date is not None:
        document.issue_date = edit.issue_date
    if edit.notes is not None:
        document.notes = edit.notes
    content = edit.content
    if content is None and edit.content_patch is not None and not edit.content_patch.is_empty():
        content = edit.content_patch.over(current_content(document))
    if edit.change_payment_term and edit.payment_term_id != document.payment_term_id:
        check_term_id(uow, edit.payment_term_id)
        document.payment_term_id = edit.payment_term_id
        content = content or current_content(document)  # a "mixed" term changes the tax
    if content is not None:
        fill_document(uow, document, document.type, content)
    if edit.due_date is not None:
        document.due_date = edit.due_date
    elif computed_due or document.due_date is None:
        document.due_date = due_date_for(uow, document)
    check_due_date(document)
    apply_discount(uow, document)
    check_source(uow, document, document.type)


def _repost_after_edit(
    uow: AbstractUnitOfWork, document: Document, actor: User, credit: CreditCheck
) -> None:
    reverse_postings(uow, document, actor_id=actor.id, reason="edited after approval")
    doc_type = document.type
    data = {**start_data(document, doc_type), **credit.data()}
    if not doc_type.reapprove_after_edit:  # T3.17 off: the edit takes effect at once
        data.update(requires_approval=False, requires_numbering=False)
    transition(document, DocumentState.DRAFT)
    with operator_run(uow, actor_id=actor.id) as run:
        start_instance(
            uow,
            process_id="document_approval",
            document_id=document.id,
            data=data,
            operators=run.operators,
        )
