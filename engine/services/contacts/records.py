"""Contacts (customers, suppliers or both) and products (SPEC P1-P5, P7)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.exposure import available_credit
from engine.domain.permissions import Perm
from engine.models.contacts import Contact
from engine.models.ledger import LedgerEntry
from engine.models.products import Product, StockMove
from engine.repositories.visibility import Viewer
from engine.services.documents._credit import contact_exposure
from engine.services.terms._schedule import check_term_id
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require

KINDS = ("customer", "supplier", "both")
LANGUAGES = ("fa", "ar", "en")


@dataclass(frozen=True)
class NewContact:
    name: str
    kind: str
    email: str | None = None
    mobile: str | None = None
    phone: str | None = None
    language: str = "fa"
    national_id: str | None = None
    customer_group: str | None = None
    payment_term_days: int | None = None
    payment_term_months: int | None = None
    credit_limit: Decimal | None = None
    opening_balance: Decimal = Decimal(0)
    owner_id: int | None = None
    invoice_address: str | None = None
    delivery_address: str | None = None
    payment_term_id: int | None = None  # its invoices' default term (issue 14 §3)


@dataclass(frozen=True)
class ContactView:
    id: int
    name: str
    kind: str
    email: str | None
    mobile: str | None
    phone: str | None
    language: str
    customer_group: str | None
    customer_number: str | None
    payment_term_days: int | None
    payment_term_months: int | None
    credit_limit: Decimal | None
    owner_id: int | None
    invoice_address: str | None
    delivery_address: str | None
    balance: Decimal | None = None
    ledger: list[dict[str, object]] = field(default_factory=list)
    customer_group_id: int | None = None
    lock_version: int = 1
    payment_term_id: int | None = None
    # issue 14 §5: what counts toward the credit limit, and what is left of it
    exposure: Decimal | None = None
    available_credit: Decimal | None = None


@dataclass(frozen=True)
class NewProduct:
    name: str
    unit_price: Decimal
    code: str | None = None
    unit: str = ""
    is_service: bool = False
    on_hand: Decimal = Decimal(0)  # opening stock in the main warehouse


@dataclass(frozen=True)
class ProductView:
    id: int
    code: str | None
    name: str
    unit: str
    unit_price: Decimal
    is_service: bool
    on_hand: Decimal
    reserved: Decimal
    available: Decimal


def create_contact(uow: UnitOfWork, cmd: NewContact, *, actor_id: int) -> int:
    """Create a contact; an opening balance becomes its first ledger entry (P5)."""
    check_contact(cmd)
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
        contact = stage_contact(uow, cmd, actor_id=actor_id)
        uow.commit()
        return contact.id


def stage_contact(uow: UnitOfWork, cmd: NewContact, *, actor_id: int) -> Contact:
    """Stage a checked contact in an open unit of work (the caller checks and commits).

    Shared by :func:`create_contact` and the all-or-nothing import (E7).
    Raises ValidationFailed naming ``owner_id`` for an unknown user.
    """
    if cmd.owner_id is not None and uow.users.find(cmd.owner_id) is None:
        raise ValidationFailed.single("owner_id", f"unknown user {cmd.owner_id}")
    check_term_id(uow, cmd.payment_term_id)
    group = uow.contacts.group(cmd.customer_group) if cmd.customer_group else None
    contact = uow.contacts.add(
        Contact(
            name=cmd.name.strip(),
            kind=cmd.kind,
            email=cmd.email,
            mobile=cmd.mobile,
            phone=cmd.phone,
            language=cmd.language,
            national_id=cmd.national_id,
            customer_group_id=group.id if group else None,
            payment_term_days=cmd.payment_term_days,
            payment_term_months=cmd.payment_term_months,
            payment_term_id=cmd.payment_term_id,
            credit_limit=cmd.credit_limit,
            owner_id=cmd.owner_id,
            invoice_address=cmd.invoice_address,
            delivery_address=cmd.delivery_address,
        )
    )
    if cmd.opening_balance:
        uow.ledger.stage(
            LedgerEntry(
                contact_id=contact.id,
                kind="opening",
                entry_date=clock.business_today(),
                debit=max(cmd.opening_balance, Decimal(0)),
                credit=max(-cmd.opening_balance, Decimal(0)),
                memo="opening balance",
            )
        )
    uow.audit.record(
        actor_id=actor_id, action="contact.create", entity="contact", entity_id=contact.id
    )
    return contact


def get_contact(
    uow: UnitOfWork, *, contact_id: int, actor_id: int, with_ledger: bool = False
) -> ContactView:
    """Return a contact with its balance (positive: the contact owes us).

    Balance and ledger are over the entries the actor may see (T3.11); PermissionDenied
    for a user who may not read accounts.
    """
    with uow:
        viewer = account_viewer(uow, actor_id)
        return contact_view(uow, uow.contacts.get(contact_id), viewer, with_ledger=with_ledger)


def contact_view(
    uow: UnitOfWork, contact: Contact, viewer: Viewer | None, *, with_ledger: bool = False
) -> ContactView:
    """Return a contact's view with what ``viewer`` may see of its ledger, and a
    customer's credit exposure and available credit (open uow)."""
    ledger = uow.ledger.of_contact(contact.id, viewer=viewer) if with_ledger else []
    view = _contact_view(
        uow,
        contact,
        uow.contacts.balance(contact.id, viewer),
        [
            {
                "id": e.id,
                "date": e.entry_date,
                "kind": e.kind,
                "document_id": e.document_id,
                "payment_id": e.payment_id,
                "debit": e.debit,
                "credit": e.credit,
                "memo": e.memo,
            }
            for e in ledger
        ],
    )
    if contact.kind == "supplier":
        return view
    exposure = contact_exposure(uow, contact.id)
    return replace(
        view, exposure=exposure, available_credit=available_credit(contact.credit_limit, exposure)
    )


