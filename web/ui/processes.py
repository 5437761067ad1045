"""/process-instances/<id>: the BPMN diagram with the current step and the path (E4)."""

from __future__ import annotations

from web.ui.pages import ui_blueprint

bp = ui_blueprint("process_pages", __name__)
