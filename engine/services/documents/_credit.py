"""A contact's credit exposure and the credit-limit check (SPEC P4, issue 14 §5).

Exposure = the contact's balance (open receivables net of its unallocated credit)
+ credit sales submitted and not yet posted + confirmed orders not yet invoiced. An
order counts what its posted or submitted invoices have not taken from it, so an
invoice made from an order is never counted twice. A check compares the exposure
before and after the action: an edit counts only its change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.domain.effects import is_credit_sale
from engine.domain.states import IN_APPROVAL, ORDER_PROGRESS, POSTED
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

    def data(self) -> dict[str, object]:
        """Return the instance data the approval diagram routes on."""
        return {
            "credit_breach": self.breach,
            "exposure": self.exposure,
            "credit_limit": self.credit_limit,
        }


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
    base, source_open = _others(uow, document)
    own = counted(uow, document) if old is None else old
    check = _judge(
        uow,
        document,
        before=base + max(own, source_open),
        after=base + max(document.total, source_open),
        recheck=False,
    )
    if check.breach and not (route and doc_type.credit_breach == CreditBreach.APPROVE):
        raise credit_refusal(limit=check.credit_limit or ZERO, exposure=check.exposure)
    return check


def check_order(uow: AbstractUnitOfWork, order: Document, *, recheck: bool) -> None:
    """Refuse to confirm an order (``recheck`` False: it adds its total) or to deliver
    one (``recheck`` True: the exposure as it stands, this order in it) past the limit.

    Raises ValidationFailed on ``credit_limit``: the order flow has no credit step.
    """
    if _unlimited(uow, order):
        return
    base, _ = _others(uow, order)
    own = _order_open(uow, order, skip=None)
    before = base + own if recheck else base
    check = _judge(uow, order, before=before, after=base + own, recheck=recheck)
    if check.breach:
        raise credit_refusal(limit=check.credit_limit or ZERO, exposure=check.exposure)


def _unlimited(uow: AbstractUnitOfWork, document: Document) -> bool:
    """A contact without a limit is never refused: its exposure is not worth reading
    (it walks the contact's open documents)."""
    return uow.contacts.get(document.contact_id).credit_limit is None


def _judge(
    uow: AbstractUnitOfWork, document: Document, *, before: Decimal, after: Decimal, recheck: bool
) -> CreditCheck:
    limit = uow.contacts.get(document.contact_id).credit_limit
    breach = credit_breached(limit=limit, before=before, after=after, recheck=recheck)
    return CreditCheck(breach, after, limit)


def counted(uow: AbstractUnitOfWork, document: Document) -> Decimal:
    """Return what a credit sale adds to its contact's exposure as stored: its ledger
    amount once posted, its total while in approval, nothing as a draft."""
    if document.state in POSTED:
        return _ledger_net(uow, document.id)
    if document.state in IN_APPROVAL:
        return document.total
    return ZERO


def _others(uow: AbstractUnitOfWork, document: Document) -> tuple[Decimal, Decimal]:
    """Return (the contact's exposure leaving out ``document`` and its source order,
    what that source order still counts without ``document``)."""
    contact_id = document.contact_id
    base = uow.contacts.balance(contact_id) - _ledger_net(uow, document.id)
    for pending in uow.documents.of_contact(contact_id, IN_APPROVAL):
        if pending.id != document.id and is_credit_sale(
            pending.type.contact_effect, pending.type.source_kind
        ):
            base += pending.total
    source_open = ZERO
    for order in uow.documents.of_contact(contact_id, ORDER_PROGRESS):
        if order.id == document.id:
            continue
        still = _order_open(uow, order, skip=document.id)
        if order.id == document.source_id:
            source_open = still
        else:
            base += still
    return base, source_open


def _order_open(uow: AbstractUnitOfWork, order: Document, *, skip: int | None) -> Decimal:
    """Return what an order still counts: its total less what its invoices count."""
    invoiced = sum(
        (counted(uow, child) for child in uow.documents.children(order.id) if child.id != skip),
        ZERO,
    )
    return max(order.total - invoiced, ZERO)


def _ledger_net(uow: AbstractUnitOfWork, document_id: int | None) -> Decimal:
    """Return debit minus credit of what the document itself posted (not its payments)."""
    if document_id is None:
        return ZERO
    return sum(
        (e.debit - e.credit for e in uow.ledger.of_document(document_id) if e.payment_id is None),
        ZERO,
    )
