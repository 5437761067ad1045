"""Probes and metrics of a real `cartable run` under gunicorn (issue 17 §2).

Two worker processes answer the requests; /metrics must count every one of them
whichever worker answers the scrape (prometheus_client's multiprocess mode), and with
CARTABLE_LOG_FORMAT=json every line the server logs is one JSON object.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system.test_walkthrough import free_port

TOKEN = "scrape-token"
PROBES = 24


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = {
        **os.environ,
        "CARTABLE_DATA_DIR": str(tmp_path),
        "CARTABLE_PORT": str(port),
        "CARTABLE_WEB_WORKERS": "2",
        "CARTABLE_WEB_THREADS": "1",
        "CARTABLE_METRICS": "1",
        "CARTABLE_METRICS_TOKEN": TOKEN,
        "CARTABLE_LOG_FORMAT": "json",
    }
    env.pop("CARTABLE_DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("cartable")), "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        yield url, log_path
    finally:
        server.terminate()
        server.wait(timeout=20)


def _scrape(url: str) -> str:
    request = urllib.request.Request(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.read().decode())


def _healthz_count(body: str) -> float:
    series = (
        'cartable_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}'
    )
    found = re.search(rf"^{re.escape(series)} (\S+)$", body, re.MULTILINE)
    assert found is not None, body
    return float(found.group(1))


def test_metrics_add_up_every_workers_requests(served: tuple[str, Path]) -> None:
    url, log_path = served
    first = _healthz_count(_scrape(url))  # the start-up wait's probes count too
    for _ in range(PROBES):
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            assert response.status == 200
    # Whichever worker answers each scrape, the count is the same: every worker's.
    counts = {_healthz_count(_scrape(url)) for _ in range(6)}
    assert counts == {first + PROBES}

    with urllib.request.urlopen(f"{url}/readyz", timeout=10) as response:
        ready = json.loads(response.read())
    assert ready["ready"] is True, ready

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/metrics", timeout=5)
    assert refused.value.code == 401
    refused.value.close()

    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    assert lines, "the server logged nothing"
    for line in lines:
        assert isinstance(json.loads(line), dict), line  # every line is one JSON object
    assert TOKEN not in log_path.read_text()
