"""What every repository shares: a session and a get that raises NotFound."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, event, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.domain.errors import NotFound
from engine.models.base import Base
from engine.models.types import ExactDecimal

ModelT = TypeVar("ModelT", bound=Base)

_LOCKED = "rows_locked"


@event.listens_for(Session, "after_transaction_end")
def _forget_locks(session: Session, _transaction: object) -> None:
    """Locks end with their transaction, and a savepoint rolled back releases its own."""
    session.info.pop(_LOCKED, None)


def exact(expr: ColumnElement[Any]) -> ColumnElement[Decimal]:
    """Type a sum or difference of money columns as they are (ExactDecimal).

    It keeps their result conversion (scaled integers on SQLite), which the plain
    Numeric of an expression would lose.
    """
    return type_coerce(expr, ExactDecimal())


class Repository(Generic[ModelT]):
    """Queries of one aggregate, written once (STYLE: beside the model, via the uow)."""

    model: type[ModelT]
    label: str = "record"

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, obj: ModelT) -> ModelT:
        """Stage a new row and give it its id."""
        self.session.add(obj)
        self.session.flush()
        return obj

    def stage(self, obj: ModelT) -> None:
        """Stage a new row; it is written, and gets its id, at the next flush."""
        self.session.add(obj)

    def add_all(self, objs: Iterable[ModelT]) -> None:
        """Stage new rows; they are written, and get their ids, at the next flush."""
        self.session.add_all(objs)

    def delete(self, obj: ModelT) -> None:
        """Stage the row's deletion (sent with the next flush or the commit)."""
        self.session.delete(obj)

    def insert_ignoring_conflicts(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """Return an INSERT on ``table`` to finish with ``.on_conflict_do_nothing()``.

        Both dialects speak INSERT ... ON CONFLICT DO NOTHING; each has its own builder.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def find(self, id_: int) -> ModelT | None:
        """Return the row or None.

        A lookup by primary key cannot depend on changes not yet flushed (a new row has
        no id before its flush), so it does not flush them: they go out together, in
        one flush, at the next query or the commit (issue 11 §4).
        """
        with self.session.no_autoflush:
            return self.session.get(self.model, id_)

    def get(self, id_: int) -> ModelT:
        """Return the row; raise NotFound naming the label and id."""
        obj = self.find(id_)
        if obj is None:
            raise NotFound(f"{self.label} {id_} not found")
        return obj

    def get_for_update(self, id_: int) -> ModelT:
        """Return the row locked until commit (FOR UPDATE on PostgreSQL).

        A row this transaction has locked already is returned as the session holds it:
        no other transaction can have changed it since (issue 11 §4).
        """
        locked: set[tuple[type, int]] = self.session.info.setdefault(_LOCKED, set())
        if (self.model, id_) in locked:
            held = self.find(id_)
            if held is not None:
                return held
        stmt = (
            select(self.model)
            .where(self.model.id == id_)  # type: ignore[attr-defined]
            # OF: eager-loaded relationships join other tables, which must not be locked
            .with_for_update(of=self.model)
            .execution_options(populate_existing=True)
        )
        obj = self.session.scalars(stmt).first()
        if obj is None:
            raise NotFound(f"{self.label} {id_} not found")
        locked.add((self.model, id_))
        return obj
