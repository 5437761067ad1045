"""Integration fixtures: the Flask app on the test database and an authenticated client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine.config import Settings
from engine.models.users import User
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import issue_token
from web import create_app


class Api:
    """A test client that speaks JSON as one user, naming the user in each call."""

    def __init__(self, client: FlaskClient, uow: UnitOfWork) -> None:
        self.client = client
        self.uow = uow
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            with self.uow:
                user = self.uow.users.by_username(username)
                assert user is not None, username
                user_id = user.id
            # A month: tests travel in time with time-machine.
            issued = issue_token(self.uow, user_id=user_id, ttl_hours=24 * 30)
            self._tokens[username] = issued.token
        return self._tokens[username]

    def call(self, method: str, path: str, as_: str = "admin", json: Any = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(as_)}"} if as_ else {}
        return self.client.open(path, method=method, json=json, headers=headers, **kw)

    def get(self, path: str, as_: str = "admin", **kw: Any) -> Any:
        return self.call("GET", path, as_, **kw)

    def post(self, path: str, json: Any = None, as_: str = "admin", **kw: Any) -> Any:
        return self.call("POST", path, as_, json=json, **kw)

    def patch(self, path: str, json: Any = None, as_: str = "admin", **kw: Any) -> Any:
        return self.call("PATCH", path, as_, json=json, **kw)

    def ok(
        self, method: str, path: str, json: Any = None, as_: str = "admin", status: int = 200
    ) -> Any:
        """Call and assert the status; return the JSON body."""
        response = self.call(method, path, as_, json=json)
        assert response.status_code == status, (response.status_code, response.get_json())
        return response.get_json()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(data_dir=tmp_path, database_url=database_url, secret_key="test-secret")
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["cartable"].engine.dispose()


@pytest.fixture
def api(app: Flask, uow: UnitOfWork) -> Api:
    return Api(app.test_client(), uow)


@pytest.fixture
def ids(uow: UnitOfWork) -> dict[str, int]:
    """Ids of the demo records: users by name, the I7 customer and product."""
    with uow:
        out = {u.username: u.id for u in uow.session.scalars(select(User))}
        out["sameri"] = next(c.id for c in uow.contacts.list() if c.name == "علیرضا سامری")
        out["desk"] = next(p.id for p in uow.products.list() if p.name == "میز قابل تنظیم")
        out["chair"] = next(p.id for p in uow.products.list() if p.name == "صندلی ارگونومیک")
        return out
