"""Declarative base with a constraint naming convention Alembic can rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")
# Key order preserved (PostgreSQL "json", not "jsonb"): SpiffWorkflow 3.2 stores each
# task's data as a delta from its parent and restores tasks in dict order, so a
# reordering store (jsonb sorts keys) loses workflow data. See docs/decisions.md.
OrderedJSON = JSON()


class Base(DeclarativeBase):
    """Every Cartable table derives from this."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {}


def utcnow() -> datetime:
    """Return the current aware UTC time (the one clock of the models)."""
    return datetime.now(UTC)
