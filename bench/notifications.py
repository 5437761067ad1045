"""Delivery throughput of the notification workers (issue 5, C4, E5).

Method: a throwaway PostgreSQL database is created and migrated; fake SendGrid and
Twilio servers (tests/fakes, the same the tests use) listen on 127.0.0.1 in this
process; ``--messages`` outbox rows (half email, half SMS, Persian templates) are
committed; ``--workers`` Celery worker processes (``--concurrency`` pool processes each)
are started on Redis and given time to come up. The clock starts when the first
``deliver_due`` tasks are published and stops when every row is ``sent``. The real
sendgrid and twilio SDKs make every call over loopback HTTP. At the end the fakes'
records are checked: every idempotency key accepted exactly once (no loss, no duplicate).

Run: ``.venv/bin/python -m bench.notifications [--messages 3000] [--workers 2]``
(needs PostgreSQL and Redis on 127.0.0.1, as ``make services`` starts them).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.support import database
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models.outbox import OutboxMessage
from engine.services.messaging.outbox import enqueue_message
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.unit_of_work import UnitOfWork
from notifications.celery_app import app as celery_app
from tests.fakes.sendgrid import FakeSendGrid
from tests.fakes.twilio import FakeTwilio

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = {
    "customer": "علیرضا سامری",
    "invoices": [
        {"number": "INV-1405-0001", "due_date": "1405/08/01", "open_amount": "98,100,000"}
    ],
    "total_due": "98,100,000",
}


def enqueue(uow: UnitOfWork, count: int) -> None:
    """Commit ``count`` messages, alternating email and SMS."""
    with uow:
        for i in range(count):
            sms = i % 2 == 1
            enqueue_message(
                uow,
                channel="sms" if sms else "email",
                recipient=f"+98912{i:07d}" if sms else f"customer{i}@example.com",
                locale="fa",
                context=CONTEXT,
                idempotency_key=f"bench-{i}",
                template="overdue_notice",
            )
        uow.commit()


def start_worker(
    env: dict[str, str], queue: str, concurrency: int, log: Path
) -> subprocess.Popen[bytes]:
    """Start one Celery worker process in its own session."""
    command = [sys.executable, "-m", "celery", "-A", "notifications.celery_app", "worker"]
    command += [f"--concurrency={concurrency}", "--loglevel=INFO", "-Q", queue]
    command += ["-n", f"bench-{uuid.uuid4().hex[:6]}@%h"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=out
        )


def wait_ready(logs: list[Path], timeout: float = 60) -> None:
    """Wait until every worker logged that it is ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(" ready." in p.read_text(errors="replace") for p in logs):
            return
        time.sleep(0.2)
    raise RuntimeError("workers did not start: " + logs[0].read_text(errors="replace")[-2000:])


def count_sent(uow: UnitOfWork) -> int:
    with uow:
        stmt = select(func.count()).where(OutboxMessage.status == "sent")
        return int(uow.session.scalar(stmt) or 0)


def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWork(make_session_factory(engine))
    ensure_defaults(uow)
    enqueue(uow, args.messages)
    sendgrid, twilio = FakeSendGrid().start(), FakeTwilio().start()
    queue = f"cartable-bench-{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix="cartable-bench-"))
    env = {
        **os.environ,
        "CARTABLE_DATABASE_URL": url,
        "CARTABLE_BROKER_URL": args.redis,
        "CARTABLE_CELERY_QUEUE": queue,
        "CARTABLE_DATA_DIR": str(tmp),
        "CARTABLE_SECRET_KEY": "bench",
        "CARTABLE_EMAIL_BACKEND": "sendgrid",
        "CARTABLE_SENDGRID_API_KEY": "SG.bench",
        "CARTABLE_SENDGRID_HOST": sendgrid.url,
        "CARTABLE_SMS_BACKEND": "twilio",
        "CARTABLE_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "CARTABLE_TWILIO_AUTH_TOKEN": "bench",
        "CARTABLE_TWILIO_FROM": "+15005550006",
        "CARTABLE_TWILIO_BASE_URL": twilio.url,
        "CARTABLE_PUBLIC_URL": "https://cartable.example.com",
    }
    logs = [tmp / f"worker{n}.log" for n in range(args.workers)]
    workers = [start_worker(env, queue, args.concurrency, log) for log in logs]
    try:
        wait_ready(logs)
        started = time.perf_counter()
        with celery_app.connection_for_write(args.redis) as conn:
            for _ in range(args.workers * args.concurrency):
                celery_app.send_task(
                    "notifications.tasks.deliver_due",
                    kwargs={"batch": args.batch},
                    queue=queue,
                    connection=conn,
                )
        while count_sent(uow) < args.messages:
            if time.perf_counter() - started > args.timeout:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
        with celery_app.connection_for_write(args.redis) as conn:
            conn.default_channel.queue_delete(queue)
            client = conn.default_channel.client  # kombu leaves its binding keys
            client.delete(*client.keys(f"*{queue}*") or ["-"])
        sendgrid.stop()
        twilio.stop()
        engine.dispose()
    accepted = sendgrid.accepted_keys() + twilio.accepted_keys()
    expected = {f"bench-{i}" for i in range(args.messages)}
    sent = len(set(accepted) & expected)
    return {
        "messages": args.messages,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(sent / elapsed, 1),
        "lost": len(expected - set(accepted)),
        "duplicates": sum(n - 1 for n in accepted.values() if n > 1),
        "http_requests": len(sendgrid.sends()) + len(twilio.sends()),
        "by_channel": dict(Counter("sms" if k and int(k[6:]) % 2 else "email" for k in accepted)),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--redis", default=os.environ.get("CARTABLE_BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sqlite = False  # two worker processes need a server database
    with database(args) as url:
        result = run(args, url)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
