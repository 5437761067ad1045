"""Real Celery workers on Redis and PostgreSQL: a worker killed with SIGKILL in the middle
of a batch and restarted leaves every message sent exactly once (C4, E5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine, func, select

from engine import clock
from engine.config import Settings
from engine.db import make_session_factory
from engine.models.outbox import OutboxMessage
from engine.services.unit_of_work import UnitOfWork
from notifications.celery_app import app as celery_app
from notifications.dispatch import start_dispatch
from tests.fakes.fixtures import fake_sendgrid  # noqa: F401
from tests.fakes.recording import FakeProvider
from tests.fakes.sendgrid import FakeSendGrid
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    post_directly,
    posted_invoice,
)
from tests.notifications import support
from tests.notifications.support import stage

pytestmark = pytest.mark.postgres

REDIS = os.environ.get("CARTABLE_TEST_REDIS", "redis://127.0.0.1:6379/0")
MESSAGES = 120
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of this test's own, so parallel runs on the shared Redis never mix."""
    name = f"cartable-test-{uuid.uuid4().hex[:8]}"
    yield name
    with celery_app.connection_for_write(REDIS) as conn:
        conn.default_channel.queue_delete(name)
        client = conn.default_channel.client  # kombu leaves its binding keys
        client.delete(*client.keys(f"*{name}*") or ["-"])


def _worker(
    database_url: str, fake: FakeSendGrid, queue: str, tmp: Path
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CARTABLE_DATABASE_URL": database_url,
        "CARTABLE_BROKER_URL": REDIS,
        "CARTABLE_CELERY_QUEUE": queue,
        "CARTABLE_DATA_DIR": str(tmp),
        "CARTABLE_SECRET_KEY": "test",
        "CARTABLE_EMAIL_BACKEND": "sendgrid",
        "CARTABLE_SENDGRID_API_KEY": "SG.test",
        "CARTABLE_SENDGRID_HOST": fake.url,
        "CARTABLE_PROVIDER_TIMEOUT_SECONDS": "1",
        "CARTABLE_OUTBOX_LEASE_SECONDS": "2",
    }
    command = [sys.executable, "-m", "celery", "-A", "notifications.celery_app", "worker"]
    command += ["--concurrency=2", "--pool=prefork", "--loglevel=WARNING", "-Q", queue]
    # Its own session: SIGKILL to the group takes the pool children down with the parent,
    # as when a machine dies; no orphan keeps sending.
    with (tmp / "worker.log").open("ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def _nudge(queue: str, times: int = 2) -> None:
    with celery_app.connection_for_write(REDIS) as conn:
        for _ in range(times):
            celery_app.send_task(
                "notifications.tasks.deliver_due",
                kwargs={"batch": 10},
                queue=queue,
                connection=conn,
            )


def _sent(uow: UnitOfWork) -> int:
    with uow:
        stmt = select(func.count()).where(OutboxMessage.status == "sent")
        return int(uow.session.scalar(stmt) or 0)


def test_sigkill_mid_batch_then_restart_sends_each_message_once(
    uow: UnitOfWork,
    database_url: str,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    queue: str,
    tmp_path: Path,
) -> None:
    with uow:
        for i in range(MESSAGES):
            stage(uow, f"kill-{i}", recipient=f"customer{i}@example.com")
        uow.commit()
    fake_sendgrid.delay_seconds = 0.02  # a batch of 120 lasts over a second
    worker = _worker(database_url, fake_sendgrid, queue, tmp_path)
    try:
        _nudge(queue)
        assert FakeProvider.wait_for(lambda: len(fake_sendgrid.accepted_keys()) >= 30, 30)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        killed_at = len(fake_sendgrid.accepted_keys())
        assert killed_at < MESSAGES, "the batch finished before the kill"
        with uow:
            stmt = select(func.count()).where(OutboxMessage.status == "sending")
            interrupted = int(uow.session.scalar(stmt) or 0)
        assert interrupted > 0, "no claim was in flight at the kill"
        worker = _worker(database_url, fake_sendgrid, queue, tmp_path)
        deadline = time.monotonic() + 40
        while _sent(uow) < MESSAGES and time.monotonic() < deadline:
            _nudge(queue, 1)  # what beat's sweep does every few seconds
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert _sent(uow) == MESSAGES, log[-3000:]
    accepted = fake_sendgrid.accepted_keys()
    assert set(accepted) == {f"kill-{i}" for i in range(MESSAGES)}
    assert max(accepted.values()) == 1, {k: n for k, n in accepted.items() if n > 1}
    # Recovery asked SendGrid's activity API about the interrupted claims before resending.
    lookups = [r for r in fake_sendgrid.requests if r.path == "/v3/messages"]
    assert len(lookups) >= interrupted


def test_commit_nudges_a_celery_worker_without_waiting_for_beat(
    engine: Engine,
    database_url: str,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    queue: str,
    tmp_path: Path,
) -> None:
    factory = make_session_factory(engine)
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test",
        broker_url=REDIS,
        celery_queue=queue,
    )
    assert start_dispatch(factory, settings) is None  # with a broker: no thread here
    worker = _worker(database_url, fake_sendgrid, queue, tmp_path)
    try:
        uow = UnitOfWork(factory)
        support.queue(uow, "nudged")  # the commit publishes deliver_due; nobody else does
        assert FakeProvider.wait_for(lambda: fake_sendgrid.accepted_keys() == {"nudged": 1}, 40)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)


def test_daily_followup_task_fans_out_to_shards_in_a_real_worker(
    uow: UnitOfWork,
    ids: dict[str, int],
    database_url: str,
    fake_sendgrid: FakeSendGrid,  # noqa: F811
    queue: str,
    tmp_path: Path,
) -> None:
    """Beat's daily entry (F3): one task restarts stopped follow-ups and publishes a task
    per shard; together they email every customer whose +7 level is due today, once."""
    today = clock.business_today()  # the worker runs on the real clock
    post_directly(uow, ids)
    with time_machine.travel(at(today - timedelta(days=37)), tick=False):
        contacts = [customer(uow, ids, f"مشتری {n}", email=f"c{n}@example.com") for n in range(5)]
        for contact_id in contacts:
            posted_invoice(uow, ids, contact_id, today - timedelta(days=7))
    worker = _worker(database_url, fake_sendgrid, queue, tmp_path)
    try:
        with celery_app.connection_for_write(REDIS) as conn:
            celery_app.send_task(
                "notifications.tasks.process_followups", queue=queue, connection=conn
            )
        emailed = lambda: {  # noqa: E731
            m.recipient for m in messages(uow) if m.channel == "email" and m.status == "sent"
        }
        deadline = time.monotonic() + 60
        while len(emailed()) < len(contacts) and time.monotonic() < deadline:
            _nudge(queue, 1)
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert emailed() == {f"c{n}@example.com" for n in range(5)}, log[-3000:]
    keys = [m.idempotency_key for m in messages(uow)]
    assert len(keys) == len(set(keys))
    assert max(fake_sendgrid.accepted_keys().values()) == 1
