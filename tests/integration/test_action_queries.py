"""What one user action asks the database (issue 11 §4): no re-selects, no spec JSON.

Statement counts, not timings: each test could fail if a change brings a query back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from engine.services.processes._runs import version_spec
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL the engine sends inside the block (SQLite's BEGIN aside)."""
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_actor_and_its_roles_are_one_query(
    engine: Engine, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """Issue 11 §4: roles are joined to the user, not selected per command."""
    with uow, statements(engine) as sent:
        actor = load_actor(uow, ids["approver"])
        assert actor.permissions  # roles already loaded: no further query
    assert len(sent) == 1, sent


def test_a_row_let_go_of_is_not_selected_again_in_the_same_action(
    engine: Engine, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """Issue 11 §4: the unit of work holds what it loaded until it ends.

    The session's identity map alone holds clean rows weakly: without the unit of
    work's hold, the second ``get`` below selected the row again.
    """
    with uow:
        uow.users.with_roles(ids["clerk"])
        gc.collect()
        with statements(engine) as sent:
            assert uow.users.find(ids["clerk"]) is not None
        assert sent == []
    with uow, statements(engine) as sent:  # a new unit of work starts empty
        uow.users.find(ids["clerk"])
    assert len(sent) >= 1


def test_a_cached_spec_is_restored_without_reading_the_spec_json(
    engine: Engine, uow: UnitOfWork
) -> None:
    """Issue 11 §4: with the parsed spec cached, only the version's checksum is read."""
    with uow:
        version_spec(uow.processes.current_version("document_approval"))  # warm the cache
    with uow, statements(engine) as sent:
        version = uow.processes.current_version("document_approval")
        loaded = version_spec(version)
        assert loaded.checksum == version.checksum
    assert len(sent) == 1, sent
    assert "spec_json" not in sent[0] and "bpmn_files" not in sent[0]
    with uow:  # the files still load when asked for (the instance diagram)
        assert isinstance(uow.processes.current_version("document_approval").bpmn_files, dict)
