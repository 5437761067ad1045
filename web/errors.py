"""Map domain errors to HTTP once, in one JSON shape shared with schema errors."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.domain.errors import (
    CartableError,
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
    ValidationFailed,
)

logger = logging.getLogger(__name__)

STATUS: dict[type[CartableError], int] = {
    ValidationFailed: 422,
    NotFound: 404,
    PermissionDenied: 403,
    InvalidState: 409,
    Conflict: 409,
    TooManyAttempts: 429,
}
NAMES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


def error_body(
    code: int, message: str, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """Return the one error shape: code, status, message and, for bad input, errors by field."""
    body: dict[str, Any] = {"code": code, "status": NAMES.get(code, "Error"), "message": message}
    if errors:
        body["errors"] = dict(errors)
    return body


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn webargs' nested {"json": {"lines": {"0": {"quantity": [...]}}}} into
    {"lines[0].quantity": [...]}, the field names the domain errors use too."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if not prefix and key in ("json", "query", "form", "files", "headers", "view_args"):
            flat.update(flatten(value, ""))
            continue
        name = (
            f"{prefix}[{key}]"
            if isinstance(key, int) or str(key).isdigit()
            else (f"{prefix}.{key}" if prefix else str(key))
        )
        flat.update(flatten(value, name))
    return flat


class CartableApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, answering schema errors in the project's error shape."""

    def handle_http_exception(self, error: HTTPException) -> ResponseReturnValue:
        data = getattr(error, "data", None) or {}
        errors = flatten(data["messages"]) if "messages" in data else None
        message = data.get("message") or error.description or error.name
        if errors:
            message = "invalid input: " + "; ".join(
                f"{k}: {', '.join(v)}" for k, v in errors.items()
            )
        code = error.code or 500
        if code == 413:
            message = too_large_message()
        if code >= 500:
            message = "internal error"
        return jsonify(error_body(code, str(message), errors)), code, data.get("headers", {})


def too_large_message() -> str:
    """Name the limit a 413 hit: the body's (CARTABLE_MAX_REQUEST_BYTES; issue 10 #5), or
    Flask's on a form field held in memory or the number of form parts."""
    limit = request.max_content_length  # the app's, or one a view raised (inbound email)
    length = request.content_length
    if limit and (length is None or length > limit):
        return f"the request body is over the limit of {limit} bytes ({limit / 1048576:g} MiB)"
    field_limit = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    parts = current_app.config.get("MAX_FORM_PARTS")
    return f"a form field is over {field_limit} bytes or the form over {parts} parts"


def status_of(error: CartableError) -> int:
    """Return the HTTP status of a domain error: the one table for the API and the pages."""
    return next((c for cls, c in STATUS.items() if isinstance(error, cls)), 400)


def retry_after_header(error: CartableError) -> dict[str, str]:
    """Return {"Retry-After": seconds} for TooManyAttempts, else nothing."""
    return {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else {}


def register_error_handlers(app: Flask) -> None:
    """Answer every CartableError by its class, and log unexpected ones once."""

    @app.errorhandler(CartableError)
    def _domain_error(error: CartableError) -> ResponseReturnValue:
        code = status_of(error)
        fields = error.fields if isinstance(error, ValidationFailed) else None
        headers = retry_after_header(error)
        return jsonify(error_body(code, error.message, fields)), code, headers

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError) -> ResponseReturnValue:
        original = getattr(error, "original_exception", None)
        logger.exception("unhandled error", exc_info=original or error)
        return jsonify(error_body(500, "internal error")), 500
