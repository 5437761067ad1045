"""/cartable and /tasks/<id>: the user's inbox across the approval and numbering cartables (C2).

Lists read only the task index (never a workflow state); every action calls the same
service as the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.repositories.workflow import TaskQuery
from engine.services.cartable import (
    FILTER_KEYS,
    assign_task,
    claim_task,
    complete_task,
    complete_tasks,
    delete_filter,
    get_task,
    list_cartables,
    list_filters,
    save_filter,
    search_cartable,
    task_credit,
    unclaim_task,
)
from engine.services.documents import document_history, get_document, list_types
from engine.services.users import colleagues
from web.context import new_uow
from web.ui.forms import flag, optional_decimal, optional_int
from web.ui.labels import bucket_names
from web.ui.pages import back_to, error_message, is_htmx, safe_next, ui_blueprint

bp = ui_blueprint("cartable", __name__)

PAGE_SIZE = 50


def _query(args: Any) -> TaskQuery:
    page = optional_int(args.get("page"), field="page") or 1
    cartable = args.get("cartable") or None
    return TaskQuery(
        cartable=cartable,
        document_type=args.get("type") or None,
        contact=(args.get("contact") or "").strip() or None,
        amount_min=optional_decimal(args.get("amount_min"), field="amount_min"),
        amount_max=optional_decimal(args.get("amount_max"), field="amount_max"),
        overdue=flag(args.get("overdue")),
        mine=flag(args.get("mine")),
        sort=args.get("sort") or "created",
        descending=args.get("dir") == "desc",
        limit=PAGE_SIZE,
        offset=(max(page, 1) - 1) * PAGE_SIZE,
    )


def _people() -> dict[int, str]:
    users = colleagues(new_uow(), actor_id=current_user.id)
    return {u.id: u.full_name or u.username for u in users}


def _filter_params(args: Any) -> dict[str, str]:
    return {k: args[k] for k in FILTER_KEYS if args.get(k)}


@bp.route("/cartable")
@login_required
def index() -> ResponseReturnValue:
    """Show the inbox: filters, saved filters, the task table and bulk approval."""
    params = _filter_params(request.args)
    try:
        query = _query(request.args)
        page = search_cartable(new_uow(), actor_id=current_user.id, query=query)
        problem = None
    except ValidationFailed as error:
        query, page, problem = TaskQuery(), None, error_message(error)
    people = _people()
    context = {
        "page": page,
        "query": query,
        "params": params,
        "problem": problem,
        "people": people,
        "page_number": query.offset // PAGE_SIZE + 1,
        "page_size": PAGE_SIZE,
        "here": request.full_path,
        "urlencode": urlencode,
    }
    if is_htmx() and request.headers.get("HX-Target") == "cartable-table":
        return render_template("cartable/_table.html", **context)
    return render_template(
        "cartable/index.html",
        cartables=list_cartables(new_uow(), actor_id=current_user.id),
        types=list_types(new_uow()),
        saved=list_filters(new_uow(), actor_id=current_user.id),
        **context,
    )


@bp.route("/cartable/filters", methods=["POST"])
@login_required
def save_current_filter() -> ResponseReturnValue:
    """Keep the current filters under a name (per user)."""
    params = _filter_params(request.form)
    save_filter(
        new_uow(), actor_id=current_user.id, name=request.form.get("name", ""), params=params
    )
    flash(_("Filter saved."), "success")
    return redirect(url_for("cartable.index", **params))


@bp.route("/cartable/filters/<int:filter_id>/delete", methods=["POST"])
@login_required
def forget_filter(filter_id: int) -> ResponseReturnValue:
    """Forget a saved filter."""
    delete_filter(new_uow(), actor_id=current_user.id, filter_id=filter_id)
    flash(_("Filter removed."), "success")
    return redirect(url_for("cartable.index"))


@bp.route("/cartable/bulk-approve", methods=["POST"])
@login_required
def bulk_approve() -> ResponseReturnValue:
    """Approve every selected task the user may approve; report what could not be."""
    ids = [int(i) for i in request.form.getlist("task_ids") if i.isdigit()]
    outcomes = complete_tasks(new_uow(), task_ids=ids, actor_id=current_user.id)
    if all(isinstance(o.error, PermissionDenied) for o in outcomes):
        raise PermissionDenied("none of these tasks is in your cartable")
    done = sum(o.done is not None for o in outcomes)
    failed = [f"{o.task_id}: {error_message(o.error)}" for o in outcomes if o.error]
    if done:
        flash(_("%(num)s tasks approved.", num=done), "success")
    for line in failed:
        flash(_("Not approved: %(reason)s", reason=line), "error")
    target = safe_next(request.form.get("next"), url_for("cartable.index"))
    if is_htmx():  # htmx follows it as window.location: only a path on this site (#10)
        return "", 204, {"HX-Redirect": target}
    return back_to("cartable.index")


@bp.route("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    """Show a task with its document, the document's history and the process diagram."""
    task = get_task(new_uow(), task_id=task_id, actor_id=current_user.id)
    document = history = None
    if task.document_id is not None:
        document = get_document(new_uow(), document_id=task.document_id, actor_id=current_user.id)
        history = document_history(
            new_uow(), document_id=task.document_id, actor_id=current_user.id
        )
    people = _people()
    credit = task_credit(new_uow(), task_id=task_id, actor_id=current_user.id)
    return render_template(
        "cartable/task.html",
        task=task,
        document=document,
        history=history,
        people=people,
        credit=credit,
        bucket_names=bucket_names(),
    )


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: int) -> ResponseReturnValue:
    """Take the task."""
    claim_task(new_uow(), task_id=task_id, actor_id=current_user.id)
    flash(_("The task is yours now."), "success")
    return back_to("cartable.show", task_id=task_id)


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: int) -> ResponseReturnValue:
    """Give the task back to its cartable."""
    unclaim_task(new_uow(), task_id=task_id, actor_id=current_user.id)
    flash(_("The task is back in its cartable."), "success")
    return back_to("cartable.show", task_id=task_id)


@bp.route("/tasks/<int:task_id>/assign", methods=["POST"])
@login_required
def assign(task_id: int) -> ResponseReturnValue:
    """Hand the task to a colleague who works the same cartable."""
    assignee = optional_int(request.form.get("assignee_id"), field="assignee_id")
    if assignee is None:
        raise ValidationFailed.single("assignee_id", "choose a colleague")
    assign_task(new_uow(), task_id=task_id, assignee_id=assignee, actor_id=current_user.id)
    flash(_("The task was handed over."), "success")
    return back_to("cartable.show", task_id=task_id)


@bp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@login_required
def complete(task_id: int) -> ResponseReturnValue:
    """Decide one of the task's decisions with its form fields (as its diagram declares)."""
    decision = request.form.get("decision", "")
    comment = (request.form.get("comment") or "").strip() or None
    fields = {
        key.removeprefix("field."): value
        for key, value in request.form.items()
        if key.startswith("field.") and value.strip()
    }
    result = complete_task(
        new_uow(),
        task_id=task_id,
        actor_id=current_user.id,
        decision=decision,
        comment=comment,
        fields=fields,
    )
    flash(_("Done."), "success")
    if result.document_id is not None and request.form.get("next") is None:
        return redirect(url_for("document_pages.show", document_id=result.document_id))
    return back_to("cartable.index")
