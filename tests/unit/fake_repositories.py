"""In-memory repositories of the model rows (tests/unit/fakes.py puts them together).

Each keeps model objects in a dict (the models are plain objects until a session holds
them) and gives ids on add, as a flush would; only the methods the command services
call (engine.repositories.protocols) are here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from engine.domain.errors import NotFound
from engine.domain.exposure import CreditFigures
from engine.domain.states import DocumentState
from engine.models.audit import AuditEntry
from engine.models.base import Base
from engine.models.calendar import Holiday, WorkDay
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentEvent, DocumentType
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.models.payment_terms import DocumentInstallment, PaymentTerm
from engine.models.products import Product, StockMove, Warehouse
from engine.models.users import User
from engine.repositories.visibility import Viewer
from tests.credit_walk import walk_figures

ModelT = TypeVar("ModelT", bound=Base)


def _with_defaults(obj: Base) -> None:
    """Fill the columns a flush would fill from their defaults (status "open", ...)."""
    for prop in type(obj).__mapper__.column_attrs:
        column = prop.columns[0]
        default = column.default
        if default is None or getattr(obj, prop.key) is not None:
            continue
        if default.is_scalar:
            setattr(obj, prop.key, default.arg)
        elif default.is_callable:
            setattr(obj, prop.key, default.arg(None))


class FakeRepository(Generic[ModelT]):
    """Rows by id; ``add`` gives the next id and remembers the row for a rollback."""

    label = "record"

    def __init__(self) -> None:
        self.rows: dict[int, ModelT] = {}
        self.added: list[int] = []  # inside the open unit of work, since its last commit
        self.in_transaction = False  # rows a test arranges before ``with uow:`` stay
        self._next_id = 1

    def add(self, obj: ModelT) -> ModelT:
        _with_defaults(obj)
        if getattr(obj, "id", None) is None:
            obj.id = self._next_id  # type: ignore[attr-defined]
        self._next_id = max(self._next_id, obj.id) + 1  # type: ignore[attr-defined]
        self.rows[obj.id] = obj  # type: ignore[attr-defined]
        if self.in_transaction:
            self.added.append(obj.id)  # type: ignore[attr-defined]
        return obj

    def find(self, id_: int) -> ModelT | None:
        return self.rows.get(id_)

    def get(self, id_: int) -> ModelT:
        found = self.rows.get(id_)
        if found is None:
            raise NotFound(f"{self.label} {id_} not found")
        return found

    def get_for_update(self, id_: int) -> ModelT:
        return self.get(id_)

    def kept(self) -> None:
        self.added.clear()

    def drop_added(self) -> None:
        for id_ in self.added:
            self.rows.pop(id_, None)
        self.added.clear()


class FakeUsers(FakeRepository[User]):
    label = "user"

    def with_roles(self, user_id: int) -> User | None:
        return self.find(user_id)

    def role_codes(self, user: User) -> frozenset[str]:
        return frozenset(role.code for role in user.roles)

    def by_username(self, username: str) -> User | None:
        return next((u for u in self.rows.values() if u.username == username), None)

    def member_ids(self, code: str) -> list[int]:
        return sorted(
            u.id for u in self.rows.values() if u.is_active and code in self.role_codes(u)
        )

    def delegators_of(self, substitute_id: int, day: date) -> list[User]:
        return []  # the unit tests set no substitutes

    def members_of(self, role_codes: Iterable[str]) -> list[User]:
        codes = set(role_codes)
        found = [u for u in self.rows.values() if u.is_active and codes & self.role_codes(u)]
        return sorted(found, key=lambda u: u.username)


class FakeAudit(FakeRepository[AuditEntry]):
    def record(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: object = None,
        details: dict[str, Any] | None = None,
        remote_addr: str | None = None,
    ) -> None:
        entry = AuditEntry(
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            details=details or {},
        )
        self.add(entry)

    def actions(self) -> list[str]:
        return [entry.action for entry in self.rows.values()]


class FakeLedger(FakeRepository[LedgerEntry]):
    label = "ledger entry"

    def of_document(self, document_id: int) -> list[LedgerEntry]:
        return [e for e in self.rows.values() if e.document_id == document_id]

    def stage(self, entry: LedgerEntry) -> None:
        self.add(entry)


class FakeContacts(FakeRepository[Contact]):
    label = "contact"

    def __init__(self, ledger: FakeLedger) -> None:
        super().__init__()
        self.ledger = ledger

    def balance(self, contact_id: int, viewer: Viewer | None = None) -> Decimal:
        entries = [e for e in self.ledger.rows.values() if e.contact_id == contact_id]
        return sum((e.debit - e.credit for e in entries), Decimal(0))

    def next_customer_number(self) -> int:
        return 1 + sum(1 for c in self.rows.values() if c.customer_number)


class FakeProducts(FakeRepository[Product]):
    label = "product"

    def __init__(self) -> None:
        super().__init__()
        self.warehouse = Warehouse(id=1, code="main", name="Main warehouse")
        self.moves: list[StockMove] = []

    def default_warehouse(self) -> Warehouse:
        return self.warehouse

    def add_move(self, move: StockMove) -> None:
        move.id = len(self.moves) + 1
        self.moves.append(move)

    def moves_of(self, document_id: int) -> list[StockMove]:
        return [m for m in self.moves if m.document_id == document_id]


class FakeDocumentTypes(FakeRepository[DocumentType]):
    label = "document type"

    def __init__(self) -> None:
        super().__init__()
        self.sequences: dict[tuple[int, str], int] = {}

    def by_code(self, code: str) -> DocumentType:
        found = self.find_code(code)
        if found is None:
            raise NotFound(f"document type {code!r} not found")
        return found

    def find_code(self, code: str) -> DocumentType | None:
        return next((t for t in self.rows.values() if t.code == code), None)

    def take_number(self, type_id: int, period_key: str) -> int:
        key = (type_id, period_key)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]


class FakeDocuments(FakeRepository[Document]):
    label = "document"

    def __init__(self) -> None:
        super().__init__()
        self.events: list[DocumentEvent] = []
        # set by the unit of work: the exposure walks the ledger and the balances
        self.ledger: FakeLedger | None = None
        self.contacts: FakeContacts | None = None

    def delete(self, document: Document) -> None:
        del self.rows[document.id]

    def add_event(self, event: DocumentEvent) -> None:
        self.events.append(event)

    def actions_of(self, document_id: int) -> list[str]:
        return [e.action for e in self.events if e.document_id == document_id]

    def of_contact(self, contact_id: int, states: Collection[DocumentState]) -> list[Document]:
        return [d for d in self.rows.values() if d.contact_id == contact_id and d.state in states]

    def children(self, source_id: int, *, kind: str | None = None) -> list[Document]:
        return [
            d
            for d in self.rows.values()
            if d.source_id == source_id and (kind is None or d.type.kind == kind)
        ]

    def credit_figures(
        self, contact_id: int, *, leave_out: int | None, source_id: int | None
    ) -> CreditFigures:
        assert self.ledger is not None and self.contacts is not None
        return walk_figures(
            self, self.ledger, self.contacts, contact_id, leave_out=leave_out, source_id=source_id
        )

    def returned_by_line(self, source_id: int, exclude_id: int | None = None) -> dict[int, Decimal]:
        returned: dict[int, Decimal] = {}
        for child in self.children(source_id):
            if child.id == exclude_id or child.state == DocumentState.CANCELLED:
                continue
            for line in child.lines:
                if line.source_line_id is not None:
                    key = line.source_line_id
                    returned[key] = returned.get(key, Decimal(0)) + line.quantity
        return returned


class FakePaymentTerms(FakeRepository[PaymentTerm]):
    label = "payment term"

    def __init__(self) -> None:
        super().__init__()
        self.installments: list[DocumentInstallment] = []

    def schedule_of(self, document_id: int) -> list[DocumentInstallment]:
        rows = [
            r for r in self.installments if r.document_id == document_id and r.replaced_on is None
        ]
        return sorted(rows, key=lambda r: r.position)

    def add_installment(self, row: DocumentInstallment) -> None:
        self.installments.append(row)


class FakePayments(FakeRepository[Payment]):
    label = "payment"

    standalone: list[PaymentAllocation]

    def add_allocation(self, allocation: PaymentAllocation) -> None:
        if not hasattr(self, "standalone"):
            self.standalone = []
        allocation.id = 10_000 + len(self.standalone)
        self.standalone.append(allocation)

    def _all(self) -> list[PaymentAllocation]:
        own = [a for p in self.rows.values() for a in p.allocations]
        return own + list(getattr(self, "standalone", []))

    def allocation_for_update(self, allocation_id: int) -> PaymentAllocation:
        for a in self._all():
            if a.id == allocation_id:
                return a
        raise NotFound(f"allocation {allocation_id} not found")

    def live_allocations_of(self, document_id: int) -> list[PaymentAllocation]:
        return [
            a
            for a in self._all()
            if a.undone_on is None and document_id in (a.document_id, a.source_document_id)
        ]


class FakeCalendar:
    """The company calendar: the default week, and holidays a test adds to ``days``."""

    def __init__(self) -> None:
        self.days: dict[date, Holiday] = {}

    def week(self) -> list[WorkDay]:
        return []  # nothing saved: the default week (Saturday to Thursday, 08-16)

    def holidays(self, *, since: date | None = None) -> list[Holiday]:
        return [h for d, h in sorted(self.days.items()) if since is None or d >= since]


class FakeOutbox:
    """Messages staged by the services, as the rows the real outbox would insert."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        ids = {key: n for n, key in enumerate(self.rows, start=1)}
        return {key: ids[key] for key in keys if key in ids}

    def mark_pending(self) -> None:
        pass

    def insert_many(
        self, rows: Sequence[Mapping[str, Any]], documents: Mapping[str, Sequence[int]]
    ) -> dict[str, int]:
        for row in rows:
            self.rows.setdefault(str(row["idempotency_key"]), dict(row))
        return self.ids_for_keys(str(row["idempotency_key"]) for row in rows)
