"""Celery tasks: thin wrappers that open a unit of work and call a service (STYLE)."""

from __future__ import annotations

import logging
import time

from engine import clock
from engine.services.followups import process_followups as run_followups
from engine.services.timers import run_due_timers
from notifications.celery_app import app
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
def process_followups() -> int:
    """Process the follow-ups due today, in the business's time zone (F3); return how
    many actions were taken (a count, so a result backend can carry it)."""
    return len(run_followups(runtime().uow(), on=clock.business_today(), dry_run=False))
