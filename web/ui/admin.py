"""/admin: users, roles and permissions, document-type settings, the audit log (E2, T2, T3)."""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from engine.domain.permissions import Perm
from web.auth import permission_required
from web.ui.pages import ui_blueprint

bp = ui_blueprint("admin", __name__, url_prefix="/admin")


@bp.route("")
@permission_required(Perm.MANAGE_USERS)
def index() -> ResponseReturnValue:
    """Open the users page."""
    return redirect(url_for("admin.users"))


@bp.route("/users")
@permission_required(Perm.MANAGE_USERS)
def users() -> ResponseReturnValue:
    """List users."""
    return ""
