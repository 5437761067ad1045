"""Pages for process designers (issue 13): /processes with versions, a version's diagram
with what its instances do there, the diff of two versions, the instance cockpit,
cancelling an instance, and migrations between versions."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.domain.errors import ValidationFailed
from engine.services.processes import (
    STATUSES,
    InstanceFilter,
    MigrationPlan,
    VersionActivity,
    cancel_process_instance,
    diff_versions,
    dry_run_migration,
    list_migrations,
    list_processes,
    list_versions,
    preview_cancel,
    revert_migration,
    run_migration,
    search_instances,
    version_activity,
    version_bpmn,
)
from web.context import new_uow
from web.ui.formatting import span
from web.ui.forms import optional_date
from web.ui.pages import ui_blueprint

bp = ui_blueprint("process_design_pages", __name__)
# The cockpit is its own area of the navigation (its own blueprint, so its menu entry
# alone is marked current).
cockpit_bp = ui_blueprint("cockpit_pages", __name__)
PAGE = 50


@bp.route("/processes")
@login_required
def index() -> ResponseReturnValue:
    """List every process with its versions and the instances on each (needs design_processes)."""
    uow = new_uow()
    processes = list_processes(uow, actor_id=current_user.id)
    versions = {
        p.process_id: list_versions(uow, process_id=p.process_id, actor_id=current_user.id)
        for p in processes
    }
    return render_template("processes/index.html", processes=processes, versions=versions)


@bp.route("/processes/<process_id>/versions/<int:number>")
@login_required
def version(process_id: str, number: int) -> ResponseReturnValue:
    """Show a version's diagram with tokens, incidents and median times per element."""
    found = version_activity(
        new_uow(), process_id=process_id, number=number, actor_id=current_user.id
    )
    return render_template("processes/version.html", activity=found)


@bp.route("/processes/<process_id>/versions/<int:number>/activity.json")
@login_required
def activity(process_id: str, number: int) -> ResponseReturnValue:
    """Return the version's files and per-element counts for the diagram's overlays."""
    found = version_activity(
        new_uow(), process_id=process_id, number=number, actor_id=current_user.id
    )
    return jsonify(
        files=found.files,
        tokens=found.tokens,
        incidents=found.incidents,
        median_seconds=found.median_seconds,
        median_labels={k: span(v) for k, v in found.median_seconds.items()},
    )


@bp.route("/processes/<process_id>/versions/<int:number>/bpmn")
@login_required
def download(process_id: str, number: int) -> ResponseReturnValue:
    """Download the version's BPMN XML."""
    found = version_bpmn(new_uow(), process_id=process_id, number=number, actor_id=current_user.id)
    disposition = f'attachment; filename="{process_id}-v{number}.bpmn"'
    return Response(
        found.xml, mimetype="application/xml", headers={"Content-Disposition": disposition}
    )


@bp.route("/processes/<process_id>/diff")
@login_required
def diff(process_id: str) -> ResponseReturnValue:
    """Show the elements added, removed and changed between two versions."""
    old, new = _number("from"), _number("to")
    found = diff_versions(
        new_uow(), process_id=process_id, old=old, new=new, actor_id=current_user.id
    )
    return render_template(
        "processes/diff.html", process_id=process_id, old=old, new=new, diff=found
    )


@cockpit_bp.route("/process-instances")
@login_required
def cockpit() -> ResponseReturnValue:
    """List instances with the filters of the form, newest first."""
    args = request.args
    query = InstanceFilter(
        process_id=args.get("process_id") or None,
        version=_number("version") if args.get("version") else None,
        status=args.get("status") or None,
        incident={"yes": True, "no": False}.get(args.get("incident", "")),
        document_id=_number("document_id") if args.get("document_id") else None,
        started_from=optional_date(args.get("started_from"), field="started_from"),
        started_to=optional_date(args.get("started_to"), field="started_to"),
        limit=PAGE,
        offset=_number("offset", minimum=0) if args.get("offset") else 0,
    )
    page = search_instances(new_uow(), actor_id=current_user.id, query=query)
    return render_template(
        "processes/cockpit.html", page=page, query=query, statuses=STATUSES, args=args, size=PAGE
    )


@cockpit_bp.route("/process-instances/<int:instance_id>/cancel", methods=["GET"])
@login_required
def cancel_form(instance_id: int) -> ResponseReturnValue:
    """Say what cancelling the instance does to its document, and ask to confirm."""
    preview = preview_cancel(new_uow(), instance_id=instance_id, actor_id=current_user.id)
    return render_template("processes/cancel.html", preview=preview)


@cockpit_bp.route("/process-instances/<int:instance_id>/cancel", methods=["POST"])
@login_required
def cancel(instance_id: int) -> ResponseReturnValue:
    """Cancel the instance, with its outcome for the document."""
    cancel_process_instance(
        new_uow(),
        instance_id=instance_id,
        actor_id=current_user.id,
        reason=request.form.get("reason", "")[:500],
    )
    flash(_("The process was cancelled."), "success")
    return redirect(url_for("process_pages.show", instance_id=instance_id))


@bp.route("/processes/<process_id>/migrations", methods=["GET", "POST"])
@login_required
def migrations(process_id: str) -> ResponseReturnValue:
    """Choose a source and a target version; dry-run, then migrate; revert past ones."""
    uow = new_uow()
    versions = list_versions(uow, process_id=process_id, actor_id=current_user.id)
    result = None
    form: dict[str, Any] = {"mapping": "{}"}
    if request.method == "POST":
        form = dict(request.form)
        plan = MigrationPlan(
            process_id,
            _number("source", request.form),
            _number("target", request.form),
            _mapping(request.form.get("mapping", "")),
        )
        if request.form.get("action") == "migrate":
            result = run_migration(uow, plan=plan, actor_id=current_user.id)
            flash(_("%(count)s instances moved.", count=result.moved), "success")
        else:
            result = dry_run_migration(uow, plan=plan, actor_id=current_user.id)
    past = list_migrations(uow, process_id=process_id, actor_id=current_user.id)
    return render_template(
        "processes/migrations.html",
        process_id=process_id,
        versions=versions,
        result=result,
        form=form,
        past=past,
    )


@bp.route("/processes/<process_id>/migrations/<int:migration_id>/revert", methods=["POST"])
@login_required
def revert(process_id: str, migration_id: int) -> ResponseReturnValue:
    """Put the migration's instances back on their previous version."""
    result = revert_migration(new_uow(), migration_id=migration_id, actor_id=current_user.id)
    kept = len(result.instances) - result.moved
    flash(
        _("%(count)s instances put back; %(kept)s kept.", count=result.moved, kept=kept), "success"
    )
    return redirect(url_for("process_design_pages.migrations", process_id=process_id))


def _activity(process_id: str, number: int) -> VersionActivity:
    return version_activity(
        new_uow(), process_id=process_id, number=number, actor_id=current_user.id
    )


def _number(name: str, source: Any = None, minimum: int = 1) -> int:
    """Read a whole number from the query (or ``source``); a bad one is a 422 naming it."""
    text = ((source if source is not None else request.args).get(name) or "").strip()
    if not text.isdigit() or int(text) < minimum or len(text) > 9:
        raise ValidationFailed.single(name, _("Enter a whole number."))
    return int(text)


def _mapping(text: str) -> dict[str, str]:
    """Read the designer's mapping, a JSON object of old id -> new id."""
    try:
        value = json.loads(text or "{}")
    except ValueError as error:
        raise ValidationFailed.single("mapping", _("Enter a JSON object.")) from error
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValidationFailed.single("mapping", _("Enter a JSON object of element ids."))
    return value
