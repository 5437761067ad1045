"""/process-instances/<id>: the BPMN diagram with the current step and the path taken (E4),
and an incident with its retry button (issue 11 §3)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.domain.errors import InvalidState
from engine.services.processes import (
    INCIDENT,
    RETRY_PERMISSION,
    instance_diagram,
    list_instances,
    retry_instance,
)
from web.context import new_uow
from web.ui.pages import ui_blueprint

bp = ui_blueprint("process_pages", __name__)


@bp.route("/process-instances/incidents")
@login_required
def incidents() -> ResponseReturnValue:
    """List the open incidents, oldest first (needs design_processes)."""
    rows = list_instances(new_uow(), actor_id=current_user.id, status=INCIDENT, limit=500)
    return render_template("processes/incidents.html", rows=rows)


@bp.route("/process-instances/<int:instance_id>")
@login_required
def show(instance_id: int) -> ResponseReturnValue:
    """Show the instance: status, open steps, an incident and its diagram."""
    diagram = instance_diagram(new_uow(), instance_id=instance_id, actor_id=current_user.id)
    return render_template(
        "processes/instance.html",
        instance=diagram.instance,
        instance_id=instance_id,
        may_retry=current_user.can(RETRY_PERMISSION),
    )


@bp.route("/process-instances/<int:instance_id>/retry", methods=["POST"])
@login_required
def retry(instance_id: int) -> ResponseReturnValue:
    """Run the incident's failed step again (needs design_processes); back to the page."""
    try:
        retry_instance(new_uow(), instance_id=instance_id, actor_id=current_user.id)
    except InvalidState as error:
        failed = error.details.get("error")
        if failed is None:  # not an incident (any more): someone retried it first
            flash(_("This process has no incident to retry."), "warning")
        else:
            flash(_("The retry failed: %(error)s", error=failed), "error")
    else:
        flash(_("The process runs again."), "success")
    return redirect(url_for("process_pages.show", instance_id=instance_id))


@bp.route("/process-instances/<int:instance_id>/diagram.json")
@login_required
def diagram(instance_id: int) -> ResponseReturnValue:
    """Return the BPMN files, current element ids and the path, for the bpmn-js viewer."""
    found = instance_diagram(new_uow(), instance_id=instance_id, actor_id=current_user.id)
    return jsonify(
        files=found.files,
        current=found.instance.current_element_ids,
        path=found.instance.path,
        status=found.instance.status,
    )
