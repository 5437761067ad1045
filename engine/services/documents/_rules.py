"""Who may edit, delete or cancel a document now, and what its process starts with
(T3.8-T3.10, T3.17, I10). The commands and the pages' offers share these checks."""

from __future__ import annotations

from datetime import timedelta

from engine import clock
from engine.domain.errors import InvalidState, PermissionDenied
from engine.domain.permissions import Perm
from engine.domain.states import EDITABLE_BEFORE_POSTING, POSTED, DocumentState
from engine.models.documents import Document, DocumentType
from engine.models.users import User
from engine.services.documents._instance_data import document_data
from engine.services.processes._registry import delegators, instance_registry, lanes_of
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.services.users.access import require


def start_data(document: Document, doc_type: DocumentType) -> dict[str, object]:
    """Return the data a document's process starts with: the document (id, type code,
    contact, author, total; issue 12 §3) and what its type asks of the process."""
    return {
        **document_data(document),
        **type_data(doc_type),
        "credit_breach": False,  # a credit check sets it (issue 14 §5)
    }


def type_data(doc_type: DocumentType) -> dict[str, object]:
    """Return what a document's type asks of its process (the instance data's settings)."""
    return {
        "requires_approval": doc_type.requires_approval,
        "requires_numbering": doc_type.requires_numbering,
        # None: no finance approval; the shipped diagram's gateway tests it (issue 12 §5).
        "finance_approval_above": doc_type.finance_approval_above,
    }


def check_may_edit(uow: AbstractUnitOfWork, actor: User, document: Document) -> None:
    """Raise unless ``actor`` may edit ``document`` now (T3.8, T3.10, T3.17)."""
    doc_type = document.type
    if document.state in POSTED:
        require(actor, Perm.EDIT_AFTER_APPROVAL)
        if document.paid > 0:
            raise InvalidState(
                "a document with payments cannot be edited; cancel the payments first"
            )
        return
    if document.state not in EDITABLE_BEFORE_POSTING:
        raise InvalidState(f"a {document.state} document cannot be edited")
    if doc_type.restrict_edit_to_workflow and document.state != DocumentState.DRAFT:
        _check_holds_step(uow, actor, document)  # T3.10: not even the creator or editors
        return
    if Perm.EDIT in actor.permissions:
        return
    if actor.id != document.created_by:
        raise PermissionDenied("only the creator or a user with the edit permission may edit this")
    check_window(actor, document, doc_type.editable_hours, "edit")


def _check_holds_step(uow: AbstractUnitOfWork, actor: User, document: Document) -> None:
    lanes = set(lanes_of(uow, actor))
    holders = {actor.id, *(user.id for user in delegators(uow, actor))}  # a substitute (§7)
    for task in uow.tasks.open_of_document(document.id):
        step = instance_registry(uow, task.instance_id).step(task.element_id)
        if step is None or not step.editable:  # the diagram says whose step may edit
            continue
        if task.assignee_id in holders or (task.assignee_id is None and task.lane in lanes):
            return
    raise PermissionDenied("only the user holding the current cartable step may edit this document")


def check_window(actor: User, document: Document, hours: int | None, verb: str) -> None:
    """Raise unless ``actor`` is the creator and within ``hours`` of creating it (T3.8, T3.9)."""
    if actor.id != document.created_by:
        raise PermissionDenied(f"only the creator may {verb} this document")
    if hours is not None and clock.now() > document.created_at + timedelta(hours=hours):
        raise PermissionDenied(f"the creator may {verb} this document only within {hours} hours")


def check_cancellable(uow: AbstractUnitOfWork, document: Document) -> None:
    """Raise InvalidState while live child documents hang on it (I10). Payments do not:
    cancelling turns them into unallocated credit (issue 14 §2)."""
    live_children = [
        c for c in uow.documents.children(document.id) if c.state != DocumentState.CANCELLED
    ]
    if live_children:
        labels = ", ".join(c.number or f"#{c.id}" for c in live_children)
        raise InvalidState(f"cancel the documents made from it first: {labels}")
