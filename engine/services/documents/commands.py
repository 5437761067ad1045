"""Document commands: create, edit, delete, submit, cancel (SPEC I2-I4, I10, T1, T3)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from engine import clock
from engine.domain.bounds import check_document_header
from engine.domain.errors import Conflict, InvalidState, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import (
    CANCELLABLE_WITH_PERMISSION,
    IN_APPROVAL,
    POSTED,
    DocumentState,
    transition,
)
from engine.domain.steps import StepAction
from engine.models.documents import Document
from engine.models.users import User
from engine.services.cartable._steps import complete_step_of
from engine.services.documents._posting import record_event, release_reservation, reverse_postings
from engine.services.documents._rules import (
    check_cancellable,
    check_may_edit,
    check_window,
    start_data,
)
from engine.services.documents.content import (
    Content,
    ContentPatch,
    check_credit,
    check_due_date,
    check_source,
    current_content,
    due_date_for,
    fill_document,
)
from engine.services.processes._operators import operator_run
from engine.services.processes._runs import (
    cancel_instance,
    refresh_task_summaries,
    restore_run,
    save_run,
    start_instance,
)
from engine.services.unit_of_work import UnitOfWork
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


def create_document(uow: UnitOfWork, cmd: NewDocument, *, actor_id: int) -> int:
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
        )
        fill_document(uow, document, doc_type, cmd.content)
        check_source(uow, document, doc_type)
        check_credit(uow, document, doc_type, contact)
        document.due_date = cmd.due_date or due_date_for(uow, document)
        check_due_date(document)
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


def update_document(
    uow: UnitOfWork, *, document_id: int, edit: DocumentEdit, actor_id: int
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
        _apply_edit(uow, document, edit)
        document.updated_at = clock.now()
        record_event(uow, document, "updated", actor_id=actor.id, total=str(document.total))
        if was_posted:
            _repost_after_edit(uow, document, actor)
        elif document.state in IN_APPROVAL and _approved_content(document) != submitted_content:
            _restart_approval(uow, document, actor)
        else:
            refresh_task_summaries(uow, document)
        uow.audit.record(
            actor_id=actor.id, action="document.update", entity="document", entity_id=document.id
        )
        uow.commit()


def delete_document(uow: UnitOfWork, *, document_id: int, actor_id: int) -> None:
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
        uow.session.delete(document)
        uow.commit()


def submit_document(uow: UnitOfWork, *, document_id: int, actor_id: int) -> str:
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
        check_credit(uow, document, doc_type, uow.contacts.get(document.contact_id))
        record_event(uow, document, "submitted", actor_id=actor.id)
        with operator_run(uow, actor_id=actor.id) as run:
            operators = run.operators
            # A rejected draft's open step, if its diagram has one the submit completes.
            if not complete_step_of(uow, document, StepAction.SUBMIT, actor, operators):
                start_instance(
                    uow,
                    process_id=doc_type.process_id,
                    document_id=document.id,
                    data=start_data(document, doc_type),
                    operators=operators,
                )
        uow.audit.record(
            actor_id=actor.id, action="document.submit", entity="document", entity_id=document.id
        )
        uow.commit()
        return document.state


def cancel_document(uow: UnitOfWork, *, document_id: int, actor_id: int, reason: str = "") -> None:
    """Cancel a document; a posted one gets reversing rows and every balance follows (I10)."""
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get_for_update(document_id)
        if document.state == DocumentState.CANCELLED:
            raise InvalidState("the document is already cancelled")
        if document.state in CANCELLABLE_WITH_PERMISSION:
            require(actor, Perm.CANCEL)
            check_cancellable(uow, document)
        elif actor.id != document.created_by:
            require(actor, Perm.CANCEL)
        _cancel_flows(uow, document, actor.id)
        if document.state in POSTED:
            reverse_postings(uow, document, actor_id=actor.id, reason=reason or "cancelled")
        release_reservation(uow, document.id)
        transition(document, DocumentState.CANCELLED)
        record_event(uow, document, "cancelled", actor_id=actor.id, comment=reason or None)
        uow.audit.record(
            actor_id=actor.id, action="document.cancel", entity="document", entity_id=document.id
        )
        uow.commit()


def advance_document(
    uow: UnitOfWork, *, document_id: int, action: StepAction, actor_id: int
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
    parties = (document.contact_id, document.source_id, document.warehouse_id)
    dates = (document.issue_date, document.due_date)
    return (parties, dates, totals, overrides, lines, additions)


def _restart_approval(uow: UnitOfWork, document: Document, actor: User) -> None:
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
        run.restart_process_of(steps[0].task_guid)
        save_run(uow, instance, run)
    logger.info("document returned to approval", extra={"document_id": document.id})


def _apply_edit(uow: UnitOfWork, document: Document, edit: DocumentEdit) -> None:
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
    if content is not None:
        fill_document(uow, document, document.type, content)
    if edit.due_date is not None:
        document.due_date = edit.due_date
    elif computed_due or document.due_date is None:
        document.due_date = due_date_for(uow, document)
    check_due_date(document)
    check_source(uow, document, document.type)
    check_credit(uow, document, document.type, uow.contacts.get(document.contact_id))


def _repost_after_edit(uow: UnitOfWork, document: Document, actor: User) -> None:
    reverse_postings(uow, document, actor_id=actor.id, reason="edited after approval")
    doc_type = document.type
    data = start_data(document, doc_type)
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


def _cancel_flows(uow: UnitOfWork, document: Document, actor_id: int) -> None:
    instance_ids = {t.instance_id for t in uow.tasks.open_of_document(document.id)}
    running = uow.processes.running_for_document(document.id)
    if running is not None:
        instance_ids.add(running.id)
    for instance_id in sorted(instance_ids):
        instance = uow.processes.get_for_update(instance_id)
        if instance.status == "running":
            cancel_instance(uow, instance, NO_OPERATORS)  # cancelling runs no service task
