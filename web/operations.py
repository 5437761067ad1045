"""Probes and figures for whoever runs Cartable (issue 17 §2, docs/operations.md).

- ``/healthz``: the process answers (no database, no login): a liveness probe.
- ``/readyz``: the database answers, its schema is current, the broker (when configured)
  is reachable; 503 naming the failed check otherwise. No login: a readiness probe.
- ``/metrics``: Prometheus's text format, only with CARTABLE_METRICS=1 (404 otherwise),
  and only to ``Authorization: Bearer <CARTABLE_METRICS_TOKEN>`` when that is set.
  Request latency by route, method and status (one histogram over every gunicorn
  worker: prometheus_client's multiprocess mode), and, read from the database at each
  scrape, open tasks by cartable, the outbox by status, its depth and the age of its
  oldest waiting message, and the lag of the oldest due timer.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, g, jsonify, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from engine.config import shared_metrics_dir
from engine.services.setup import operational_figures, readiness
from web.context import cartable, new_uow

bp = Blueprint("operations", __name__)

# The app's own registry: a test process builds many apps, and each would register the
# histogram again in the library's global one.
_REGISTRY = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "cartable_http_request_duration_seconds",
    "Time to answer an HTTP request, by route (its URL rule), method and status.",
    ("route", "method", "status"),
    registry=_REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
_UNMATCHED = "<unmatched>"  # a 404's raw path would make a series per typo


def init_app(app: Flask) -> None:
    """Serve the probes; time every request when metrics are on."""
    app.register_blueprint(bp)
    if app.extensions["cartable"].settings.metrics:
        app.before_request(_start_timer)
        app.after_request(_observe)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    found = readiness(new_uow(), broker_url=cartable().settings.broker_url)
    checks = {name: {"ok": c.ok, "detail": c.detail} for name, c in found.checks.items()}
    return jsonify(ready=found.ready, checks=checks), 200 if found.ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    config = cartable().settings
    if not config.metrics:
        abort(404)
    if config.metrics_token and not _bearer_is(config.metrics_token):
        return Response("a bearer token is required\n", 401, {"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry()
    if shared_metrics_dir() is not None:
        multiprocess.MultiProcessCollector(registry)  # every worker's requests
    else:
        registry.register(_ThisProcess())
    registry.register(_Waiting())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def forget_worker(pid: int) -> None:
    """Drop a dead worker's live gauges (gunicorn's child_exit; multiprocess mode)."""
    multiprocess.mark_process_dead(pid)


def _bearer_is(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else _UNMATCHED
        REQUEST_SECONDS.labels(rule, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


class _ThisProcess(Collector):
    """The request histogram of this process (the development server, tests)."""

    def collect(self) -> Iterator[Metric]:
        yield from _REGISTRY.collect()


class _Waiting(Collector):
    """What waits in the database, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        figures = operational_figures(new_uow())
        tasks = GaugeMetricFamily(
            "cartable_open_tasks", "Open tasks in each cartable (lane).", labels=("lane",)
        )
        for lane, count in sorted(figures.open_tasks.items()):
            tasks.add_metric((lane,), count)
        yield tasks
        messages = GaugeMetricFamily(
            "cartable_outbox_messages", "Outbox messages by delivery status.", labels=("status",)
        )
        for status, count in sorted(figures.messages.items()):
            messages.add_metric((status,), count)
        yield messages
        yield GaugeMetricFamily(
            "cartable_outbox_queue_depth",
            "Messages not yet out (queued or being sent).",
            value=figures.queue_depth,
        )
        yield GaugeMetricFamily(
            "cartable_outbox_oldest_waiting_seconds",
            "Age of the oldest message not yet out (0: none waits).",
            value=figures.oldest_waiting_seconds,
        )
        yield GaugeMetricFamily(
            "cartable_timer_lag_seconds",
            "How late the oldest due timer of a running process is (0: none is late).",
            value=figures.timer_lag_seconds,
        )
