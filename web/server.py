"""The production WSGI server of `cartable serve`: gunicorn, run from Python (issue 11 §4).

Worker processes and threads come from Settings (CARTABLE_WEB_WORKERS x
CARTABLE_WEB_THREADS, default 2 x 4), bound to CARTABLE_HOST:CARTABLE_PORT. The master
builds the app once before it listens (preload: the port answers only when the app is
ready, and workers fork in milliseconds); each worker drops the pooled connections it
inherited and opens its own (SQLAlchemy's recipe for forks).

Outbox delivery (E8, docs/notifications.md): with a broker, every worker's commits nudge
Celery as before. Without one (the embedded default) exactly one dispatcher runs, a
thread of the gunicorn master, which outlives every worker; the workers' commits wake it
through a pipe made before the fork, so committed messages still go out at once.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from sqlalchemy.pool import NullPool

from engine.config import Settings, share_metrics_between_processes
from engine.db import make_engine, make_session_factory
from notifications.dispatch import (
    InProcessDispatcher,
    WakePipe,
    install_commit_hook,
    start_dispatch,
)
from web import create_app
from web.logs import json_log_config

GRACEFUL_SECONDS = 10  # a stop lets requests in flight finish for this long


class CartableServer(BaseApplication):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn serving ``create_app(settings)``; ``run()`` blocks until stopped."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.metrics:  # before the app (and prometheus_client) is loaded
            share_metrics_between_processes(settings)
        self.wake_pipe = None if settings.broker_url else WakePipe()
        self.dispatcher: InProcessDispatcher | None = None
        self.app: Flask | None = None
        super().__init__()

    def load_config(self) -> None:
        host = self.settings.host
        bind = f"[{host}]:{self.settings.port}" if ":" in host else f"{host}:{self.settings.port}"
        options: dict[str, Any] = {
            "bind": [bind],
            "workers": self.settings.web_workers,
            "threads": self.settings.web_threads,
            "worker_class": "gthread",
            "timeout": 120,  # a PDF or an export may take a while; a hung worker not forever
            "graceful_timeout": GRACEFUL_SECONDS,
            "keepalive": 5,
            "accesslog": "-",
            "errorlog": "-",
            "preload_app": True,
            # Forwarded headers are believed in one place, ProxyFix behind
            # CARTABLE_TRUSTED_PROXIES (issue 10 #8, #10); gunicorn believes none itself.
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "proc_name": "cartable",
            "control_socket_disable": True,  # no socket in $HOME shared by every server
            "when_ready": self._when_ready,
            "post_fork": self._post_fork,
            "on_exit": self._on_exit,
            "child_exit": self._child_exit,
        }
        if self.settings.log_format == "json":
            options["logconfig_dict"] = json_log_config()
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """Build the app (in the master); wire its commits to whoever delivers the outbox."""
        app = self.app = create_app(self.settings)
        factory = app.extensions["cartable"].session_factory
        if self.wake_pipe is None:
            start_dispatch(factory, self.settings)  # a broker: Celery delivers (no thread)
        else:
            install_commit_hook(factory, self.wake_pipe.nudge)
        return app

    def _when_ready(self, _server: Any) -> None:
        # In the master, before the first fork: the one in-process dispatcher. NullPool:
        # no idle connection of the master's lingers for a forked worker to inherit.
        if self.wake_pipe is None:
            return
        engine = make_engine(self.settings.database_url, poolclass=NullPool)
        self.dispatcher = InProcessDispatcher(make_session_factory(engine), self.settings)
        self.dispatcher.start()
        self.wake_pipe.forward_to(self.dispatcher.wake)

    def _post_fork(self, _server: Any, _worker: Any) -> None:
        # A worker never runs the master's dispatcher (its thread did not survive the fork)
        # and never uses a connection of the master's pool: close=False leaves them open
        # for the master while this process forgets them.
        self.dispatcher = None
        if self.app is not None:
            self.app.extensions["cartable"].engine.dispose(close=False)

    def _child_exit(self, _server: Any, worker: Any) -> None:
        if self.settings.metrics:
            from web.operations import forget_worker  # loaded with the app, after the mode

            forget_worker(worker.pid)

    def _on_exit(self, _server: Any) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop()


def serve(settings: Settings) -> None:
    """Run gunicorn on ``settings`` until SIGTERM or SIGINT (a graceful stop)."""
    CartableServer(settings).run()
