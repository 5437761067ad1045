"""/documents: lists per type, the document page and its form (I2-I10, T3.8-T3.11, F3).

Totals are computed by the services (engine/domain/pricing.py) even while typing: the
form posts to /documents/totals and shows what comes back.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.domain.permissions import Perm
from engine.domain.steps import StepAction
from engine.services.contacts import list_contacts, list_products
from engine.services.documents import (
    STATES,
    DocumentEdit,
    NewDocument,
    advance_document,
    allowed_actions,
    cancel_document,
    create_document,
    delete_document,
    document_history,
    get_document,
    get_type,
    list_documents,
    list_types,
    preview_totals,
    submit_document,
    update_document,
)
from engine.services.terms import list_terms
from engine.services.users import colleagues
from web.auth import permission_required
from web.context import new_uow
from web.ui.document_forms import (
    DocumentForm,
    content_of,
    dates_of,
    form_from_document,
    form_from_request,
)
from web.ui.followers import document_followers
from web.ui.formatting import input_date
from web.ui.forms import flag, optional_int, page_number
from web.ui.messages import readable_messages
from web.ui.pages import error_message, ui_blueprint

bp = ui_blueprint("document_pages", __name__)

PAGE_SIZE = 50


@bp.route("/documents")
@login_required
def index() -> ResponseReturnValue:
    """List documents of a type (or all), with search, state and the overdue filter (F3)."""
    args = request.args
    page = page_number(args.get("page"))
    state = args.get("state") or None
    if state not in (None, *STATES):
        state = None
    documents = list_documents(
        new_uow(),
        actor_id=current_user.id,
        type_code=args.get("type") or None,
        state=state,
        overdue=flag(args.get("overdue")),
        q=(args.get("q") or "").strip() or None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    params = {k: args[k] for k in ("type", "state", "q", "overdue") if args.get(k)}
    return render_template(
        "documents/index.html",
        documents=documents[:PAGE_SIZE],
        has_more=len(documents) > PAGE_SIZE,
        page_number=page,
        params=params,
        types=list_types(new_uow()),
        states=STATES,
        urlencode=urlencode,
    )


@bp.route("/documents/new")
@permission_required(Perm.CREATE)
def new() -> ResponseReturnValue:
    """Show an empty form for a new document of the chosen type."""
    type_code = request.args.get("type") or "sales_invoice"
    form = DocumentForm(type_code=type_code, lines=[{}])
    return _render_form(form, document=None)


@bp.route("/documents", methods=["POST"])
@login_required
def create() -> ResponseReturnValue:
    """Create a draft (I3: no accounting effect until posted)."""
    form = form_from_request(request.form, request.form.get("type", ""))
    try:
        issue, due = dates_of(form)
        contact_id = optional_int(form.contact_id, field="contact_id")
        if contact_id is None:
            raise ValidationFailed.single("contact_id", "choose a contact")
        document_id = create_document(
            new_uow(),
            NewDocument(
                type_code=form.type_code,
                contact_id=contact_id,
                content=content_of(form),
                issue_date=issue,
                due_date=due,
                source_id=optional_int(request.form.get("source_id"), field="source_id"),
                notes=form.notes,
                payment_term_id=optional_int(form.payment_term_id, field="payment_term_id"),
            ),
            actor_id=current_user.id,
        )
    except ValidationFailed as error:
        return _render_form(form, document=None, errors=error.fields), 422
    flash(_("Draft saved."), "success")
    return redirect(url_for("document_pages.show", document_id=document_id))


@bp.route("/documents/totals", methods=["POST"])
@login_required
def totals() -> ResponseReturnValue:
    """Return the totals block for the form as typed so far (htmx, live)."""
    form = form_from_request(request.form, request.form.get("type", ""))
    if not any((row.get("product_id") or "").strip() for row in form.lines):
        return render_template("documents/_totals.html", totals=None, errors={})  # nothing yet
    try:
        content = content_of(form)
    except ValidationFailed as error:
        return render_template("documents/_totals.html", totals=None, errors=error.fields)
    preview = preview_totals(
        new_uow(), type_code=form.type_code, content=content, actor_id=current_user.id
    )
    return render_template(
        "documents/_totals.html",
        totals=preview.totals or None,
        errors=preview.errors,
        tax_type=_type_or_none(form.type_code),
    )


@bp.route("/documents/<int:document_id>")
@login_required
def show(document_id: int) -> ResponseReturnValue:
    """Show a document: lines, totals, state, history, process, allowed actions, messages."""
    uid = current_user.id
    document = get_document(new_uow(), document_id=document_id, actor_id=uid)
    return render_template(
        "documents/show.html",
        document=document,
        history=document_history(new_uow(), document_id=document_id, actor_id=uid),
        actions=allowed_actions(new_uow(), document_id=document_id, actor_id=uid),
        doc_type=get_type(new_uow(), code=document.type),
        people={u.id: u.full_name or u.username for u in colleagues(new_uow(), actor_id=uid)},
        messages=readable_messages(document_id=document_id),
        followers=document_followers(document_id=document_id),
    )


@bp.route("/documents/<int:document_id>/edit")
@login_required
def edit(document_id: int) -> ResponseReturnValue:
    """Show the form filled with the document, if the user may edit it now (T3.8, T3.10)."""
    uid = current_user.id
    if "edit" not in allowed_actions(new_uow(), document_id=document_id, actor_id=uid):
        raise PermissionDenied("you may not edit this document now")
    document = get_document(new_uow(), document_id=document_id, actor_id=uid)
    return _render_form(form_from_document(document, input_date), document=document)


@bp.route("/documents/<int:document_id>", methods=["POST"])
@login_required
def update(document_id: int) -> ResponseReturnValue:
    """Save an edit; the service enforces the type's windows and restrictions."""
    uid = current_user.id
    document = get_document(new_uow(), document_id=document_id, actor_id=uid)
    form = form_from_request(request.form, document.type)
    try:
        issue, due = dates_of(form)
        edit = DocumentEdit(
            content=content_of(form),
            contact_id=optional_int(form.contact_id, field="contact_id"),
            issue_date=issue,
            due_date=due,
            notes=form.notes,
            lock_version=optional_int(form.lock_version, field="lock_version"),
            payment_term_id=optional_int(form.payment_term_id, field="payment_term_id"),
            change_payment_term="payment_term_id" in request.form,
        )
        update_document(new_uow(), document_id=document_id, edit=edit, actor_id=uid)
    except ValidationFailed as error:
        return _render_form(form, document=document, errors=error.fields), 422
    flash(_("Saved."), "success")
    return redirect(url_for("document_pages.show", document_id=document_id))


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete(document_id: int) -> ResponseReturnValue:
    """Delete an unnumbered draft (T3.9)."""
    delete_document(new_uow(), document_id=document_id, actor_id=current_user.id)
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("document_pages.index"))


