"""The Celery app: broker, reliability options and the beat schedule (C4, ARCH §5, §7).

Only builds and configures the app (STYLE: celery anchor); the tasks live in
notifications.tasks. With no CARTABLE_BROKER_URL (the embedded default, E8) nothing here
runs: `cartable serve` dispatches committed messages in process instead
(notifications.dispatch) and `cartable outbox send` sends what is due once.
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab

from engine.config import Settings

# Read at import (`celery -A notifications.celery_app` imports this module first); no
# secret is needed here, so none is made (the tasks' runtime reads the full Settings).
_SETTINGS = Settings.from_env(dev_secret=False)
BROKER_URL = _SETTINGS.broker_url or "memory://"
QUEUE = _SETTINGS.celery_queue
SWEEP_SECONDS = _SETTINGS.outbox_sweep_seconds
# The daily follow-up pass is split into this many tasks (customers by id modulo N).
FOLLOWUP_SHARDS = _SETTINGS.followup_shards

app = Celery("cartable", broker=BROKER_URL, include=["notifications.tasks"])
app.conf.update(
    # A task is acknowledged after it ran, so a killed worker's task is delivered again;
    # safe because every task is idempotent (outbox leases and keys, timers per instance).
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_default_queue=QUEUE,
    task_serializer="json",
    accept_content=["json"],
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    timezone=_SETTINGS.timezone,
    enable_utc=True,
    beat_schedule={
        # The safety net under the after-commit nudge: retries, leases run out, rows
        # committed by processes that could not nudge.
        "outbox-sweep": {"task": "notifications.tasks.deliver_due", "schedule": SWEEP_SECONDS},
        "bpmn-timers": {"task": "notifications.tasks.run_timers", "schedule": 60.0},
        # Business morning in CARTABLE_TIMEZONE: follow-ups of the day (F3, issue #5).
        "followups-daily": {
            "task": "notifications.tasks.process_followups",
            "schedule": crontab(hour=7, minute=0),
        },
    },
)
