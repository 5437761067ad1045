"""Run Alembic migrations from code (CLI, tests) and check they match the models."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from engine.models.base import Base

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    """Return the project's Alembic config bound to ``database_url``."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def head_revisions() -> set[str]:
    """Return the newest revisions the code's migrations lead to."""
    return set(ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_heads())


def upgrade(engine: Engine) -> None:
    """Upgrade the database behind ``engine`` to the newest revision."""
    migrate(engine, "upgrade", "head")


def migrate(engine: Engine, direction: str, revision: str) -> None:
    """Run Alembic's ``upgrade`` or ``downgrade`` to ``revision`` in one transaction."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with migration_connection(engine) as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in a transaction that migrations may rebuild tables in.

    On SQLite, Alembic's batch mode rebuilds a table (create a copy, drop the old one,
    rename); with foreign keys on, dropping a table that others reference deletes their
    rows (ON DELETE CASCADE) or fails. So, as SQLite's "making other kinds of table
    schema changes" procedure says, foreign keys are off for the migration (the pragma
    only takes effect outside a transaction), checked with foreign_key_check before the
    commit, and on again after.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # before BEGIN: no-op inside one
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def pending_model_changes(engine: Engine) -> list[object]:
    """Return what autogenerate would still add (empty when migrations match models)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
