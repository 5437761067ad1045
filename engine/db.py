"""Engine and session factory for SQLite (embedded) and PostgreSQL (scale-out)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from engine.models.column_bounds import install as install_column_bounds
from engine.models.decimal_text import register_functions


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL and write-serializing transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (services return plain data)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    install_column_bounds(factory)  # values the columns cannot hold: 422, not a DB error
    return factory


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN; take the write lock at BEGIN
    # instead (BEGIN IMMEDIATE) so two writers never both read a counter and then
    # deadlock on upgrade: SQLite then serializes writers, which the embedded default
    # can afford. See the SQLAlchemy "Serializable isolation / Savepoints" recipe.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        register_functions(dbapi_connection)  # exact decimals past 64 bits (issue 10 #9)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
