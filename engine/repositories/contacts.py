"""Contacts, products, warehouses and stock sums."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from engine.models.contacts import Contact, CustomerGroup
from engine.models.ledger import LedgerEntry
from engine.models.products import Product, StockMove, Warehouse
from engine.repositories.base import Repository, exact
from engine.repositories.visibility import Viewer, visible_ledger


class ContactRepository(Repository[Contact]):
    model = Contact
    label = "contact"

    def list(
        self,
        *,
        kind: str | None = None,
        q: str | None = None,
        group_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[Contact]:
        """Return contacts by name, optionally of a kind (``both`` matches either) or group."""
        stmt = select(Contact).order_by(Contact.name, Contact.id).limit(limit).offset(offset)
        if kind in ("customer", "supplier"):
            stmt = stmt.where(Contact.kind.in_((kind, "both")))
        if q:
            stmt = stmt.where(Contact.name.contains(q))
        if group_id is not None:
            stmt = stmt.where(Contact.customer_group_id == group_id)
        return list(self.session.scalars(stmt))

    def balance(self, contact_id: int, viewer: Viewer | None = None) -> Decimal:
        """Return debit minus credit over the contact's ledger (positive: they owe us).

        With a ``viewer``, over the entries they may see only (T3.11).
        """
        stmt = select(
            func.coalesce(func.sum(LedgerEntry.debit), 0),
            func.coalesce(func.sum(LedgerEntry.credit), 0),
        ).where(LedgerEntry.contact_id == contact_id, visible_ledger(viewer))
        debit, credit = self.session.execute(stmt).one()
        return Decimal(debit) - Decimal(credit)

    def customers_with_entries(self, limit: int) -> builtins.list[int]:
        """Return the ids of customers with ledger entries, by name (at most ``limit``)."""
        stmt = (
            select(Contact.id)
            .where(Contact.kind.in_(("customer", "both")))
            .where(Contact.id.in_(select(LedgerEntry.contact_id)))
            .order_by(Contact.name, Contact.id)
            .limit(limit)
        )
        return list(self.session.scalars(stmt))

    def for_export(
        self, viewer: Viewer | None
    ) -> builtins.list[tuple[Contact, str | None, Decimal | None]]:
        """Return every contact by name with its group's name and its balance over the
        ledger entries ``viewer`` may see (None without any), in one query."""
        balance = (
            select(exact(func.sum(LedgerEntry.debit - LedgerEntry.credit)))
            .where(LedgerEntry.contact_id == Contact.id, visible_ledger(viewer))
            .scalar_subquery()
        )
        stmt = (
            select(Contact, CustomerGroup.name, balance)
            .outerjoin(CustomerGroup, CustomerGroup.id == Contact.customer_group_id)
            .order_by(Contact.name, Contact.id)
        )
        return [(c, group, amount) for c, group, amount in self.session.execute(stmt)]

    def accounts(
        self, contact_ids: Sequence[int] | None, end: date | None, viewer: Viewer | None
    ) -> builtins.list[tuple[int, str, str | None, str, Decimal]]:
        """Return (id, name, email, language, balance at ``end``) of each contact, by
        name, the balance over the ledger entries ``viewer`` may see.

        None: every customer with ledger entries. One query for any number of them.
        """
        balance = exact(func.coalesce(func.sum(LedgerEntry.debit - LedgerEntry.credit), 0))
        on = [LedgerEntry.contact_id == Contact.id, visible_ledger(viewer)]
        if end is not None:
            on.append(LedgerEntry.entry_date <= end)
        stmt = (
            select(Contact.id, Contact.name, Contact.email, Contact.language, balance)
            .outerjoin(LedgerEntry, and_(*on))
            .group_by(Contact.id, Contact.name, Contact.email, Contact.language)
            .order_by(Contact.name, Contact.id)
        )
        if contact_ids is not None:
            stmt = stmt.where(Contact.id.in_(contact_ids))
        else:
            stmt = stmt.where(Contact.kind.in_(("customer", "both"))).having(
                func.count(LedgerEntry.id) > 0
            )
        return [
            (contact_id, name, email, language, Decimal(total))
            for contact_id, name, email, language, total in self.session.execute(stmt)
        ]

    def known_ids(self, contact_ids: Collection[int]) -> set[int]:
        """Return those of ``contact_ids`` that are contacts."""
        return set(self.session.scalars(select(Contact.id).where(Contact.id.in_(contact_ids))))

    def group(self, name: str) -> CustomerGroup:
        """Return the customer group with this name, creating it if new (P3)."""
        group = self.session.scalars(
            select(CustomerGroup).where(CustomerGroup.name == name)
        ).first()
        if group is None:
            group = CustomerGroup(name=name)
            self.session.add(group)
            self.session.flush()
        return group

    def groups(self) -> builtins.list[tuple[CustomerGroup, int]]:
        """Return every customer group by name with how many contacts it holds."""
        members = (
            select(func.count(Contact.id))
            .where(Contact.customer_group_id == CustomerGroup.id)
            .scalar_subquery()
        )
        stmt = select(CustomerGroup, members).order_by(CustomerGroup.name, CustomerGroup.id)
        return [(group, int(count)) for group, count in self.session.execute(stmt)]

    def find_group(self, group_id: int) -> CustomerGroup | None:
        """Return the customer group with this id, or None."""
        return self.session.get(CustomerGroup, group_id)

    def group_named(self, name: str) -> CustomerGroup | None:
        """Return the customer group with this name, or None."""
        stmt = select(CustomerGroup).where(CustomerGroup.name == name)
        return self.session.scalars(stmt).first()

    def add_group(self, name: str) -> CustomerGroup:
        """Stage a new customer group and give it its id."""
        group = CustomerGroup(name=name)
        self.session.add(group)
        self.session.flush()
        return group

    def group_name(self, group_id: int | None) -> str | None:
        """Return a customer group's name, or None."""
        group = self.session.get(CustomerGroup, group_id) if group_id else None
        return group.name if group else None

    def next_customer_number(self) -> int:
        """Return how many contacts have a customer number, plus one."""
        count = self.session.scalar(
            select(func.count()).where(Contact.customer_number.is_not(None))
        )
        return int(count or 0) + 1


