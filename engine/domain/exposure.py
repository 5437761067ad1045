"""The figures a credit check reads, and how they add up (SPEC P4, issue 14 §5).

The documents repository reads them in one aggregate query (decisions §19 and §26):
what the contact's exposure holds apart from one document and its source order, what
that order still counts, and what the document itself counts. The rules that combine
them are here, so the SQL and the in-memory fake of the unit tests answer the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.domain.states import IN_APPROVAL, POSTED, DocumentState

ZERO = Decimal(0)


@dataclass(frozen=True)
class CreditFigures:
    """A contact's exposure, cut around one document (``leave_out``).

    ``others``: the ledger balance without the document's own rows, plus the credit
    sales in approval and the orders not yet invoiced, except the document and its
    source order. ``source_order``: what the document's source order still counts
    without it. ``own_order``: what the document still counts if it is an order.
    ``own_posted``: the debit less credit the document posted itself (not its payments).
    """

    others: Decimal = ZERO
    source_order: Decimal = ZERO
    own_order: Decimal = ZERO
    own_posted: Decimal = ZERO

    def counted(self, state: str, total: Decimal) -> Decimal:
        """Return what the left-out credit sale adds as stored: its ledger amount once
        posted, its total while in approval, nothing as a draft."""
        if DocumentState(state) in POSTED:
            return self.own_posted
        if DocumentState(state) in IN_APPROVAL:
            return total
        return ZERO

    def exposure(self) -> Decimal:
        """Return the whole exposure when nothing is left out."""
        return self.others + self.source_order + self.own_order


def available_credit(limit: Decimal | None, exposure: Decimal) -> Decimal | None:
    """Return what may still be sold on credit: the limit less the exposure, never
    below 0; None for an unlimited contact."""
    if limit is None:
        return None
    return max(limit - exposure, ZERO)
