"""Browser fixtures: the app served on 127.0.0.1 (port 0) over a fresh database copy, and
Debian's chromium driven by Playwright (no browser download; scripts/system-packages.sh)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from engine.config import Settings
from web import create_app

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium tries to reach Google at start-up,
# which this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve(database_url: str, data_dir: Path) -> Iterator[str]:
    """Serve the app in a thread on an ephemeral port; yield its base URL."""
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="browser-test")
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["cartable"].engine.dispose()


@pytest.fixture
def base_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a server on this test's own database copy."""
    yield from serve(database_url, tmp_path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return Debian's chromium under Playwright, shared by the session's tests."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-packages.sh (make browser)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, base_url: str) -> Iterator[object]:
    """Return a factory of pages, each its own session (one per user)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, username: str) -> None:
    """Sign in through the login form (password = user name in the demo data)."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", username)
    page.locator("form[action$='/login'] button[type=submit]").click()
    page.wait_for_url("**/cartable")
