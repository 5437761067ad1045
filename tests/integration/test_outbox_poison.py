"""A message that cannot be prepared or sent fails alone, visibly (issue 10 #4; C4, E5).

On 37b3c44 a ZeroDivisionError in one text (or any exception outside TemplateError)
escaped the batch: every message claimed with it stayed "sending", and a message past
its attempt limit was left "sending" for ever.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from engine import clock
from engine.config import Settings
from engine.models.outbox import OutboxMessage
from engine.services.messaging.outbox import list_messages
from engine.services.unit_of_work import UnitOfWork
from notifications import preparation
from notifications.channels import channels_for
from notifications.outbox import claim_due, send_due
from tests.notifications.support import queue


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """File sinks for email and SMS (the embedded default)."""
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="test")


def _statuses(uow: UnitOfWork) -> dict[int, tuple[str, int, str | None]]:
    return {m.id: (m.status, m.attempts, m.last_error) for m in list_messages(uow)}


def _sent_files(settings: Settings, channel: str) -> list[Path]:
    return sorted((settings.data_dir / "outbox" / channel).glob("*.json"))


def test_issue10_4_a_poisoned_text_fails_alone_and_the_batch_is_sent(
    uow: UnitOfWork, settings: Settings
) -> None:
    first = queue(uow, "healthy-1", channel="sms")
    poison = queue(
        uow,
        "poison",
        channel="sms",
        template=None,
        body_source="{{ (customer|length) / 0 }}",
    )
    last = queue(uow, "healthy-2", channel="sms")

    report = send_due(uow, channels_for(settings), settings)

    assert (report.sent, report.failed) == (2, 1)
    rows = _statuses(uow)
    assert rows[first][0] == rows[last][0] == "sent"
    status, attempts, reason = rows[poison]
    assert (status, attempts) == ("failed", 1)
    assert reason is not None and "ZeroDivisionError" in reason
    assert len(_sent_files(settings, "sms")) == 2


def test_issue10_4_any_exception_preparing_one_message_fails_only_that_one(
    uow: UnitOfWork, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy = queue(uow, "fine")
    broken = queue(uow, "broken-files")
    real = preparation.attachments_for

    def attachments(uow: UnitOfWork, message: OutboxMessage, text: Any) -> Any:
        if message.id == broken:
            raise RuntimeError("the invoice page could not be built")
        return real(uow, message, text)

    monkeypatch.setattr(preparation, "attachments_for", attachments)
    report = send_due(uow, channels_for(settings), settings)

    assert (report.sent, report.failed) == (1, 1)
    rows = _statuses(uow)
    assert rows[healthy][0] == "sent"
    assert rows[broken][0] == "failed"
    assert "RuntimeError: the invoice page could not be built" in (rows[broken][2] or "")


def test_issue10_4_a_crash_on_the_last_attempt_fails_the_message(
    uow: UnitOfWork, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(settings, outbox_max_attempts=1)
    message_id = queue(uow, "crash", channel="sms")
    channels = channels_for(settings)

    def crash(_message: Any) -> str:
        raise KeyError("a bug in a channel")

    monkeypatch.setattr(channels["sms"], "send", crash)
    report = send_due(uow, channels, settings)

    assert report.failed == 1
    status, attempts, reason = _statuses(uow)[message_id]
    assert (status, attempts) == ("failed", 1)
    assert reason is not None and "gave up after 1 attempts" in reason and "KeyError" in reason


def test_issue10_4_a_message_whose_workers_keep_dying_is_failed_past_the_limit(
    uow: UnitOfWork, settings: Settings
) -> None:
    settings = replace(settings, outbox_max_attempts=1)
    message_id = queue(uow, "dies", channel="sms")
    assert len(claim_due(uow, limit=10, lease_seconds=60)) == 1  # the worker then dies
    with time_machine.travel(clock.now() + timedelta(seconds=61), tick=False):
        report = send_due(uow, channels_for(settings), settings)

    assert report.failed == 1
    status, attempts, reason = _statuses(uow)[message_id]
    assert status == "failed" and attempts == 2
    assert reason is not None and "gave up" in reason
    assert _sent_files(settings, "sms") == []


def test_issue10_3_texts_are_rendered_while_the_database_is_free_for_requests(
    uow: UnitOfWork, settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a transaction holds the write lock: a slow text must not hold it."""
    queue(uow, "free", channel="sms")
    writable = []
    real = preparation.render_text

    def render(**kwargs: Any) -> Any:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout=100")
            else:
                connection.exec_driver_sql("SET lock_timeout = '100ms'")
            try:  # what a request's write does first: take the write lock
                connection.exec_driver_sql("UPDATE outbox_message SET attempts = attempts")
                writable.append(True)
            except OperationalError:
                writable.append(False)
            connection.rollback()
        return real(**kwargs)

    monkeypatch.setattr(preparation, "render_text", render)
    assert send_due(uow, channels_for(settings), settings).sent == 1
    assert writable == [True]
