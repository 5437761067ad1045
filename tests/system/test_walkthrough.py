"""The README's walkthrough works against a real `cartable run` (issue 3 "Done when")."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """Run `cartable run` (upgrade, demo data, serve) on a fresh data dir; yield the API URL."""
    port = free_port()
    env = {**os.environ, "CARTABLE_DATA_DIR": str(tmp_path), "CARTABLE_PORT": str(port)}
    env.pop("CARTABLE_DATABASE_URL", None)
    cartable = Path(sys.executable).with_name("cartable")
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(cartable), "run"], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/openapi.json", timeout=2)
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        yield f"{url}/api/v1"
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_the_readme_walkthrough_posts_one_invoice_through_both_cartables(served: str) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "docs" / "walkthrough.sh")],
        env={**os.environ, "API": served},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert '"total":"98100000"' in lines[0]
    assert lines[1:3] == ["awaiting_approval", "awaiting_numbering"]
    assert '"state":"posted"' in lines[3] and '"number":"INV-' in lines[3]
    assert lines[4:] == [
        "created",
        "submitted",
        "approved",
        "number_approved",
        "numbered",
        "posted",
    ]
