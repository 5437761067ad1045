"""/documents: lists per type, the document page and its form (I2-I10, T3.8-T3.11, F3)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from web.ui.pages import ui_blueprint

bp = ui_blueprint("document_pages", __name__)


@bp.route("/documents")
@login_required
def index() -> ResponseReturnValue:
    """List documents."""
    return render_template("documents/index.html", documents=[])
