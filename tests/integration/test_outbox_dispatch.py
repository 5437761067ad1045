"""The embedded default: a committed message goes out from the serving process (E8)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from engine.config import Settings
from engine.db import make_session_factory
from engine.services.outbox import enqueue_message, list_messages
from engine.services.unit_of_work import UnitOfWork
from notifications.dispatch import start_dispatch
from tests.fakes.recording import FakeProvider


def test_commit_wakes_the_in_process_dispatcher(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=str(engine.url), secret_key="x")
    factory = make_session_factory(engine)
    dispatcher = start_dispatch(factory, settings)
    assert dispatcher is not None
    try:
        uow = UnitOfWork(factory)
        with uow:
            enqueue_message(
                uow,
                channel="sms",
                recipient="+989121234567",
                locale="fa",
                context={"customer": "علیرضا سامری", "total_due": "۱۰۰"},
                idempotency_key="dispatch-1",
                template="overdue_notice",
            )
            uow.rollback()  # a rolled-back decision nudges nobody and sends nothing
        with uow:
            enqueue_message(
                uow,
                channel="sms",
                recipient="+989121234567",
                locale="fa",
                context={"customer": "علیرضا سامری", "total_due": "۱۰۰"},
                idempotency_key="dispatch-2",
                template="overdue_notice",
            )
            uow.commit()
        # The thread's own timer is 5 s; the nudge must beat it by far.
        assert FakeProvider.wait_for(
            lambda: [m.status for m in list_messages(UnitOfWork(factory))] == ["sent"], 2.0
        )
    finally:
        dispatcher.stop()
    files = list((tmp_path / "outbox" / "sms").glob("*.json"))
    assert len(files) == 1 and "dispatch-2" in files[0].read_text()
