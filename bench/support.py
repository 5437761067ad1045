"""What every benchmark shares: the database it measures."""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_ADMIN = os.environ.get("CARTABLE_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """Yield the URL of the database to measure: ``--database-url`` or
    CARTABLE_BENCH_DATABASE_URL if given, else a throwaway PostgreSQL database on
    127.0.0.1 (or SQLite file with ``--sqlite``) that is dropped afterwards."""
    given = args.database_url or os.environ.get("CARTABLE_BENCH_DATABASE_URL")
    if given:
        yield given
        return
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"cartable_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
