"""Turn a unique-constraint violation on a value people type into a 422 naming the field.

Checking "does this code exist?" before inserting races with a concurrent insert, so
the database's unique constraint is the rule and this maps its error, on PostgreSQL
(by constraint name) and SQLite (by ``table.column`` in the message), to
ValidationFailed (issue 10 #9). Constraints not listed here (document numbers,
idempotency keys, task ids) are races between requests, left to the caller (Conflict).
"""

from __future__ import annotations

import re

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from engine.domain.errors import ValidationFailed
from engine.models.base import Base

# Constraint name → the input field that carries the value.
UNIQUE_FIELDS: dict[str, str] = {
    "uq_product_code": "code",
    "uq_warehouse_code": "code",
    "uq_document_type_code": "code",
    "uq_contact_customer_number": "customer_number",
    "uq_customer_group_name": "customer_group",
    "uq_followup_level_days": "days",
    "uq_role_code": "code",
    "uq_user_account_username": "username",
    "uq_saved_filter_user_id_name": "name",
    "uq_bank_account_name": "name",
    "uq_bank_account_iban": "iban",
}

_SQLITE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")
_POSTGRES = re.compile(r'unique constraint "(\w+)"')


def _by_columns() -> dict[tuple[str, ...], str]:
    """Map ("table.column", …) as SQLite names them to the constraint's name."""
    out: dict[tuple[str, ...], str] = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
                key = tuple(f"{table.name}.{column.name}" for column in constraint.columns)
                out[key] = constraint.name
    return out


def constraint_name(error: IntegrityError) -> str | None:
    """Return the name of the unique constraint ``error`` violated, if it says."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if isinstance(name, str):
        return name
    text = str(error.orig)
    match = _POSTGRES.search(text)
    if match:
        return match.group(1)
    match = _SQLITE.search(text)
    if match:
        columns = tuple(part.strip() for part in match.group(1).split(","))
        return _by_columns().get(columns)
    return None


def as_validation_error(error: IntegrityError) -> ValidationFailed | None:
    """Return ValidationFailed naming the field whose value is taken, or None if not known."""
    name = constraint_name(error)
    field = UNIQUE_FIELDS.get(name or "")
    if field is None:
        return None
    return ValidationFailed.single(field, "is already taken; choose another value")
