"""An in-memory unit of work for the command services' unit tests (issue 11 §2).

``FakeUnitOfWork`` shares :class:`AbstractUnitOfWork` with the SQLAlchemy one. Its
repositories keep model objects in dicts (the models are plain objects until a session
holds them) and give ids on add, as a flush would. It opens no engine and no session:
this module imports no Session, and tests/unit/no_database.py makes any session or
connection a test might open fail loudly.

Only what the commands of documents, the cartable and payments call is here; a missing
method is an AttributeError, never a silent default. A rollback drops the rows added
since the last commit; changes to rows already kept are not undone, so tests check
``committed`` for those (as Cosmic Python's fake does).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from engine.domain.effects import DEFAULT_TYPES
from engine.domain.errors import NotFound
from engine.domain.followups import LevelRule
from engine.domain.permissions import Perm
from engine.domain.states import DocumentState
from engine.models.audit import AuditEntry
from engine.models.base import Base
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentEvent, DocumentType
from engine.models.followups import CustomerFollowup
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.models.products import Product, StockMove, Warehouse
from engine.models.users import Role, User
from engine.models.workflow import HumanTask, ProcessInstance, ProcessVersion
from engine.repositories.visibility import Viewer
from engine.services.processes.deployment import BPMN_DIR, SHIPPED
from engine.services.setup.bootstrap import _default_type
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import parse_process

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

    def delete(self, document: Document) -> None:
        del self.rows[document.id]

    def add_event(self, event: DocumentEvent) -> None:
        self.events.append(event)

    def actions_of(self, document_id: int) -> list[str]:
        return [e.action for e in self.events if e.document_id == document_id]

    def children(self, source_id: int, *, kind: str | None = None) -> list[Document]:
        return [
            d
            for d in self.rows.values()
            if d.source_id == source_id and (kind is None or d.type.kind == kind)
        ]

    def returned_quantities(
        self, source_id: int, exclude_id: int | None = None
    ) -> dict[int, Decimal]:
        returned: dict[int, Decimal] = {}
        for child in self.children(source_id):
            if child.id == exclude_id or child.state == DocumentState.CANCELLED:
                continue
            for line in child.lines:
                returned[line.product_id] = returned.get(line.product_id, Decimal(0)) + (
                    line.quantity
                )
        return returned


class FakePayments(FakeRepository[Payment]):
    label = "payment"

    def allocations_to(self, document_id: int) -> list[PaymentAllocation]:
        return [
            a for p in self.rows.values() for a in p.allocations if a.document_id == document_id
        ]


@functools.cache
def shipped_spec(process_id: str) -> tuple[str, dict[str, Any]]:
    """Return the checksum and spec JSON of a shipped diagram, parsed once per test run."""
    files = {name: (BPMN_DIR / name).read_bytes() for name in SHIPPED[process_id]}
    bundle = parse_process(process_id, files)
    return bundle.checksum, bundle.spec_json


class FakeProcesses(FakeRepository[ProcessInstance]):
    """Instances in a dict; the versions are the shipped diagrams, parsed from bpmn/."""

    label = "process instance"

    def __init__(self) -> None:
        super().__init__()
        self.versions: dict[int, ProcessVersion] = {}

    def current_version(self, process_id: str) -> ProcessVersion:
        for version in self.versions.values():
            if version.process_id == process_id:
                return version
        if process_id not in SHIPPED:
            raise NotFound(f"process {process_id!r} is not deployed")
        checksum, spec_json = shipped_spec(process_id)
        version = ProcessVersion(
            id=len(self.versions) + 1,
            process_id=process_id,
            version=1,
            checksum=checksum,
            bpmn_files={},
            spec_json=spec_json,
        )
        self.versions[version.id] = version
        return version

    def version(self, version_id: int) -> ProcessVersion:
        found = self.versions.get(version_id)
        if found is None:
            raise NotFound(f"process version {version_id} not found")
        return found

    def running_for_document(self, document_id: int) -> ProcessInstance | None:
        running = [i for i in self.for_document(document_id) if i.status == "running"]
        return running[0] if running else None

    def for_document(self, document_id: int) -> list[ProcessInstance]:
        found = [i for i in self.rows.values() if i.document_id == document_id]
        return sorted(found, key=lambda i: i.id, reverse=True)


class FakeTasks(FakeRepository[HumanTask]):
    label = "task"

    def stage(self, task: HumanTask) -> None:
        self.add(task)

    def open_of_instance(self, instance_id: int) -> list[HumanTask]:
        return [
            t for t in self.rows.values() if t.instance_id == instance_id and t.status == "open"
        ]

    def open_of_document(self, document_id: int) -> list[HumanTask]:
        found = [
            t for t in self.rows.values() if t.document_id == document_id and t.status == "open"
        ]
        return sorted(found, key=lambda t: t.id)

    def open_at(self, document_id: int, element_id: str) -> HumanTask:
        """Return the document's open task at ``element_id`` (a test helper)."""
        found = [t for t in self.open_of_document(document_id) if t.element_id == element_id]
        assert len(found) == 1, [t.element_id for t in self.open_of_document(document_id)]
        return found[0]


