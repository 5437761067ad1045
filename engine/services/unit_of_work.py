"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.domain.errors import Conflict
from engine.repositories.contacts import ContactRepository, ProductRepository
from engine.repositories.documents import DocumentRepository, DocumentTypeRepository
from engine.repositories.followers import FollowerRepository
from engine.repositories.followups import FollowupRepository
from engine.repositories.ledger import LedgerRepository, PaymentRepository
from engine.repositories.outbox import OutboxRepository
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


class UnitOfWork:
    """Open with ``with uow:``; nothing is kept unless :meth:`commit` is called."""

    session: Session

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
        self.processes = ProcessRepository(s)
        self.tasks = TaskRepository(s)
        self.followups = FollowupRepository(s)
        self.outbox = OutboxRepository(s)
        self.followers = FollowerRepository(s)
        self.reports = ReportRepository(s)
        self.saved_filters = SavedFilterRepository(s)
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
        with self.session.begin_nested():
            yield

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
