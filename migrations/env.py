"""Alembic environment: the URL comes from the caller or from CARTABLE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

import engine.models  # noqa: F401  (registers every table)
from engine.config import Settings
from engine.db import make_engine
from engine.migrate import migration_connection
from engine.models.base import Base

config = context.config
url = config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with migration_connection(make_engine(url)) as conn:  # SQLite: foreign keys off
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        user_module_prefix="types.",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
