"""Document states: the one home of their names, groups and allowed moves (issue 11 §1).

The database stores the enum's values (the same strings as before), so the API and
the rows are unchanged. Code tests membership of a named group (``state in POSTED``)
rather than spelling states, and changes a state only through ``transition``, which
refuses a move the table below does not allow.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from engine.domain.errors import InvalidState


class DocumentState(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_NUMBERING = "awaiting_numbering"
    POSTED = "posted"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CONFIRMED = "confirmed"  # a sales quote confirmed as an order (Q3)
    DELIVERED = "delivered"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"

    def can_move_to(self, target: DocumentState) -> bool:
        """Tell whether the table allows going from this state to ``target``."""
        return target in TRANSITIONS[self]


S = DocumentState

# Every state, in the order lists and filters show them.
ALL: tuple[DocumentState, ...] = tuple(DocumentState)
# Submitted, on its way through approval and numbering, not yet posted.
IN_APPROVAL = frozenset({S.AWAITING_APPROVAL, S.AWAITING_NUMBERING})
# May be edited under the before-posting rules (creator, window, T3.8-T3.10).
EDITABLE_BEFORE_POSTING = frozenset({S.DRAFT, *IN_APPROVAL})
# Posted: the ledger and stock rows exist (I3, I5).
POSTED = frozenset({S.POSTED, S.PARTIALLY_PAID, S.PAID})
# Posted with something still to pay: the receivables reports and follow-ups (I12, F2).
OPEN = frozenset({S.POSTED, S.PARTIALLY_PAID})
# A quote's progress once confirmed as an order (Q3, I4).
ORDER_PROGRESS = frozenset({S.CONFIRMED, S.DELIVERED, S.INVOICED})
# Approved or signed: printed without the "not approved" stamp (T3.14); cancelling
# one of these needs the cancel permission (I10).
APPROVED = POSTED | ORDER_PROGRESS
CANCELLABLE_WITH_PERMISSION = APPROVED

# from -> the states it may move to. Staying in the same state is no move (see ``transition``).
TRANSITIONS: dict[DocumentState, frozenset[DocumentState]] = {
    # submitted: into approval, numbering, or straight to posted
    S.DRAFT: frozenset({*IN_APPROVAL, *POSTED, S.CANCELLED}),
    # approved, rejected back to draft, numbered and posted; a content change sends a
    # document in numbering back to approval (issue 10 #2)
    S.AWAITING_APPROVAL: frozenset({S.DRAFT, S.AWAITING_NUMBERING, *POSTED, S.CANCELLED}),
    S.AWAITING_NUMBERING: frozenset({S.DRAFT, S.AWAITING_APPROVAL, *POSTED, S.CANCELLED}),
    # payments move between the posted states; an edit after approval (T3.17) goes
    # back to draft and through the approval again; an approved quote is confirmed
    # as an order (Q3)
    S.POSTED: frozenset({S.PARTIALLY_PAID, S.PAID, S.DRAFT, S.CONFIRMED, S.CANCELLED}),
    S.PARTIALLY_PAID: frozenset({S.POSTED, S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.POSTED, S.PARTIALLY_PAID, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.DELIVERED, S.CANCELLED}),
    S.DELIVERED: frozenset({S.INVOICED, S.CANCELLED}),
    S.INVOICED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset(),
}


class HasState(Protocol):
    state: str


def transition(document: HasState, target: DocumentState) -> None:
    """Set ``document.state`` to ``target``; raise InvalidState for a move not in the table.

    Staying in the same state is allowed and changes nothing (a payment that leaves a
    document partially paid, a restarted approval that marks it awaiting approval again).
    """
    current = DocumentState(document.state)
    if current != target and not current.can_move_to(target):
        raise InvalidState(
            f"a {current.value} document cannot become {target.value}",
            details={"state": current.value, "target": target.value},
        )
    document.state = target.value


def payment_state(*, paid: Decimal, total: Decimal) -> DocumentState:
    """Return the posted state that matches what was paid of the total (I5)."""
    if paid == 0:
        return S.POSTED
    return S.PAID if paid >= total else S.PARTIALLY_PAID