def list_contacts(
    uow: UnitOfWork,
    *,
    kind: str | None = None,
    q: str | None = None,
    group_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[ContactView]:
    """Return contacts by name, optionally of a kind or a customer group."""
    with uow:
        found = uow.contacts.list(
            kind=kind, q=q, group_id=group_id, limit=min(limit, 500), offset=offset
        )
        return [_contact_view(uow, c, None, []) for c in found]


def create_product(uow: UnitOfWork, cmd: NewProduct, *, actor_id: int) -> int:
    """Create a product; opening stock goes into the main warehouse."""
    errors: dict[str, str] = {}
    if not cmd.name.strip():
        errors["name"] = "is required"
    if cmd.unit_price < 0:
        errors["unit_price"] = "must not be negative"
    if cmd.on_hand < 0:
        errors["on_hand"] = "must not be negative"
    if errors:
        raise ValidationFailed(errors)
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_PRODUCTS)
        product = uow.products.add(
            Product(
                code=cmd.code,
                name=cmd.name.strip(),
                unit=cmd.unit,
                unit_price=cmd.unit_price,
                is_service=cmd.is_service,
            )
        )
        if cmd.on_hand:
            uow.products.add_move(
                StockMove(
                    product_id=product.id,
                    bucket="on_hand",
                    quantity=cmd.on_hand,
                    warehouse_id=uow.products.default_warehouse().id,
                )
            )
        uow.audit.record(
            actor_id=actor_id, action="product.create", entity="product", entity_id=product.id
        )
        uow.commit()
        return product.id


def list_products(
    uow: UnitOfWork, *, q: str | None = None, limit: int = 100, offset: int = 0
) -> list[ProductView]:
    """Return products with stock on hand and reserved."""
    with uow:
        products = uow.products.list(q=q, limit=min(limit, 500), offset=offset)
        stock = uow.products.stock([p.id for p in products])
        return [_product_view(p, stock[p.id]) for p in products]


def get_product(uow: UnitOfWork, *, product_id: int) -> ProductView:
    """Return one product with its stock."""
    with uow:
        product = uow.products.get(product_id)
        return _product_view(product, uow.products.stock([product.id])[product.id])


def check_contact(cmd: NewContact) -> None:
    """Raise ValidationFailed naming each bad field of a new contact."""
    errors: dict[str, str] = {}
    if not cmd.name.strip():
        errors["name"] = "is required"
    if cmd.kind not in KINDS:
        errors["kind"] = f"must be one of: {', '.join(KINDS)}"
    if cmd.language not in LANGUAGES:
        errors["language"] = f"must be one of: {', '.join(LANGUAGES)}"
    if cmd.credit_limit is not None and cmd.credit_limit < 0:
        errors["credit_limit"] = "must not be negative (empty means unlimited)"
    for name in ("payment_term_days", "payment_term_months"):
        value = getattr(cmd, name)
        if value is not None and value < 0:
            errors[name] = "must not be negative"
    if cmd.payment_term_days is not None and cmd.payment_term_months is not None:
        errors["payment_term_months"] = "give the term in days or in months, not both"
    if errors:
        raise ValidationFailed(errors)


def _contact_view(
    uow: UnitOfWork, c: Contact, balance: Decimal | None, ledger: list[dict[str, object]]
) -> ContactView:
    return ContactView(
        id=c.id,
        name=c.name,
        kind=c.kind,
        email=c.email,
        mobile=c.mobile,
        phone=c.phone,
        language=c.language,
        customer_group=uow.contacts.group_name(c.customer_group_id),
        customer_number=c.customer_number,
        payment_term_days=c.payment_term_days,
        payment_term_months=c.payment_term_months,
        credit_limit=c.credit_limit,
        owner_id=c.owner_id,
        invoice_address=c.invoice_address,
        delivery_address=c.delivery_address,
        balance=balance,
        ledger=ledger,
        customer_group_id=c.customer_group_id,
        lock_version=c.lock_version,
        payment_term_id=c.payment_term_id,
    )


def _product_view(p: Product, stock: dict[str, Decimal]) -> ProductView:
    return ProductView(
        id=p.id,
        code=p.code,
        name=p.name,
        unit=p.unit,
        unit_price=p.unit_price,
        is_service=p.is_service,
        on_hand=stock["on_hand"],
        reserved=stock["reserved"],
        available=stock["on_hand"] - stock["reserved"],
    )
