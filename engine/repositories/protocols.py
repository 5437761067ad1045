"""What the command services need of each repository, as Protocols (issue 11 §2).

The SQLAlchemy repositories beside this module satisfy them structurally; the
in-memory fakes of the unit tests (tests/unit/fakes.py) do too. Only the methods the
command services of documents, the cartable and payments (and the in-transaction
helpers they call) use are listed: a query service keeps the concrete unit of work.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from engine.domain.exposure import CreditFigures
from engine.domain.followups import LevelRule
from engine.domain.states import DocumentState
from engine.models.calendar import Holiday, WorkDay
from engine.models.contacts import Contact
from engine.models.documents import Document, DocumentEvent, DocumentType
from engine.models.followups import CustomerFollowup
from engine.models.ledger import LedgerEntry, Payment, PaymentAllocation
from engine.models.payment_terms import DocumentInstallment, PaymentTerm
from engine.models.products import Product, StockMove, Warehouse
from engine.models.users import User
from engine.models.workflow import HumanTask, ProcessInstance, ProcessVersion
from engine.repositories.visibility import Viewer


class Calendar(Protocol):
    def week(self) -> list[WorkDay]: ...

    def holidays(self, *, since: date | None = None) -> list[Holiday]: ...


class Users(Protocol):
    def find(self, id_: int) -> User | None: ...

    def with_roles(self, user_id: int) -> User | None: ...

    def role_codes(self, user: User) -> frozenset[str]: ...

    def by_username(self, username: str) -> User | None: ...

    def member_ids(self, code: str) -> list[int]: ...

    def members_of(self, role_codes: Iterable[str]) -> list[User]: ...

    def delegators_of(self, substitute_id: int, day: date) -> list[User]: ...


class Audit(Protocol):
    def record(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: object = None,
        details: dict[str, Any] | None = None,
        remote_addr: str | None = None,
    ) -> None: ...


class Contacts(Protocol):
    def find(self, id_: int) -> Contact | None: ...

    def get(self, id_: int) -> Contact: ...

    def balance(self, contact_id: int, viewer: Viewer | None = None) -> Decimal: ...

    def next_customer_number(self) -> int: ...


class Products(Protocol):
    def find(self, id_: int) -> Product | None: ...

    def default_warehouse(self) -> Warehouse: ...

    def add_move(self, move: StockMove) -> None: ...

    def moves_of(self, document_id: int) -> list[StockMove]: ...


class DocumentTypes(Protocol):
    def by_code(self, code: str) -> DocumentType: ...

    def find_code(self, code: str) -> DocumentType | None: ...

    def take_number(self, type_id: int, period_key: str) -> int: ...


class Documents(Protocol):
    def add(self, obj: Document) -> Document: ...

    def find(self, id_: int) -> Document | None: ...

    def get(self, id_: int) -> Document: ...

    def get_for_update(self, id_: int) -> Document: ...

    def delete(self, document: Document) -> None: ...

    def add_event(self, event: DocumentEvent) -> None: ...

    def of_contact(self, contact_id: int, states: Collection[DocumentState]) -> list[Document]: ...

    def children(self, source_id: int, *, kind: str | None = None) -> list[Document]: ...

    def returned_by_line(
        self, source_id: int, exclude_id: int | None = None
    ) -> dict[int, Decimal]: ...

    def credit_figures(
        self, contact_id: int, *, leave_out: int | None, source_id: int | None
    ) -> CreditFigures: ...


class PaymentTerms(Protocol):
    def find(self, id_: int) -> PaymentTerm | None: ...

    def schedule_of(self, document_id: int) -> list[DocumentInstallment]: ...

    def add_installment(self, row: DocumentInstallment) -> None: ...


class Ledger(Protocol):
    def of_document(self, document_id: int) -> list[LedgerEntry]: ...

    def stage(self, entry: LedgerEntry) -> None: ...


class Payments(Protocol):
    def add(self, obj: Payment) -> Payment: ...

    def get_for_update(self, id_: int) -> Payment: ...

    def find(self, id_: int) -> Payment | None: ...

    def add_allocation(self, allocation: PaymentAllocation) -> None: ...

    def allocation_for_update(self, allocation_id: int) -> PaymentAllocation: ...

    def live_allocations_of(self, document_id: int) -> list[PaymentAllocation]: ...


class Processes(Protocol):
    def add(self, obj: ProcessInstance) -> ProcessInstance: ...

    def find(self, id_: int) -> ProcessInstance | None: ...

    def get(self, id_: int) -> ProcessInstance: ...

    def get_for_update(self, id_: int) -> ProcessInstance: ...

    def current_version(self, process_id: str) -> ProcessVersion: ...

    def version(self, version_id: int) -> ProcessVersion: ...

    def version_keys(self) -> list[tuple[int, str, str]]: ...

    def running_for_document(self, document_id: int) -> ProcessInstance | None: ...

    def for_document(self, document_id: int) -> list[ProcessInstance]: ...


class Tasks(Protocol):
    def get(self, id_: int) -> HumanTask: ...

    def get_for_update(self, id_: int) -> HumanTask: ...

    def stage(self, task: HumanTask) -> None: ...

    def open_of_instance(self, instance_id: int) -> list[HumanTask]: ...

    def open_of_document(self, document_id: int) -> list[HumanTask]: ...


class Outbox(Protocol):
    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]: ...

    def mark_pending(self) -> None: ...

    def insert_many(
        self, rows: Sequence[Mapping[str, Any]], documents: Mapping[str, Sequence[int]]
    ) -> dict[str, int]: ...


class Followups(Protocol):
    def ensure(self, contact: Contact) -> CustomerFollowup: ...

    def rules(self) -> list[LevelRule]: ...


__all__ = [
    "Audit",
    "Contacts",
    "DocumentTypes",
    "Documents",
    "Followups",
    "Ledger",
    "Outbox",
    "Payments",
    "Processes",
    "Products",
    "Tasks",
    "Users",
]
