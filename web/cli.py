"""The `cartable` command: database upgrade, demo data, serve, users, timers."""

from __future__ import annotations

import logging
import sys

import click
from werkzeug.serving import run_simple

from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.domain.errors import CartableError
from engine.migrate import upgrade
from engine.services.bootstrap import ensure_defaults
from engine.services.demo import DEMO_USERS, load_demo
from engine.services.timers import run_due_timers
from engine.services.unit_of_work import UnitOfWork
from engine.services.users import create_user
from web import create_app


def _uow(settings: Settings) -> UnitOfWork:
    return UnitOfWork(make_session_factory(make_engine(settings.database_url)))


@click.group()
def main() -> None:
    """Cartable: BPMN-driven quote-to-cash approvals."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema and create the defaults."""
    settings = Settings.from_env()
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
    loaded = load_demo(_uow(Settings.from_env()))
    click.echo("demo data loaded" if loaded else "demo data already present")
    _print_logins()


@main.command()
def serve() -> None:
    """Serve the web app and API on CARTABLE_HOST:CARTABLE_PORT (default 127.0.0.1:8000)."""
    settings = Settings.from_env()
    url = f"http://{settings.host}:{settings.port}"
    click.echo(f"Cartable on {url}/  (API: {url}/api/v1, OpenAPI: {url}/api/openapi.json)")
    run_simple(
        settings.host, settings.port, create_app(settings), threaded=True, use_reloader=False
    )


@main.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Upgrade, load the demo once and serve: what `make run` does."""
    ctx.invoke(db_upgrade)
    ctx.invoke(demo_load)
    ctx.invoke(serve)


@main.group()
def users() -> None:
    """User commands."""


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role", "roles", multiple=True, required=True, help="admin, approver, numberer, clerk, ..."
)
@click.option("--full-name", default="")
def users_create(username: str, password: str, roles: tuple[str, ...], full_name: str) -> None:
    """Create a user with one or more roles."""
    try:
        user_id = create_user(
            _uow(Settings.from_env()),
            username=username,
            password=password,
            roles=roles,
            full_name=full_name,
        )
    except CartableError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    click.echo(f"user {username} created (id {user_id})")


@main.group()
def timers() -> None:
    """BPMN timer commands."""


@timers.command("run")
def timers_run() -> None:
    """Fire the BPMN timers that are due now (beat runs this on a schedule)."""
    fired = run_due_timers(_uow(Settings.from_env()))
    click.echo(f"{fired} instance(s) advanced")


def _print_logins() -> None:
    click.echo("demo logins (password = user name): " + ", ".join(u for u, _, _ in DEMO_USERS))
