"""Settings read from the environment (every name starts with CARTABLE_).

The one module that reads ``os.environ`` (issue 11 §1; ``make lint`` bans it elsewhere):
the rest of the code gets a :class:`Settings`, or, for the business time zone and the
printed seller, the process-wide values ``engine.configure.apply`` sets from one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine import clock
from engine.domain.errors import ValidationFailed
from engine.domain.replies import ReplyAddresses


@dataclass(frozen=True)
class Settings:
    """Typed settings; build them with :meth:`from_env`."""

    data_dir: Path
    database_url: str
    secret_key: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    broker_url: str | None = field(default=None, repr=False)  # may hold a password
    default_locale: str = "fa"
    token_ttl_hours: int = 24 * 30
    # Served over HTTPS (directly or behind a TLS proxy): Secure cookies and HSTS
    # (issue 10 #8, #10). Off for the embedded http://127.0.0.1 run.
    https: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
    # (Werkzeug ProxyFix); 0 = none, the peer address is the client's (login throttle).
    trusted_proxies: int = 0
    # Notifications (SPEC C4, E5; docs/notifications.md). Secrets are kept out of repr
    # so a logged Settings never shows them.
    email_backend: str = "file"  # sendgrid | smtp | file
    sms_backend: str = "file"  # twilio | file
    mail_from: str = "cartable@localhost"
    sendgrid_api_key: str | None = field(default=None, repr=False)
    sendgrid_host: str = "https://api.sendgrid.com"
    sendgrid_webhook_public_key: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = field(default=None, repr=False)
    twilio_from: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = False
    # The address providers reach the webhooks at (Twilio status callbacks).
    public_url: str | None = None
    provider_timeout_seconds: float = 10.0
    outbox_lease_seconds: int = 120
    outbox_max_attempts: int = 8
    outbox_retry_base_seconds: int = 30
    celery_queue: str = "cartable"
    # Replies to emails about documents (F1 followers, F7): the domain of the
    # reply+<id>.<sig>@ addresses, and the token the inbound-email webhook requires.
    reply_domain: str | None = None
    inbound_token: str | None = field(default=None, repr=False)
    # Request and diagram bounds (issue 10 #5, docs/security.md): a request body over
    # max_request_bytes is a 413; a diagram over either diagram limit a 422 on ``bpmn``.
    max_request_bytes: int = 4 * 1024 * 1024
    max_diagram_bytes: int = 2 * 1024 * 1024
    max_diagram_elements: int = 10_000
    # The business's time zone: calendar dates (due dates, follow-ups) and shown times.
    timezone: str = clock.DEFAULT_ZONE
    # The production server (gunicorn, web/server.py): worker processes x threads each.
    # Two processes of four threads suit the embedded SQLite default, whose writers take
    # the database lock at BEGIN IMMEDIATE one at a time (docs/decisions.md).
    web_workers: int = 2
    web_threads: int = 4
    # The seller printed on invoices and statements (I9, F9).
    company_name: str = "Cartable"
    company_address: str = ""
    company_phone: str = ""
    company_tax_id: str = ""
    # Celery beat: the outbox sweep's period and the daily follow-up pass's task count.
    outbox_sweep_seconds: float = 10.0
    followup_shards: int = 4
    # Operations (issue 17 §2, docs/operations.md): /metrics in Prometheus's format is
    # served only when asked for, and then only to a bearer of the token when one is set;
    # logs are text lines or, for a collector, one JSON object a line.
    metrics: bool = False
    metrics_token: str | None = field(default=None, repr=False)
    log_format: str = "text"  # text | json

    def reply_addresses(self) -> ReplyAddresses | None:
        """Return the reply address maker, or None when CARTABLE_REPLY_DOMAIN is unset."""
        if not self.reply_domain:
            return None
        return ReplyAddresses(domain=self.reply_domain, secret=self.secret_key)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, dev_secret: bool = True
    ) -> Settings:
        """Read CARTABLE_* variables; the embedded default is SQLite under ./var.

        ``dev_secret=False`` leaves an unset CARTABLE_SECRET_KEY empty instead of making
        the data dir's key: for reading options at import time (the Celery app), never for
        signing anything.
        """
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("CARTABLE_DATA_DIR", "var")).resolve()
        database_url = env.get("CARTABLE_DATABASE_URL") or f"sqlite:///{data_dir / 'cartable.db'}"
        port_text = env.get("CARTABLE_PORT", "8000")
        if not port_text.isdigit():
            raise ValidationFailed.single("CARTABLE_PORT", "must be a port number")
        host = env.get("CARTABLE_HOST", "127.0.0.1")
        proxies = env.get("CARTABLE_TRUSTED_PROXIES", "0")
        if not proxies.isdigit() or int(proxies) > 10:
            raise ValidationFailed.single("CARTABLE_TRUSTED_PROXIES", "must be a number 0-10")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=env.get("CARTABLE_SECRET_KEY")
            or (_dev_secret(data_dir) if dev_secret else ""),
            host=host,
            https=_https(env, host),
            trusted_proxies=int(proxies),
            port=int(port_text),
            broker_url=env.get("CARTABLE_BROKER_URL") or None,
            default_locale=env.get("CARTABLE_DEFAULT_LOCALE", "fa"),
            token_ttl_hours=int(env.get("CARTABLE_TOKEN_TTL_HOURS", str(24 * 30))),
            **_notification_settings(env),
            **_limit_settings(env),
            **_process_settings(env),
            **_operations_settings(env),
        )


_BACKENDS = {
    "CARTABLE_EMAIL_BACKEND": ("sendgrid", "smtp", "file"),
    "CARTABLE_SMS_BACKEND": ("twilio", "file"),
}


def _notification_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Read the CARTABLE_* variables of the notification workers (C4)."""
    for name, allowed in _BACKENDS.items():
        if env.get(name, "file") not in allowed:
            raise ValidationFailed.single(name, f"must be one of {', '.join(allowed)}")
    numbers = {
        "CARTABLE_SMTP_PORT": "25",
        "CARTABLE_OUTBOX_LEASE_SECONDS": "120",
        "CARTABLE_OUTBOX_MAX_ATTEMPTS": "8",
        "CARTABLE_OUTBOX_RETRY_BASE_SECONDS": "30",
    }
    for name, default in numbers.items():
        if not env.get(name, default).isdigit():
            raise ValidationFailed.single(name, "must be a whole number")
    return {
        "email_backend": env.get("CARTABLE_EMAIL_BACKEND", "file"),
        "sms_backend": env.get("CARTABLE_SMS_BACKEND", "file"),
        "mail_from": env.get("CARTABLE_MAIL_FROM", "cartable@localhost"),
        "sendgrid_api_key": env.get("CARTABLE_SENDGRID_API_KEY") or None,
        "sendgrid_host": env.get("CARTABLE_SENDGRID_HOST") or "https://api.sendgrid.com",
        "sendgrid_webhook_public_key": env.get("CARTABLE_SENDGRID_WEBHOOK_PUBLIC_KEY") or None,
        "twilio_account_sid": env.get("CARTABLE_TWILIO_ACCOUNT_SID") or None,
        "twilio_auth_token": env.get("CARTABLE_TWILIO_AUTH_TOKEN") or None,
        "twilio_from": env.get("CARTABLE_TWILIO_FROM") or None,
        "twilio_base_url": env.get("CARTABLE_TWILIO_BASE_URL") or "https://api.twilio.com",
        "smtp_host": env.get("CARTABLE_SMTP_HOST", "127.0.0.1"),
        "smtp_port": int(env.get("CARTABLE_SMTP_PORT", "25")),
        "smtp_user": env.get("CARTABLE_SMTP_USER") or None,
        "smtp_password": env.get("CARTABLE_SMTP_PASSWORD") or None,
        "smtp_starttls": env.get("CARTABLE_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        "public_url": env.get("CARTABLE_PUBLIC_URL") or None,
        "provider_timeout_seconds": float(env.get("CARTABLE_PROVIDER_TIMEOUT_SECONDS", "10")),
        "outbox_lease_seconds": int(env.get("CARTABLE_OUTBOX_LEASE_SECONDS", "120")),
        "outbox_max_attempts": int(env.get("CARTABLE_OUTBOX_MAX_ATTEMPTS", "8")),
        "outbox_retry_base_seconds": int(env.get("CARTABLE_OUTBOX_RETRY_BASE_SECONDS", "30")),
        "celery_queue": env.get("CARTABLE_CELERY_QUEUE", "cartable"),
        "reply_domain": env.get("CARTABLE_REPLY_DOMAIN") or None,
        "inbound_token": env.get("CARTABLE_INBOUND_TOKEN") or None,
    }


_LIMITS = {
    "CARTABLE_MAX_REQUEST_BYTES": ("max_request_bytes", 4 * 1024 * 1024),
    "CARTABLE_MAX_DIAGRAM_BYTES": ("max_diagram_bytes", 2 * 1024 * 1024),
    "CARTABLE_MAX_DIAGRAM_ELEMENTS": ("max_diagram_elements", 10_000),
}


def _limit_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Read the request and diagram limits (issue 10 #5); each a positive whole number."""
    limits: dict[str, Any] = {}
    for name, (attribute, default) in _LIMITS.items():
        text = env.get(name, str(default))
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise ValidationFailed.single(name, "must be a positive whole number")
        limits[attribute] = int(text)
    return limits


_COUNTS = {
    "CARTABLE_WEB_WORKERS": ("web_workers", 2),
    "CARTABLE_WEB_THREADS": ("web_threads", 4),
    "CARTABLE_FOLLOWUP_SHARDS": ("followup_shards", 4),
}


def _process_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Read the time zone, the server's size, the seller and the beat's periods (issue 11)."""
    values: dict[str, Any] = {}
    for name, (attribute, default) in _COUNTS.items():
        text = env.get(name) or str(default)
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 64:
            raise ValidationFailed.single(name, "must be a whole number from 1 to 64")
        values[attribute] = int(text)
    timezone = env.get("CARTABLE_TIMEZONE") or clock.DEFAULT_ZONE
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.single(
            "CARTABLE_TIMEZONE", "must be a time zone name such as Asia/Tehran"
        ) from None
    sweep = env.get("CARTABLE_OUTBOX_SWEEP_SECONDS") or "10"
    try:
        sweep_seconds = float(sweep)
    except ValueError:
        sweep_seconds = 0.0
    if not 0 < sweep_seconds <= 86_400:
        raise ValidationFailed.single(
            "CARTABLE_OUTBOX_SWEEP_SECONDS", "must be a number of seconds up to 86400"
        )
    return {
        **values,
        "timezone": timezone,
        "outbox_sweep_seconds": sweep_seconds,
        "company_name": env.get("CARTABLE_COMPANY_NAME", "Cartable"),
        "company_address": env.get("CARTABLE_COMPANY_ADDRESS", ""),
        "company_phone": env.get("CARTABLE_COMPANY_PHONE", ""),
        "company_tax_id": env.get("CARTABLE_COMPANY_TAX_ID", ""),
    }


def _operations_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Read CARTABLE_METRICS, CARTABLE_METRICS_TOKEN and CARTABLE_LOG_FORMAT (issue 17 §2)."""
    metrics = env.get("CARTABLE_METRICS", "0").lower()
    if metrics not in ("0", "1", "true", "false", "yes", "no", ""):
        raise ValidationFailed.single("CARTABLE_METRICS", "must be 1 or 0")
    log_format = env.get("CARTABLE_LOG_FORMAT") or "text"
    if log_format not in LOG_FORMATS:
        raise ValidationFailed.single("CARTABLE_LOG_FORMAT", "must be text or json")
    return {
        "metrics": metrics in ("1", "true", "yes"),
        "metrics_token": env.get("CARTABLE_METRICS_TOKEN") or None,
        "log_format": log_format,
    }


LOG_FORMATS = ("text", "json")


def share_metrics_between_processes(settings: Settings) -> Path:
    """Give every worker process one directory for its figures, emptied now.

    prometheus_client's multiprocess mode is switched on by PROMETHEUS_MULTIPROC_DIR, read
    when the library is first imported: the server sets it (here, the one module that
    touches ``os.environ``) before it builds the app and forks its workers.
    """
    directory = settings.data_dir / "metrics"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


def shared_metrics_dir() -> str | None:
    """Return the directory :func:`share_metrics_between_processes` set, if any."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def _https(env: Mapping[str, str], host: str) -> bool:
    """Read CARTABLE_HTTPS (CARTABLE_SECURE_COOKIES is its older name); unset, assume
    HTTPS unless the app listens on loopback only (the embedded run)."""
    value = env.get("CARTABLE_HTTPS", env.get("CARTABLE_SECURE_COOKIES"))
    if value is None or value == "":
        return host not in ("127.0.0.1", "localhost", "::1")
    if value.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValidationFailed.single("CARTABLE_HTTPS", "must be 1 or 0")
    return value.lower() in ("1", "true", "yes")


def _dev_secret(data_dir: Path) -> str:
    """Return a per-installation random key kept in the data dir (embedded default only).

    Production sets CARTABLE_SECRET_KEY; this keeps `make run` free of a key in the repo.
    """
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32).hex()
    path.write_text(key)
    path.chmod(0o600)
    return key
