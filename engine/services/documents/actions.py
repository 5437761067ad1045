"""What a user may do with a document now, and totals of a form not yet saved (T3.8-T3.11).

Pages offer only these actions; the commands in documents.py check the same rules again
(the checks below *are* those commands' checks, called without changing anything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from engine.domain.errors import CartableError, NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.states import CANCELLABLE_WITH_PERMISSION, DocumentState
from engine.models.documents import Document
from engine.models.users import User
from engine.services.cartable._steps import check_may_work, step_of

# The rule checks of the commands themselves, so the offer never drifts from the rule.
from engine.services.documents._rules import check_cancellable, check_may_edit, check_window
from engine.services.documents.commands import DEFAULT_CURRENCY
from engine.services.documents.content import Content, fill_document
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor


@dataclass(frozen=True)
class Preview:
    totals: dict[str, object]
    lines: list[dict[str, object]]
    errors: dict[str, list[str]]


def allowed_actions(uow: UnitOfWork, *, document_id: int, actor_id: int) -> frozenset[str]:
    """Return the actions the actor may take on the document now.

    Among: edit, delete, submit, confirm, deliver, cancel.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        document = uow.documents.get(document_id)
        if not can_view(uow, actor, document):
            raise NotFound(f"document {document_id} not found")
        allowed: set[str] = set()
        if _passes(lambda: check_may_edit(uow, actor, document)):
            allowed.add("edit")
        if _may_delete(actor, document):
            allowed.add("delete")
        if document.state == DocumentState.DRAFT and (
            actor.id == document.created_by or Perm.EDIT in actor.permissions
        ):
            allowed.add("submit")
        if _may_cancel(uow, actor, document):
            allowed.add("cancel")
        for task in uow.tasks.open_of_document(document.id):
            step = step_of(uow, task)  # a step a document command completes
            if step and step.action and _passes(partial(check_may_work, uow, actor, task)):
                allowed.add(step.action.value)
        return frozenset(allowed)


def preview_totals(uow: UnitOfWork, *, type_code: str, content: Content, actor_id: int) -> Preview:
    """Price a form's lines by the type's rules without saving anything (live totals).

    Errors come back in ``errors`` (by field) instead of being raised, so the form can
    show them while the user types.
    """
    with uow:
        load_actor(uow, actor_id)
        doc_type = uow.types.find_code(type_code)
        if doc_type is None:
            return Preview({}, [], {"type": ["unknown document type"]})
        draft = Document(currency=DEFAULT_CURRENCY)
        try:
            fill_document(uow, draft, doc_type, content)
        except ValidationFailed as error:
            return Preview({}, [], error.fields)
        totals = {
            name: getattr(draft, name)
            for name in ("subtotal", "discount", "additions", "tax", "levy", "total")
        }
        lines = [{"net": ln.net, "product_id": ln.product_id} for ln in draft.lines]
        uow.rollback()
        return Preview(totals, lines, {})


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except CartableError:
        return False
    return True


def _may_delete(actor: User, document: Document) -> bool:
    if document.state != DocumentState.DRAFT or document.number:
        return False
    if Perm.DELETE in actor.permissions:
        return True
    hours = document.type.deletable_hours
    return _passes(lambda: check_window(actor, document, hours, "delete"))


def _may_cancel(uow: UnitOfWork, actor: User, document: Document) -> bool:
    perms = actor.permissions
    if document.state == DocumentState.CANCELLED:
        return False
    if document.state in CANCELLABLE_WITH_PERMISSION:
        return Perm.CANCEL in perms and _passes(lambda: check_cancellable(uow, document))
    return actor.id == document.created_by or Perm.CANCEL in perms
