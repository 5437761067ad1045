"""Request-wide input bounds (issue 10 #9): bounded ``<int:…>`` paths and clean text.

- ``<int:…>`` in every route (API and pages) accepts 0..bounds.INT_MAX (2^31-1, the
  INTEGER id columns) only; a larger number in a path is a 404 like any unknown id,
  never a database overflow.
- No path, query, JSON or form value may hold a NUL or a lone surrogate (JSON allows
  ``"\\ud800"``; PostgreSQL refuses NUL, no encoder takes a surrogate): 422 naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

from engine.domain import bounds
from engine.domain.errors import ValidationFailed
from web.webhooks.routes import bp as webhooks


class BoundedIntegerConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, refusing (404) anything past bounds.INT_MAX."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", bounds.INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the bounded ``int`` converter (before any route) and the text check."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_bad_text)


def refuse_bad_text() -> None:
    """Raise ValidationFailed naming every input value with a NUL or lone surrogate.

    Webhooks are left to their own checks: they carry the providers' content (a
    customer's email may hold any text), are accepted only with a signature or token, and
    the inbound-email one sets its own body limit after its token check, so reading its
    form here would apply the app's smaller limit first.
    """
    if request.blueprint == webhooks.name:
        return
    bad = {
        field: "must not contain NUL characters or lone surrogates"
        for field, value in _inputs()
        if bounds.text_problem(value, maximum=None) is not None
    }
    if bad:
        raise ValidationFailed(bad)


def _inputs() -> Iterator[tuple[str, str]]:
    for name, value in (request.view_args or {}).items():  # <code>, <process_id> in paths
        if isinstance(value, str):
            yield name, value
    for name, value in request.args.items(multi=True):
        yield name, value
    if request.mimetype == "application/json":
        yield from _strings(_json_body(), "")
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            yield name, value


def _json_body() -> Any:
    """Return the parsed JSON body (None if it is not JSON; the schema then says so)."""
    try:
        return request.get_json(silent=True)
    except RecursionError as exc:  # nested past the interpreter's limit: refuse, not a 500
        raise ValidationFailed.single("_schema", "the JSON body is nested too deeply") from exc


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Yield (field path, text) for every string (keys included) in decoded JSON.

    Walked with a stack, not recursion: a body nested as deep as the parser allows
    must not overflow here either.
    """
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path or "_schema", value
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    yield child, key
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
