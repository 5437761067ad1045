"""A contact's credit exposure and the credit-limit check (SPEC P4, issue 14 §5).

Exposure = the contact's balance (open receivables net of its unallocated credit)
+ credit sales submitted and not yet posted + confirmed orders not yet invoiced. An
order counts what its posted or submitted invoices have not taken from it, so an
invoice made from an order is never counted twice. A check compares the exposure
before and after the action: an edit counts only its change. The figures come from one
aggregate query (``uow.documents.credit_figures``), whatever the contact's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.domain.effects import is_credit_sale
from engine.domain.exposure import CreditFigures
from engine.domain.terms import CreditBreach, credit_breached, credit_refusal
from engine.models.documents import Document
from engine.services.unit_of_work import AbstractUnitOfWork

ZERO = Decimal(0)


@dataclass(frozen=True)
class CreditCheck:
    """What a check found: whether the limit breaks, the exposure after, the limit."""

    breach: bool
    exposure: Decimal
    credit_limit: Decimal | None

    def data(self, key: str = "credit_breach") -> dict[str, object]:
        """Return the instance data a diagram routes on: ``credit_breach`` for the
        approval of a sale, ``order_credit_breach`` for confirming or delivering an order
        (quote_to_invoice.bpmn; a key of its own, as the approval's data flows back)."""
        return {key: self.breach, "exposure": self.exposure, "credit_limit": self.credit_limit}


def check_sale(
    uow: AbstractUnitOfWork,
    document: Document,
    *,
    old: Decimal | None = None,
    route: bool = False,
) -> CreditCheck:
    """Check a credit sale whose exposure goes from ``old`` (default: what it counts
    as stored) to its total (submitted, posted or edited).

    A breach raises ValidationFailed on ``credit_limit`` naming the limit and the
    exposure, unless ``route`` and the type says "approve": then the returned check
    carries the breach for the diagram's credit approval. Other documents pass.
    """
    doc_type = document.type
    if not is_credit_sale(doc_type.contact_effect, doc_type.source_kind):
        return CreditCheck(False, ZERO, None)
    if _unlimited(uow, document):
        return CreditCheck(False, ZERO, None)
    figures = _figures(uow, document)
    own = figures.counted(document.state, document.total) if old is None else old
    check = _judge(
        uow,
        document,
        before=figures.others + max(own, figures.source_order),
        after=figures.others + max(document.total, figures.source_order),
        recheck=False,
    )
    if check.breach and not (route and doc_type.credit_breach == CreditBreach.APPROVE):
        raise credit_refusal(limit=check.credit_limit or ZERO, exposure=check.exposure)
    return check


def check_order(
    uow: AbstractUnitOfWork, order: Document, *, recheck: bool, route: bool = False
) -> CreditCheck:
    """Check confirming an order (``recheck`` False: it adds its total) or delivering
    one (``recheck`` True: the exposure as it stands, this order in it, must be within
    the limit, so no goods ship to a customer past it).

    A breach raises ValidationFailed on ``credit_limit`` naming the limit and the
    exposure, unless ``route`` and the order's type says "approve": then the returned
    check carries the breach for quote_to_invoice.bpmn's credit approval.
    """
    if _unlimited(uow, order):
        return CreditCheck(False, ZERO, None)
    figures = _figures(uow, order)
    base, own = figures.others, figures.own_order
    before = base + own if recheck else base
    check = _judge(uow, order, before=before, after=base + own, recheck=recheck)
    if check.breach and not (route and order.type.credit_breach == CreditBreach.APPROVE):
        raise credit_refusal(limit=check.credit_limit or ZERO, exposure=check.exposure)
    return check


def contact_exposure(uow: AbstractUnitOfWork, contact_id: int) -> Decimal:
    """Return a contact's whole credit exposure (one aggregate query)."""
    return uow.documents.credit_figures(contact_id, leave_out=None, source_id=None).exposure()


def _figures(uow: AbstractUnitOfWork, document: Document) -> CreditFigures:
    return uow.documents.credit_figures(
        document.contact_id, leave_out=document.id, source_id=document.source_id
    )


def _unlimited(uow: AbstractUnitOfWork, document: Document) -> bool:
    """A contact without a limit is never refused: its exposure is not worth reading."""
    return uow.contacts.get(document.contact_id).credit_limit is None


def _judge(
    uow: AbstractUnitOfWork, document: Document, *, before: Decimal, after: Decimal, recheck: bool
) -> CreditCheck:
    limit = uow.contacts.get(document.contact_id).credit_limit
    breach = credit_breached(limit=limit, before=before, after=after, recheck=recheck)
    return CreditCheck(breach, after, limit)
