"""Fixtures: a migrated, seeded database per test, on SQLite or (CARTABLE_TEST_DATABASE=
postgresql) on a PostgreSQL database this run creates on 127.0.0.1 and drops at the end."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork

PG_ADMIN = os.environ.get("CARTABLE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
ON_POSTGRES = os.environ.get("CARTABLE_TEST_DATABASE") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests run in the PostgreSQL pass; there they are required to run."""
    if ON_POSTGRES:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def _seed(engine: Engine) -> None:
    upgrade(engine)
    uow = UnitOfWork(make_session_factory(engine))
    ensure_defaults(uow)
    load_demo(uow)
    engine.dispose()


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Return a migrated, seeded database to copy: a file path or a PostgreSQL db name."""
    if ON_POSTGRES:
        name = f"cartable_tmpl_{uuid.uuid4().hex[:10]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            _seed(make_engine(_pg_url(name), poolclass=None))
            yield name
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    _seed(make_engine(f"sqlite:///{path}"))
    yield str(path)


def _pg_url(name: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


@pytest.fixture
def database_url(template: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a fresh copy of the template, dropped after the test."""
    if ON_POSTGRES:
        name = f"cartable_test_{uuid.uuid4().hex[:10]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _pg_url(name)
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path / "cartable.db"
    with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
        source.backup(target)  # consistent even with the template's WAL
    yield f"sqlite:///{path}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """Return an engine on the test's database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    """Return a unit of work on the test's database."""
    return UnitOfWork(make_session_factory(engine))
