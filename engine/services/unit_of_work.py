"""The unit of work: one session, one transaction, rolled back unless committed.

:class:`AbstractUnitOfWork` is what the command services are typed against (issue 11
§2): the repositories they use (as Protocols, engine.repositories.protocols) and the
transaction's commit, rollback and flush. :class:`UnitOfWork` is the SQLAlchemy one;
tests/unit/fakes.py holds the in-memory one the unit tests use.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.domain.errors import Conflict
from engine.repositories import journal
from engine.repositories.bank import BankAccountRepository, BankStatementRepository
from engine.repositories.calendar import CalendarRepository
from engine.repositories.cockpit import CockpitRepository, MigrationRepository
from engine.repositories.contacts import ContactRepository, ProductRepository
from engine.repositories.documents import DocumentRepository, DocumentTypeRepository
from engine.repositories.drafts import DraftRepository
from engine.repositories.followers import FollowerRepository
from engine.repositories.followups import FollowupRepository
from engine.repositories.ledger import LedgerRepository, PaymentRepository
from engine.repositories.operations import OperationsRepository
from engine.repositories.outbox import OutboxRepository
from engine.repositories.payment_terms import PaymentTermRepository
from engine.repositories.protocols import (
    Audit,
    Calendar,
    Contacts,
    Documents,
    DocumentTypes,
    Followups,
    Ledger,
    Outbox,
    Payments,
    PaymentTerms,
    Processes,
    Products,
    Tasks,
    Users,
)
from engine.repositories.reports import ReportRepository
from engine.repositories.saved_filters import SavedFilterRepository
from engine.repositories.unique_fields import as_validation_error
from engine.repositories.users import AuditRepository, UserRepository
from engine.repositories.workflow import ProcessRepository, TaskRepository

_KEPT = "unit_of_work_rows"


@event.listens_for(Session, "loaded_as_persistent")
@event.listens_for(Session, "pending_to_persistent")
def _keep_row(session: Session, instance: object) -> None:
    """Hold every row a unit of work loads or writes until it ends (issue 11 §4).

    The session's identity map holds clean rows weakly: a document a service let go
    of was selected again (with its lines) by the next ``get`` of the same action.
    Kept here, a second ``get`` of the same row in one user action costs no query.
    """
    kept = session.info.get(_KEPT)
    if kept is not None:
        kept.append(instance)


class AbstractUnitOfWork(abc.ABC):
    """One transaction: ``with uow:`` opens it, nothing is kept unless :meth:`commit` runs.

    The repositories are set by ``__enter__``; leaving the block rolls back whatever
    was not committed (STYLE: the rollback default).
    """

    users: Users
    audit: Audit
    contacts: Contacts
    products: Products
    types: DocumentTypes
    documents: Documents
    ledger: Ledger
    payments: Payments
    terms: PaymentTerms
    processes: Processes
    tasks: Tasks
    followups: Followups
    calendar: Calendar
    outbox: Outbox

    @abc.abstractmethod
    def __enter__(self) -> Self:
        """Open the transaction and its repositories."""

    @abc.abstractmethod
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed and end the transaction."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Send pending changes (ids of new rows are known after it)."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Keep everything the block did."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Drop everything not yet committed."""


class UnitOfWork(AbstractUnitOfWork):
    """Open with ``with uow:``; nothing is kept unless :meth:`commit` is called."""

    session: Session
    users: UserRepository
    audit: AuditRepository
    contacts: ContactRepository
    products: ProductRepository
    types: DocumentTypeRepository
    documents: DocumentRepository
    ledger: LedgerRepository
    payments: PaymentRepository
    terms: PaymentTermRepository
    processes: ProcessRepository
    tasks: TaskRepository
    followups: FollowupRepository
    calendar: CalendarRepository
    outbox: OutboxRepository
    followers: FollowerRepository
    cockpit: CockpitRepository
    migrations: MigrationRepository
    operations: OperationsRepository
    drafts: DraftRepository
    bank_accounts: BankAccountRepository
    bank_statements: BankStatementRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        s = self.session
        s.info[_KEPT] = []
        self.users = UserRepository(s)
        self.audit = AuditRepository(s)
        self.contacts = ContactRepository(s)
        self.products = ProductRepository(s)
        self.types = DocumentTypeRepository(s)
        self.documents = DocumentRepository(s)
        self.ledger = LedgerRepository(s)
        self.payments = PaymentRepository(s)
        self.terms = PaymentTermRepository(s)
        self.processes = ProcessRepository(s)
        self.tasks = TaskRepository(s)
        self.followups = FollowupRepository(s)
        self.outbox = OutboxRepository(s)
        self.followers = FollowerRepository(s)
        self.calendar = CalendarRepository(s)
        self.reports = ReportRepository(s)
        self.saved_filters = SavedFilterRepository(s)
        self.cockpit = CockpitRepository(s)
        self.migrations = MigrationRepository(s)
        self.operations = OperationsRepository(s)
        self.drafts = DraftRepository(s)
        self.bank_accounts = BankAccountRepository(s)
        self.bank_statements = BankStatementRepository(s)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()
        self.session.info.pop(_KEPT, None)
        if isinstance(exc, IntegrityError):  # a flush inside the block hit a unique value
            mapped = as_validation_error(exc)
            if mapped is not None:
                raise mapped from exc

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run the block in a savepoint (SAVEPOINT ... RELEASE).

        An exception rolls back the block's writes alone and goes on up; what the
        transaction did before the block stays. Batches use it so one failing item
        does not undo the others.
        """
        marked = journal.mark(self.session)
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            journal.drop_after(self.session, marked)  # the block's history rows go too
            raise

    @contextmanager
    def no_autoflush(self) -> Iterator[None]:
        """Run the block without flushing before each query.

        For batches that stage many rows and read others meanwhile: the reads do not
        depend on the staged rows, and one flush at the end writes them together.
        """
        with self.session.no_autoflush:
            yield

    def expire(self, obj: object) -> None:
        """Forget a loaded row's values and unsaved changes: its next read loads it
        again (a batch drops what a failed item did to its rows this way)."""
        self.session.expire(obj)

    @property
    def dialect(self) -> str:
        """Name the database in use ("postgresql", "sqlite"), for the few statements
        spelled differently on each."""
        return self.session.get_bind().dialect.name

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """Yield a connection of its own on which every statement commits at once.

        Outside this unit of work's transaction (it needs not be open): for a worker
        that records each send durably in one round trip instead of a transaction
        (engine.services.messaging.status.sent_recorder).
        """
        with self._session_factory() as session:
            bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    def flush(self) -> None:
        """Send pending changes; a concurrent edit surfaces here as Conflict."""
        try:
            self.session.flush()
        except StaleDataError as error:
            raise Conflict("someone else changed this record first; reload and retry") from error

    def commit(self) -> None:
        """Commit the transaction.

        Raises Conflict when another transaction changed the same rows first (optimistic
        lock) or took the same unique value, and ValidationFailed naming the field when
        a value people type (a product code, a username; unique_fields) is taken.
        """
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise Conflict("someone else changed this record first; reload and retry") from error
        except IntegrityError as error:
            self.session.rollback()
            mapped = as_validation_error(error)
            if mapped is not None:  # a typed value someone else took: 422 naming it
                raise mapped from error
            raise Conflict("the change collides with another one; reload and retry") from error

    def rollback(self) -> None:
        """Drop everything not yet committed."""
        self.session.rollback()
