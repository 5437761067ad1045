"""Who sees which documents (T3.11): the one visibility rule, as SQL, for every read.

A document is visible to a user when its type does not restrict viewing, or the user
holds ``view_all``, created it, or has one of its open steps in their cartable (a task
of one of their lanes, or assigned to them). Everything that carries a document's
figures follows the document:

- a ledger entry is visible when its document and its payment are;
- a payment is visible when none of its allocations goes to a hidden document;
- an outbox message is visible when none of the documents it is about is hidden.

Balances, totals and running balances are sums over visible rows only, so a hidden
invoice shows in no figure either. ``Viewer`` None means "sees everything" (view_all,
or the system itself). Single reads use :meth:`DocumentRepository.is_visible`, the
same predicate on one row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from engine.models.documents import Document, DocumentType
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.models.outbox import OutboxMessage, OutboxMessageDocument
from engine.models.workflow import HumanTask


@dataclass(frozen=True)
class Viewer:
    """A user who sees only what the rule lets them: their id and cartable lanes."""

    user_id: int
    lanes: tuple[str, ...] = ()


def visible_documents(viewer: Viewer | None, doc: Any = Document) -> ColumnElement[bool]:
    """Return the condition keeping the rows of ``doc`` (Document or an alias) ``viewer`` sees."""
    if viewer is None:
        return true()
    restricted = select(DocumentType.id).where(DocumentType.restrict_view.is_(True))
    has_step = exists().where(
        HumanTask.document_id == doc.id,
        HumanTask.status == "open",
        in_cartable(viewer.user_id, viewer.lanes),
    )
    return or_(doc.type_id.not_in(restricted), doc.created_by == viewer.user_id, has_step)


def in_cartable(user_ids: int | Iterable[int], lanes: Iterable[str]) -> ColumnElement[bool]:
    """Return the condition keeping the tasks in a user's cartable: the pooled tasks of
    their lanes and those assigned to them (or, for a substitute, to the users they
    stand in for today, issue 12 §7).

    A personal task (the diagram named its assignee, issue 12 §4-5) is its assignee's only.
    """
    ids = [user_ids] if isinstance(user_ids, int) else list(user_ids)
    mine = HumanTask.assignee_id.in_(ids)
    lanes = list(lanes)
    if not lanes:
        return mine
    return or_(and_(HumanTask.lane.in_(lanes), HumanTask.personal.is_(False)), mine)


def hidden_documents(viewer: Viewer) -> Select[int]:
    """Return the ids of documents ``viewer`` may not see (a subquery)."""
    doc = aliased(Document)
    return select(doc.id).where(~visible_documents(viewer, doc))


def _hidden_payments(viewer: Viewer) -> Select[int | None]:
    return select(PaymentAllocation.payment_id).where(
        PaymentAllocation.document_id.in_(hidden_documents(viewer))
    )


def visible_payments(viewer: Viewer | None) -> ColumnElement[bool]:
    """Return the condition keeping the payments ``viewer`` sees."""
    if viewer is None:
        return true()
    return Payment.id.not_in(_hidden_payments(viewer))


def visible_ledger(viewer: Viewer | None) -> ColumnElement[bool]:
    """Return the condition keeping the ledger entries ``viewer`` sees."""
    if viewer is None:
        return true()
    return and_(
        or_(
            LedgerEntry.document_id.is_(None),
            LedgerEntry.document_id.not_in(hidden_documents(viewer)),
        ),
        or_(
            LedgerEntry.payment_id.is_(None),
            LedgerEntry.payment_id.not_in(_hidden_payments(viewer)),
        ),
    )


def visible_messages(viewer: Viewer | None) -> ColumnElement[bool]:
    """Return the condition keeping the outbox messages ``viewer`` sees."""
    if viewer is None:
        return true()
    about_hidden = exists().where(
        OutboxMessageDocument.message_id == OutboxMessage.id,
        OutboxMessageDocument.document_id.in_(hidden_documents(viewer)),
    )
    return ~about_hidden
