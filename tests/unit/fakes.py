"""An in-memory unit of work for the command services' unit tests (issue 11 §2).

``FakeUnitOfWork`` shares :class:`AbstractUnitOfWork` with the SQLAlchemy one. Its
repositories (fake_repositories.py, fake_workflow.py) keep model objects in dicts and
give ids on add, as a flush would. It opens no engine and no session:
this module imports no Session, and tests/unit/no_database.py makes any session or
connection a test might open fail loudly.

Only what the commands of documents, the cartable and payments call is here; a missing
method is an AttributeError, never a silent default. A rollback drops the rows added
since the last commit; changes to rows already kept are not undone, so tests check
``committed`` for those (as Cosmic Python's fake does).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from engine.domain.effects import DEFAULT_TYPES
from engine.domain.permissions import Perm
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.products import Product
from engine.models.users import Role, User
from engine.services.documents.commands import NewDocument, create_document
from engine.services.documents.content import Content, LineCommand
from engine.services.setup.bootstrap import _default_type
from engine.services.unit_of_work import AbstractUnitOfWork
from tests.unit.fake_repositories import (
    FakeAudit,
    FakeCalendar,
    FakeContacts,
    FakeDocuments,
    FakeDocumentTypes,
    FakeLedger,
    FakeOutbox,
    FakePayments,
    FakePaymentTerms,
    FakeProducts,
    FakeRepository,
    FakeUsers,
)
from tests.unit.fake_workflow import FakeFollowups, FakeProcesses, FakeTasks


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
        self.documents.ledger, self.documents.contacts = self.ledger, self.contacts
        self.payments = FakePayments()
        self.terms = FakePaymentTerms()
        self.processes = FakeProcesses()
        self.tasks = FakeTasks()
        self.followups = FakeFollowups()
        self.calendar = FakeCalendar()
        self.outbox = FakeOutbox()
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


def add_user(
    uow: FakeUnitOfWork, *permissions: Perm, role: str | None = None, active: bool = True
) -> int:
    """Add a user holding ``permissions`` through one role and return its id.

    ``role`` is the role's code: name one a shipped lane names ("approver", "numberer")
    to make the user a member of that cartable (issue 12 §2).
    """
    user_id = len(uow.users.rows) + 1
    code = role or f"role{user_id}"
    role_row = Role(code=code, name=code, permissions=[p.value for p in permissions])
    user = User(id=user_id, username=f"user{user_id}", is_active=active, roles=[role_row])
    return uow.users.add(user).id


def add_contact(uow: FakeUnitOfWork, **fields: Any) -> int:
    """Add a customer (30 days to pay, no credit limit unless given) and return its id."""
    values: dict[str, Any] = {"name": "Customer", "kind": "customer", "payment_term_days": 30}
    return uow.contacts.add(Contact(**{**values, **fields})).id


def add_product(uow: FakeUnitOfWork, price: str) -> int:
    """Add a product at ``price`` and return its id."""
    product = Product(name=f"Product {len(uow.products.rows) + 1}", unit_price=Decimal(price))
    return uow.products.add(product).id


ISSUED = date(2026, 3, 1)


def new_document(
    uow: FakeUnitOfWork,
    *,
    type_code: str = "purchase_invoice",
    contact_id: int | None = None,
    lines: list[LineCommand] | None = None,
    **fields: Any,
) -> NewDocument:
    """Return a command for a document issued on ISSUED (a new customer and product)."""
    if contact_id is None:
        contact_id = add_contact(uow)
    if lines is None:
        lines = [LineCommand(add_product(uow, "1000"), Decimal(2))]
    return NewDocument(type_code, contact_id, Content(lines), issue_date=ISSUED, **fields)


def created(uow: FakeUnitOfWork, actor_id: int, **fields: Any) -> Document:
    """Create a draft through create_document and return it."""
    document_id = create_document(uow, new_document(uow, **fields), actor_id=actor_id)
    return uow.documents.get(document_id)
