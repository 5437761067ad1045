"""Celery tasks: thin wrappers that open a unit of work and call a service (STYLE)."""

from __future__ import annotations

import logging
import time

from engine import clock
from engine.services.followups import process_followups as run_followups, restart_unfollowed
from engine.services.processes import run_due_timers
from notifications.celery_app import FOLLOWUP_SHARDS, app
from notifications.outbox import send_due
from notifications.runtime import runtime

logger = logging.getLogger(__name__)

# One task delivers for at most this long, then hands over to a fresh task, so a big
# backlog never pins a worker slot and a deploy can stop workers quickly.
TIME_BUDGET_SECONDS = 30.0


@app.task(name="notifications.tasks.deliver_due")  # type: ignore[untyped-decorator]  # celery is untyped
def deliver_due(batch: int = 25) -> dict[str, int]:
    """Send due outbox messages until none is due or the time budget is spent."""
    rt = runtime()
    started = time.monotonic()
    totals = {"sent": 0, "retried": 0, "failed": 0, "recovered": 0, "skipped": 0}
    while time.monotonic() - started < TIME_BUDGET_SECONDS:
        report = send_due(rt.uow(), rt.channels, rt.settings, batch=batch, max_batches=1)
        for name in totals:
            totals[name] += getattr(report, name)
        if report.handled + report.skipped == 0:
            return totals
    deliver_due.delay(batch)  # more is due: continue in a fresh task
    return totals


@app.task(name="notifications.tasks.run_timers")  # type: ignore[untyped-decorator]  # celery is untyped
def run_timers() -> int:
    """Fire due BPMN timers (ARCHITECTURE §5)."""
    return run_due_timers(runtime().uow())


@app.task(name="notifications.tasks.process_followups")  # type: ignore[untyped-decorator]  # celery is untyped
def process_followups(shard: int | None = None, shards: int | None = None) -> int:
    """Process the follow-ups due today, in the business's time zone (F3).

    Called without a shard (the daily beat entry) it first restarts the customers whose
    follow-up stopped, then hands the pass to ``FOLLOWUP_SHARDS`` tasks, one per shard of
    customers, so every worker process shares it. Returns how many actions this task
    took (a count, so a result backend can carry it).
    """
    rt = runtime()
    if shard is None:
        restart_unfollowed(rt.uow())
        count = shards or FOLLOWUP_SHARDS
        for index in range(count):
            process_followups.delay(index, count)
        return 0
    on = clock.business_today()
    done = run_followups(rt.uow(), on=on, shard=(shard, shards or 1), restart=False)
    return len(done)