class ProductRepository(Repository[Product]):
    model = Product
    label = "product"

    def list(
        self, *, q: str | None = None, limit: int = 100, offset: int = 0
    ) -> builtins.list[Product]:
        """Return products by name."""
        stmt = select(Product).order_by(Product.name, Product.id).limit(limit).offset(offset)
        if q:
            stmt = stmt.where(Product.name.contains(q))
        return list(self.session.scalars(stmt))

    def by_ids(self, product_ids: Collection[int]) -> dict[int, Product]:
        """Return {id: product} for the given ids (unknown ids are left out)."""
        stmt = select(Product).where(Product.id.in_(product_ids))
        return {p.id: p for p in self.session.scalars(stmt)}

    def stock(self, product_ids: builtins.list[int]) -> dict[int, dict[str, Decimal]]:
        """Return {product_id: {"on_hand": q, "reserved": q}} summed over all warehouses."""
        stmt = (
            select(StockMove.product_id, StockMove.bucket, func.sum(StockMove.quantity))
            .where(StockMove.product_id.in_(product_ids))
            .group_by(StockMove.product_id, StockMove.bucket)
        )
        result = {pid: {"on_hand": Decimal(0), "reserved": Decimal(0)} for pid in product_ids}
        for pid, bucket, qty in self.session.execute(stmt):
            result[pid][bucket] = Decimal(qty)
        return result

    def default_warehouse(self) -> Warehouse:
        """Return the main warehouse, creating it on first use."""
        warehouse = self.session.scalars(select(Warehouse).order_by(Warehouse.id)).first()
        if warehouse is None:
            warehouse = Warehouse(code="main", name="Main warehouse")
            self.session.add(warehouse)
            self.session.flush()
        return warehouse

    def add_move(self, move: StockMove) -> None:
        """Stage one stock move."""
        self.session.add(move)

    def moves_of(self, document_id: int) -> builtins.list[StockMove]:
        """Return the stock moves a document wrote, oldest first."""
        stmt = select(StockMove).where(StockMove.document_id == document_id).order_by(StockMove.id)
        return list(self.session.scalars(stmt))
