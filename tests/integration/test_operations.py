"""Health, readiness and metrics for whoever runs Cartable (issue 17 §2).

/healthz and /readyz answer without a login; /metrics only when CARTABLE_METRICS is on,
only to the token's bearer when one is set, and its figures are the database's.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from engine.config import Settings
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice
from web import create_app
from web.logs import json_log_config

AppMaker = Callable[..., Flask]


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[AppMaker]:
    """Build apps on the test's database with settings of the test's own."""
    made: list[Flask] = []

    def make(**options: object) -> Flask:
        settings = Settings(
            data_dir=tmp_path, database_url=database_url, secret_key="test-secret", **options
        )  # type: ignore[arg-type]
        application = create_app(settings)
        application.config["TESTING"] = True
        made.append(application)
        return application

    yield make
    for application in made:
        application.extensions["cartable"].engine.dispose()


@pytest.fixture
def metered(make_app: AppMaker) -> Flask:
    return make_app(metrics=True, metrics_token="scrape-me")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def _gauge(body: str, name: str, labels: str = "") -> float:
    found = re.search(rf"^{re.escape(name + labels)} (\S+)$", body, re.MULTILINE)
    assert found is not None, f"{name}{labels} not in:\n{body}"
    return float(found.group(1))


def test_healthz_answers_without_login_or_database(app: Flask) -> None:
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_passes_on_a_migrated_database(app: Flask) -> None:
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert "broker" not in body["checks"]  # none configured: not a dependency


def test_readyz_fails_naming_migrations_behind_the_code(app: Flask, uow: UnitOfWork) -> None:
    with uow:
        uow.session.execute(text("UPDATE alembic_version SET version_num = 'behind'"))
        uow.commit()
    response = app.test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["ok"] is False
    assert "behind" in body["checks"]["migrations"]["detail"]


def test_readyz_fails_naming_an_unreachable_broker(make_app: AppMaker) -> None:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    response = make_app(broker_url=url).test_client().get("/readyz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert "127.0.0.1" not in json.dumps(body)  # names the check, not the address


@pytest.mark.parametrize(
    "broker", ["redis://127.0.0.1:6379/0", "amqp://guest:guest@127.0.0.1:5672//"]
)
def test_readyz_passes_with_a_running_broker(make_app: AppMaker, broker: str) -> None:
    application = make_app(broker_url=broker)
    body = application.test_client().get("/readyz").get_json()
    assert body["checks"]["broker"] == {"ok": True, "detail": "reachable"}


def test_metrics_are_absent_unless_switched_on(app: Flask) -> None:
    assert app.test_client().get("/metrics").status_code == 404


def test_metrics_want_the_token_when_one_is_set(metered: Flask) -> None:
    client = metered.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert right.status_code == 200
    assert right.mimetype == "text/plain"


def test_metrics_count_requests_by_route_and_read_the_open_tasks(
    metered: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    api = Api(metered.test_client(), uow)
    scrape = {"Authorization": "Bearer scrape-me"}
    before = metered.test_client().get("/metrics", headers=scrape).get_data(as_text=True)
    approval_before = (
        _gauge(before, "cartable_open_tasks", '{lane="approval"}')
        if 'cartable_open_tasks{lane="approval"}' in before
        else 0.0
    )
    for _ in range(3):
        invoice = i7_invoice(api, ids)
        api.ok("POST", f"/api/v1/documents/{invoice['id']}/submit", as_="clerk")
    api.get("/api/v1/documents/999999999")  # a 404 of a known route
    api.get("/no/such/page")  # no route at all
    body = metered.test_client().get("/metrics", headers=scrape).get_data(as_text=True)

    submit = '{method="POST",route="/api/v1/documents/<int:document_id>/submit",status="200"}'
    assert _gauge(body, "cartable_http_request_duration_seconds_count", submit) == 3
    missing = '{method="GET",route="<unmatched>",status="404"}'
    assert _gauge(body, "cartable_http_request_duration_seconds_count", missing) == 1
    approval = _gauge(body, "cartable_open_tasks", '{lane="approval"}')
    assert approval == approval_before + 3
    assert _gauge(body, "cartable_timer_lag_seconds") >= 0
    assert _gauge(body, "cartable_outbox_queue_depth") >= 0
    assert "/no/such/page" not in body


def test_json_logs_carry_the_records_extra_fields(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(json_log_config())
    try:
        logging.getLogger("engine.test").info("document numbered", extra={"document_id": 7})
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:], root.level = handlers, level
        for name in ("gunicorn.error", "gunicorn.access"):
            logging.getLogger(name).handlers.clear()
    record = json.loads(line)
    assert record["message"] == "document numbered"
    assert record["document_id"] == 7
    assert record["level"] == "INFO" and record["logger"] == "engine.test"
