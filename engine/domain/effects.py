"""The six document kinds and their effects as data (SPEC T1), and the default types (T2).

Code reads a type's effects from its row (``contact_effect``, ``stock_effect``,
``source_kind``) through the functions here, never by testing the kind's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    SALES_QUOTE = "sales_quote"
    SALES_INVOICE = "sales_invoice"
    SALES_RETURN = "sales_return"
    PURCHASE_QUOTE = "purchase_quote"
    PURCHASE_INVOICE = "purchase_invoice"
    PURCHASE_RETURN = "purchase_return"


class ContactEffect(StrEnum):
    DEBIT = "debit"  # the contact owes us more
    CREDIT = "credit"  # we owe the contact more
    NONE = "none"


class StockEffect(StrEnum):
    OUT = "out"
    IN = "in"
    RESERVE = "reserve"  # quoted quantity is frozen, not moved (T1)
    NONE = "none"


@dataclass(frozen=True)
class TypeDefaults:
    kind: Kind
    name: str
    contact_effect: ContactEffect
    stock_effect: StockEffect
    source_kind: Kind | None
    numbering_pattern: str
    requires_approval: bool
    requires_numbering: bool
    contact_kind: str
    process_id: str = "document_approval"


_TAX = Decimal("9")  # the seed's worked example (I7) uses 9% sales tax, no levy

DEFAULT_TYPES: tuple[TypeDefaults, ...] = (
    TypeDefaults(
        Kind.SALES_QUOTE,
        "پیش‌فاکتور فروش",
        ContactEffect.NONE,
        StockEffect.RESERVE,
        None,
        "SQ-{jyear}-{seq:05d}",
        False,
        False,
        "customer",
        "quote_to_invoice",
    ),
    TypeDefaults(
        Kind.SALES_INVOICE,
        "فاکتور فروش",
        ContactEffect.DEBIT,
        StockEffect.OUT,
        None,
        "INV-{jyear}-{seq:05d}",
        True,
        True,
        "customer",
    ),
    TypeDefaults(
        Kind.SALES_RETURN,
        "برگشت از فروش",
        ContactEffect.CREDIT,
        StockEffect.IN,
        Kind.SALES_INVOICE,
        "SR-{jyear}-{seq:05d}",
        True,
        False,
        "customer",
    ),
    TypeDefaults(
        Kind.PURCHASE_QUOTE,
        "پیش‌فاکتور خرید",
        ContactEffect.NONE,
        StockEffect.NONE,
        None,
        "PQ-{jyear}-{seq:05d}",
        False,
        False,
        "supplier",
    ),
    TypeDefaults(
        Kind.PURCHASE_INVOICE,
        "فاکتور خرید",
        ContactEffect.CREDIT,
        StockEffect.IN,
        None,
        "PI-{jyear}-{seq:05d}",
        True,
        False,
        "supplier",
    ),
    TypeDefaults(
        Kind.PURCHASE_RETURN,
        "برگشت از خرید",
        ContactEffect.DEBIT,
        StockEffect.OUT,
        Kind.PURCHASE_INVOICE,
        "PR-{jyear}-{seq:05d}",
        True,
        False,
        "supplier",
    ),
)
DEFAULT_TAX_PERCENT = _TAX


def contact_posting(effect: str, total: Decimal) -> tuple[Decimal, Decimal]:
    """Return the (debit, credit) a posted document writes on its contact."""
    if effect == ContactEffect.DEBIT:
        return total, Decimal(0)
    if effect == ContactEffect.CREDIT:
        return Decimal(0), total
    return Decimal(0), Decimal(0)


def stock_posting(effect: str, quantity: Decimal) -> tuple[str, Decimal] | None:
    """Return the (bucket, signed quantity) a posted line moves, or None."""
    if effect == StockEffect.OUT:
        return "on_hand", -quantity
    if effect == StockEffect.IN:
        return "on_hand", quantity
    if effect == StockEffect.RESERVE:
        return "reserved", quantity
    return None


def is_receivable(effect: str) -> bool:
    """Tell whether payments received from the contact may settle this kind of document."""
    return effect == ContactEffect.DEBIT


def is_credit_sale(effect: str, source_kind: str | None) -> bool:
    """Tell whether a document of this kind sells on credit: it makes the contact owe
    us, and answers no other document (a purchase return does neither, P4)."""
    return effect == ContactEffect.DEBIT and source_kind is None


def takes_payment_term(effect: str, source_kind: str | None) -> bool:
    """Tell whether a document of this kind is paid under a payment term (issue 14 §3):
    an invoice, sales or purchase; not a quote or order, not a return."""
    return effect != ContactEffect.NONE and source_kind is None
