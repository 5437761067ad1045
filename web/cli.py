"""The `cartable` command: database upgrade, demo data, serve, users, timers."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from datetime import date, datetime

import click
from werkzeug.serving import run_simple

from engine import clock, configure
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.domain import bounds
from engine.domain.errors import CartableError
from engine.migrate import upgrade
from engine.services.followups import process_followups
from engine.services.processes import run_due_timers
from engine.services.setup import DEMO_USERS, ensure_defaults, load_demo
from engine.services.unit_of_work import UnitOfWork
from engine.services.users import create_user, set_password
from notifications.celery_app import app as celery_app
from notifications.channels import channels_for
from notifications.dispatch import start_dispatch
from notifications.outbox import send_due
from web import create_app
from web.logs import configure_logging
from web.server import serve as serve_production


def _settings() -> Settings:
    """Read the settings and apply the process-wide ones (zone, seller) once."""
    settings = Settings.from_env()
    configure.apply(settings)
    return settings


def _uow(settings: Settings) -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(settings.database_url)))


@click.group()
def main() -> None:
    """Cartable: BPMN-driven quote-to-cash approvals."""
    configure_logging(Settings.from_env(dev_secret=False).log_format)


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema and create the defaults."""
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(make_engine(settings.database_url))
    ensure_defaults(_uow(settings))
    click.echo(f"database ready: {make_engine(settings.database_url).url.render_as_string()}")


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("load")
def demo_load() -> None:
    """Load the demo users, contacts and products (once)."""
    loaded = load_demo(_uow(_settings()))
    click.echo("demo data loaded" if loaded else "demo data already present")
    _print_logins()


@main.command()
@click.option("--dev", is_flag=True, help="Werkzeug's development server (one process)")
def serve(dev: bool) -> None:
    """Serve the web app and API on CARTABLE_HOST:CARTABLE_PORT (default 127.0.0.1:8000).

    gunicorn with CARTABLE_WEB_WORKERS processes of CARTABLE_WEB_THREADS threads each
    (web/server.py); --dev runs the development server instead.
    """
    settings = _settings()
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    url = f"http://{host}:{settings.port}"
    click.echo(f"Cartable on {url}/  (API: {url}/api/v1, OpenAPI: {url}/api/openapi.json)")
    if not dev:
        serve_production(settings)
        return
    app = create_app(settings)
    # Committed outbox messages go out promptly: a Celery nudge with a broker, else a
    # thread of this process (E8, docs/notifications.md).
    start_dispatch(app.extensions["cartable"].session_factory, settings)
    run_simple(settings.host, settings.port, app, threaded=True, use_reloader=False)


@main.command()
@click.option("--dev", is_flag=True, help="serve with Werkzeug's development server")
@click.pass_context
def run(ctx: click.Context, dev: bool) -> None:
    """Upgrade, load the demo once and serve: what `make run` does."""
    ctx.invoke(db_upgrade)
    ctx.invoke(demo_load)
    ctx.invoke(serve, dev=dev)


@main.group()
def users() -> None:
    """User commands."""


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="role codes: admin, approver, numberer, clerk, ...",
)
@click.option("--full-name", default="")
@click.option("--email", default="", help="where customers' replies are forwarded")
def users_create(
    username: str, password: str, roles: tuple[str, ...], full_name: str, email: str
) -> None:
    """Create a user with one or more roles."""
    try:
        user_id = create_user(
            _uow(_settings()),
            username=username,
            password=password,
            roles=roles,
            full_name=full_name,
            email=email,
        )
    except CartableError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    click.echo(f"user {username} created (id {user_id})")


@users.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_set_password(username: str, password: str) -> None:
    """Set a user's password; their sessions and API tokens end (issue 10 #8)."""
    try:
        set_password(_uow(_settings()), username=username, new_password=password)
    except CartableError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    click.echo(f"password of {username} set; their sessions and API tokens ended")


@main.group()
def timers() -> None:
    """BPMN timer commands."""


@timers.command("run")
def timers_run() -> None:
    """Fire the BPMN timers that are due now (beat runs this on a schedule)."""
    fired = run_due_timers(_uow(_settings()))
    click.echo(f"{fired} instance(s) advanced")


@main.group()
def followups() -> None:
    """Overdue follow-up commands (SPEC F1-F8)."""


@followups.command("run")
@click.option(
    "--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="default: today"
)
@click.option("--dry-run", is_flag=True, help="print what would go out as JSON; change nothing")
@click.option("--shard", default="0/1", help="I/N: only customers whose id is I modulo N")
def followups_run(on: datetime | None, dry_run: bool, shard: str) -> None:
    """Process the follow-ups due on a date (Celery beat runs this daily)."""
    settings = _settings()  # before today: the business's zone is a setting
    day: date = on.date() if on is not None else clock.business_today()
    if not bounds.DATE_MIN <= day <= bounds.DATE_MAX:  # issue 10 #9: one date range
        click.echo(
            f"error: --date: must be between {bounds.DATE_MIN} and {bounds.DATE_MAX}", err=True
        )
        sys.exit(2)
    index, _, count = shard.partition("/")
    if not re.fullmatch("[0-9]{1,9}/[0-9]{1,9}", shard):  # ASCII digits only (isdigit takes '²')
        click.echo("error: shard: write it as I/N, e.g. 0/2", err=True)
        sys.exit(2)
    engine = make_engine(settings.database_url)
    try:
        uow = UnitOfWork(make_session_factory(engine))
        sent = process_followups(uow, on=day, dry_run=dry_run, shard=(int(index), int(count)))
    except CartableError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    if dry_run:
        keys = ("customer", "contact_id", "invoice_numbers", "level", "level_id", "channel")
        rows = [{k: asdict(m)[k] for k in (*keys, "recipient")} for m in sent]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(sent)} follow-up message(s) queued for {day.isoformat()}")


@main.group()
def outbox() -> None:
    """Outbox (email, SMS, letter) commands (C4, E5)."""


@outbox.command("send")
@click.option("--batch", default=50, show_default=True, help="messages claimed at a time")
def outbox_send(batch: int) -> None:
    """Send every message due now, in this process, once (no broker needed)."""
    settings = _settings()
    report = send_due(_uow(settings), channels_for(settings), settings, batch=batch)
    click.echo(
        f"sent {report.sent}, recovered {report.recovered}, retry later {report.retried}, "
        f"failed {report.failed}, skipped {report.skipped}"
    )


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--beat", is_flag=True, help="also run the beat scheduler (one per deployment)")
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def worker(beat: bool, celery_args: tuple[str, ...]) -> None:
    """Start a Celery worker on CARTABLE_BROKER_URL (extra arguments go to celery)."""
    _require_broker()
    argv = ["worker", "--loglevel=INFO", *(["--beat"] if beat else []), *celery_args]
    celery_app.worker_main(argv)


@main.command()
def beat() -> None:
    """Start the Celery beat scheduler: outbox sweep, BPMN timers, daily follow-ups."""
    _require_broker()
    celery_app.start(["beat", "--loglevel=INFO"])


def _require_broker() -> None:
    if not _settings().broker_url:
        click.echo(
            "error: set CARTABLE_BROKER_URL (redis://... or amqp://...); without a broker "
            "`cartable serve` sends in process and `cartable outbox send` sends once",
            err=True,
        )
        sys.exit(2)


def _print_logins() -> None:
    click.echo("demo logins (password = user name): " + ", ".join(u for u, _, _ in DEMO_USERS))
