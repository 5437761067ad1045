"""What every page blueprint shares: HTML error answers, safe redirects, form helpers.

Build a page blueprint with :func:`ui_blueprint` so domain errors come back as a page
(or, for an htmx call, as a message in the flash area) instead of the API's JSON.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from engine.domain.errors import (
    CartableError,
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from web.errors import status_of
from web.ui.labels import field_label


def ui_blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    """Return a page blueprint whose errors render as HTML in the page's language."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.register_error_handler(CartableError, _domain_error)
    bp.register_error_handler(CSRFError, _csrf_error)
    bp.register_error_handler(HTTPException, _http_error)
    return bp


def is_htmx() -> bool:
    """Tell whether the request comes from htmx (answer a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def safe_next(target: str | None, default: str = "/cartable") -> str:
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirect).

    Only "/path?query#fragment" passes: no scheme or host, no "//" (another host), no
    backslash, whitespace or control character (browsers drop tabs and newlines, and read
    "\\" as "/", turning "/\\evil" or "/<tab>/evil" into "//evil"); issue 10 #10.
    """
    if (
        not target
        or len(target) > 2000
        or not target.startswith("/")
        or target.startswith("//")
        or any(c == "\\" or c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def back_to(default_endpoint: str, **values: Any) -> Response:
    """Redirect to the form's ``next`` field when it is safe, else to an endpoint."""
    return redirect(safe_next(request.form.get("next"), url_for(default_endpoint, **values)))


def error_message(error: CartableError) -> str:
    """Return a user-facing message: the translated kind of error, then the details."""
    if isinstance(error, ValidationFailed):
        return _("Please correct the marked fields.")
    if isinstance(error, PermissionDenied):
        return _("You are not allowed to do this.")
    if isinstance(error, NotFound):
        return _("Not found.")
    if isinstance(error, Conflict):
        return _("Someone else changed this first; reload the page and try again.")
    if isinstance(error, InvalidState):
        return _("This cannot be done in the current state.")
    return _("The request could not be completed.")


def _render_error(
    code: int, message: str, details: str = "", fields: list[str] | None = None
) -> ResponseReturnValue:
    """Render the error; ``fields`` (translated names of the bad inputs) in every language,
    ``details`` (the engine's English text) only on English pages."""
    context = {"message": message, "details": details, "fields": fields or []}
    if is_htmx():
        html = render_template("partials/flash_error.html", **context)
        return html, code, {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render_template("error.html", code=code, **context), code


def _domain_error(error: CartableError) -> ResponseReturnValue:
    code = status_of(error)
    fields = (
        list(dict.fromkeys(field_label(k) for k in error.fields))
        if isinstance(error, ValidationFailed)
        else []
    )
    return _render_error(code, error_message(error), error.message, fields)


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return _render_error(400, _("The form expired; reload the page and try again."))


def _http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    messages = {
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This address does not accept that request."),
    }
    limit = request.max_content_length
    if code == 413 and limit and (request.content_length or limit + 1) > limit:
        messages[413] = _(  # issue 10 #5: CARTABLE_MAX_REQUEST_BYTES
            "The request is too large: at most %(size)s MB may be sent at once.",
            size=f"{limit / 1048576:g}",
        )
    return _render_error(code, messages.get(code, _("The request could not be completed.")))


def flash_done(message: str) -> None:
    """Queue a success message for the next page."""
    flash(message, "success")