@bp.route("/documents/<int:document_id>/submit", methods=["POST"])
@login_required
def submit(document_id: int) -> ResponseReturnValue:
    """Send a draft into its process."""
    submit_document(new_uow(), document_id=document_id, actor_id=current_user.id)
    flash(_("Sent for approval."), "success")
    return redirect(url_for("document_pages.show", document_id=document_id))


@bp.route("/documents/<int:document_id>/confirm", methods=["POST"])
@login_required
def confirm(document_id: int) -> ResponseReturnValue:
    """Confirm a quote: it becomes a sales order."""
    return _step(document_id, StepAction.CONFIRM, _("The quote is confirmed."))


@bp.route("/documents/<int:document_id>/deliver", methods=["POST"])
@login_required
def deliver(document_id: int) -> ResponseReturnValue:
    """Record the order's delivery; its invoice goes to approval (I4)."""
    return _step(document_id, StepAction.DELIVER, _("The delivery is recorded."))


@bp.route("/documents/<int:document_id>/cancel", methods=["POST"])
@login_required
def cancel(document_id: int) -> ResponseReturnValue:
    """Cancel; a posted document gets reversing entries (I10)."""
    reason = (request.form.get("reason") or "").strip()
    cancel_document(new_uow(), document_id=document_id, actor_id=current_user.id, reason=reason)
    flash(_("The document was cancelled."), "success")
    return redirect(url_for("document_pages.show", document_id=document_id))


def _step(document_id: int, action: StepAction, message: str) -> ResponseReturnValue:
    advance_document(new_uow(), document_id=document_id, action=action, actor_id=current_user.id)
    flash(message, "success")
    return redirect(url_for("document_pages.show", document_id=document_id))


def _type_or_none(code: str) -> Any:
    types = {t.code: t for t in list_types(new_uow())}
    return types.get(code)


def _render_form(
    form: DocumentForm, *, document: Any, errors: dict[str, list[str]] | None = None
) -> str:
    doc_type = _type_or_none(form.type_code)
    if doc_type is None:
        raise ValidationFailed.single("type", f"unknown document type {form.type_code!r}")
    kind = doc_type.default_contact_kind
    return render_template(
        "documents/form.html",
        form=form,
        document=document,
        doc_type=doc_type,
        errors=errors or {},
        problem=error_message(ValidationFailed(errors)) if errors else None,
        contacts=list_contacts(new_uow(), kind=kind, limit=500),
        products=list_products(new_uow(), limit=500),
        terms=list_terms(new_uow()),
    )
