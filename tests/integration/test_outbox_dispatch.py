"""The embedded default: a committed message goes out from the serving process (E8)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from engine.config import Settings
from engine.db import make_session_factory
from engine.services.messaging.outbox import list_messages
from engine.services.unit_of_work import UnitOfWork
from notifications.dispatch import start_dispatch
from tests.fakes.recording import FakeProvider
from tests.notifications.support import queue, stage


def test_commit_wakes_the_in_process_dispatcher(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=str(engine.url), secret_key="x")
    factory = make_session_factory(engine)
    dispatcher = start_dispatch(factory, settings)
    assert dispatcher is not None
    try:
        uow = UnitOfWork(factory)
        with uow:
            stage(uow, "dispatch-1", channel="sms")
            uow.rollback()  # a rolled-back decision nudges nobody and sends nothing
        queue(uow, "dispatch-2", channel="sms")
        # The thread's own timer is 5 s; the nudge must beat it by far.
        assert FakeProvider.wait_for(
            lambda: [m.status for m in list_messages(UnitOfWork(factory))] == ["sent"], 2.0
        )
    finally:
        dispatcher.stop()
    files = list((tmp_path / "outbox" / "sms").glob("*.json"))
    assert len(files) == 1 and "dispatch-2" in files[0].read_text()
