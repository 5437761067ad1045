"""The role-code migration (issue 12 §2) keeps every role and its members: down to the
old unique names and up again to codes with display names."""

from __future__ import annotations

from sqlalchemy import text

from engine.db import make_engine
from engine.migrate import migrate

BEFORE = "6c2e4f1a8b30"


def _migrate(database_url: str, direction: str, revision: str) -> None:
    engine = make_engine(database_url)
    migrate(engine, direction, revision)
    engine.dispose()


def _rows(database_url: str, sql: str) -> set[tuple[object, ...]]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = {tuple(r) for r in connection.execute(text(sql))}
    engine.dispose()
    return rows


def test_codes_come_from_the_old_names_and_members_stay(database_url: str) -> None:
    members = "SELECT u.username, r.{} FROM user_role ur JOIN role r ON r.id = ur.role_id JOIN user_account u ON u.id = ur.user_id"  # noqa: E501
    held = _rows(database_url, members.format("code"))

    _migrate(database_url, "downgrade", BEFORE)
    assert ("approver", "approver") in _rows(database_url, "SELECT name, name FROM role")
    assert _rows(database_url, members.format("name")) == held

    _migrate(database_url, "upgrade", "head")
    roles = _rows(database_url, "SELECT code, name FROM role")
    assert ("approver", "Approver") in roles
    assert ("clerk", "Sales clerk") in roles
    assert _rows(database_url, members.format("code")) == held
