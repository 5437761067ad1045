"""A fixture for the service unit tests: opening a database session fails the test.

Use it with ``pytestmark = pytest.mark.usefixtures("no_database")`` after importing it,
so a rule that reached for SQL (a repository method the fake lacks would be an
AttributeError; a real session would be this) can never pass silently.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a unit test opened a database session or connection")


@pytest.fixture
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make creating any SQLAlchemy Session or connecting any engine fail."""
    monkeypatch.setattr(Session, "__init__", _refuse)
    monkeypatch.setattr(Engine, "connect", _refuse)
