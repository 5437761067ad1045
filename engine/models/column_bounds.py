"""Check every value against its column before a flush (issue 10 #9).

The last line behind the API fields and forms: whatever path a value takes (a page, an
import, a service default), a text longer than its column, a NUL or a lone surrogate,
an integer past its column's range or a business date outside bounds.DATE_MIN..DATE_MAX is a
ValidationFailed naming the attribute, never a database error (PostgreSQL refuses long
text and NUL; SQLite would store them) or a Jalali date that cannot be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Integer, String, event, inspect
from sqlalchemy.orm import Session

from engine.domain import bounds
from engine.domain.errors import ValidationFailed

# "table.column" → the input field people know it by, where the names differ.
FIELD_NAMES = {"customer_group.name": "customer_group"}
_DATE_RANGE = f"must be between {bounds.DATE_MIN.isoformat()} and {bounds.DATE_MAX.isoformat()}"


def install(session_factory: Any) -> None:
    """Run :func:`check_pending` before every flush of sessions from ``session_factory``."""
    event.listen(session_factory, "before_flush", _before_flush)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    check_pending(session)


def check_pending(session: Session) -> None:
    """Raise ValidationFailed naming each new or changed value its column cannot hold."""
    _raise_problems(*session.new, *session.dirty)


def check_row(obj: Any) -> None:
    """Raise ValidationFailed naming each value of one row its column cannot hold (for
    rows written without a flush: engine.repositories.journal)."""
    _raise_problems(obj)


def _raise_problems(*objs: Any) -> None:
    errors: dict[str, list[str]] = {}
    for obj in objs:
        for field, problem in _problems(obj):
            errors.setdefault(field, []).append(problem)
    if errors:
        raise ValidationFailed(errors)


def _problems(obj: Any) -> Iterator[tuple[str, str]]:
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        value = getattr(obj, attr.key, None)
        if value is None or not hasattr(column, "table"):
            continue
        problem = _problem(column.type, value)
        if problem is not None:
            yield FIELD_NAMES.get(f"{column.table.name}.{column.name}", attr.key), problem


def _problem(type_: Any, value: Any) -> str | None:
    if isinstance(type_, String) and isinstance(value, str):
        return bounds.text_problem(value, maximum=type_.length)
    if isinstance(type_, Integer) and isinstance(value, int) and not isinstance(value, bool):
        low, high = bounds.INT_MIN, bounds.INT_MAX
        if isinstance(type_, BigInteger):
            low, high = bounds.BIGINT_MIN, bounds.BIGINT_MAX
        if not low <= value <= high:
            return f"must be between {low} and {high}"
    if isinstance(type_, Date) and isinstance(value, date) and not isinstance(value, datetime):
        if not bounds.DATE_MIN <= value <= bounds.DATE_MAX:
            return _DATE_RANGE
    return None
