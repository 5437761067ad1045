"""/cartable: the signed-in user's inbox across the approval and numbering cartables (C2)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from web.ui.pages import ui_blueprint

bp = ui_blueprint("cartable", __name__)


@bp.route("/cartable")
@login_required
def index() -> ResponseReturnValue:
    """Show the inbox."""
    return render_template("cartable/index.html", tasks=[])