class FakeFollowups(FakeRepository[CustomerFollowup]):
    """Enough for a posted invoice's FollowInvoice effect to find no rules."""

    def ensure(self, contact: Contact) -> CustomerFollowup:
        for row in self.rows.values():
            if row.contact_id == contact.id:
                return row
        return self.add(CustomerFollowup(contact_id=contact.id, status="none"))

    def rules(self) -> list[LevelRule]:
        return []


class FakeUnitOfWork(AbstractUnitOfWork):
    """The unit of work of the unit tests: repositories in memory, a ``committed`` flag."""

    def __init__(self) -> None:
        self.users = FakeUsers()
        self.audit = FakeAudit()
        self.ledger = FakeLedger()
        self.contacts = FakeContacts(self.ledger)
        self.products = FakeProducts()
        self.types = FakeDocumentTypes()
        self.documents = FakeDocuments()
        self.payments = FakePayments()
        self.processes = FakeProcesses()
        self.tasks = FakeTasks()
        self.followups = FakeFollowups()
        self.committed = False
        self.commits = 0
        self._open = False

    def _repositories(self) -> Iterator[FakeRepository[Any]]:
        for value in vars(self).values():
            if isinstance(value, FakeRepository):
                yield value

    def __enter__(self) -> Self:
        assert not self._open, "a unit of work is opened once at a time"
        self._open = True
        self.committed = False
        for repository in self._repositories():
            repository.in_transaction = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open = False
        self.rollback()
        for repository in self._repositories():
            repository.in_transaction = False

    def flush(self) -> None:
        """Ids are given on add: nothing to send."""

    def commit(self) -> None:
        assert self._open, "commit outside `with uow:`"
        for repository in self._repositories():
            repository.kept()
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        for repository in self._repositories():
            repository.drop_added()


# Arranging a test's world (outside ``with uow:``, so a rollback keeps it) ----------


def seeded_uow() -> FakeUnitOfWork:
    """Return a fake unit of work holding the six default document types."""
    uow = FakeUnitOfWork()
    for position, defaults in enumerate(DEFAULT_TYPES):
        doc_type = _default_type(position, defaults)
        doc_type.editable_hours = doc_type.deletable_hours = None
        uow.types.add(doc_type)
    return uow


def add_user(uow: FakeUnitOfWork, *permissions: Perm, active: bool = True) -> int:
    """Add a user holding ``permissions`` and return its id."""
    user_id = len(uow.users.rows) + 1
    role = Role(name=f"role{user_id}", permissions=[p.value for p in permissions])
    user = User(id=user_id, username=f"user{user_id}", is_active=active, roles=[role])
    return uow.users.add(user).id


def add_contact(uow: FakeUnitOfWork, **fields: Any) -> int:
    """Add a customer (30 days to pay, no credit limit unless given) and return its id."""
    values: dict[str, Any] = {"name": "Customer", "kind": "customer", "payment_term_days": 30}
    return uow.contacts.add(Contact(**{**values, **fields})).id


def add_product(uow: FakeUnitOfWork, price: str) -> int:
    """Add a product at ``price`` and return its id."""
    product = Product(name=f"Product {len(uow.products.rows) + 1}", unit_price=Decimal(price))
    return uow.products.add(product).id
