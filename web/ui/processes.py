"""/process-instances/<id>: the BPMN diagram with the current step and the path taken (E4)."""

from __future__ import annotations

from flask import jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine.services.process_views import instance_diagram
from web.context import new_uow
from web.ui.pages import ui_blueprint

bp = ui_blueprint("process_pages", __name__)


@bp.route("/process-instances/<int:instance_id>")
@login_required
def show(instance_id: int) -> ResponseReturnValue:
    """Show the instance: status, open steps and its diagram."""
    diagram = instance_diagram(new_uow(), instance_id=instance_id, actor_id=current_user.id)
    return render_template(
        "processes/instance.html", instance=diagram.instance, instance_id=instance_id
    )


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
