"""/contacts and /contacts/<id>: balances, amount due, history, "pay the amount due" (P6),
statements (F9), import and export (E7). The services decide; these pages show."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _, ngettext
from flask_login import current_user, login_required

from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.accounts import (
    METHODS,
    contact_account,
    contact_rows,
    customer_statements,
    pay_amount_due,
)
from engine.services.contacts import KINDS, export_contacts, import_contacts, list_groups
from engine.services.reporting import (
    XLSX_MIME,
    Period,
    email_statements,
    statements_pdf,
    statements_xlsx,
)
from web.auth import permission_required
from web.context import new_uow
from web.ui.formatting import local_digits
from web.ui.forms import optional_date, optional_decimal, optional_int, page_number
from web.ui.messages import readable_messages
from web.ui.pages import ui_blueprint

bp = ui_blueprint("contact_pages", __name__)

MIME = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MIME, "pdf": "application/pdf"}
PAGE = 100


def _download(content: bytes, fmt: str, name: str) -> Response:
    response = Response(content, mimetype=MIME[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _list_page(import_errors: dict[str, list[str]] | None = None, status: int = 200) -> Any:
    q = request.args.get("q") or None
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    page = page_number(request.args.get("page"))
    group_id = optional_int(request.args.get("group_id"), field="group_id")
    rows = contact_rows(
        new_uow(),
        actor_id=current_user.id,
        q=q,
        kind=kind,
        group_id=group_id,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    html = render_template(
        "contacts/index.html",
        rows=rows,
        params={"q": q or "", "kind": kind or "", "group_id": group_id or ""},
        kinds=KINDS,
        groups=list_groups(new_uow()),
        page=page,
        more=len(rows) == PAGE,
        import_errors=_error_rows(import_errors or {}),
    )
    return html, status


def _error_rows(errors: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """Turn {"rows[3].email": [...]} into (row, column, message) for the error table."""
    out = []
    for key, messages in errors.items():
        if key.startswith("rows[") and "]." in key:
            row, column = key[5:].split("].", 1)
        else:
            row, column = "", key
        out.append((row, column, "; ".join(messages)))
    return out


@bp.route("/contacts")
@login_required  # type: ignore[misc]
def index() -> ResponseReturnValue:
    """Contacts with balance and amount due, search, import and export."""
    return _list_page()


@bp.route("/contacts/<int:contact_id>")
@login_required  # type: ignore[misc]
def show(contact_id: int) -> str:
    """A contact's account: balance, amount due, documents, payments, ledger, messages."""
    account = contact_account(new_uow(), contact_id=contact_id, actor_id=current_user.id)
    return render_template(
        "contacts/show.html",
        a=account,
        c=account.contact,
        methods=METHODS,
        messages=readable_messages(contact_id=contact_id),
    )


@bp.route("/contacts/<int:contact_id>/pay-due", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def pay_due(contact_id: int) -> ResponseReturnValue:
    """Record a payment settling the open invoices oldest first (P6)."""
    form = request.form
    payment_id = pay_amount_due(
        new_uow(),
        contact_id=contact_id,
        actor_id=current_user.id,
        method=form.get("method", ""),
        amount=optional_decimal(form.get("amount"), field="amount"),
        received_on=optional_date(form.get("received_on"), field="received_on"),
        reference=form.get("reference", ""),
        cheque_number=form.get("cheque_number") or None,
        cheque_due_date=optional_date(form.get("cheque_due_date"), field="cheque_due_date"),
    )
    flash(_("Payment %(id)s recorded.", id=payment_id), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))


def _statement_args() -> tuple[Period, str | None]:
    period = Period(
        optional_date(request.args.get("from"), field="from"),
        optional_date(request.args.get("to"), field="to"),
    )
    lang = request.args.get("lang") or None
    return period, lang


@bp.route("/contacts/<int:contact_id>/statement.<any(pdf,xlsx):fmt>")
@login_required  # type: ignore[misc]
def statement(contact_id: int, fmt: str) -> Response:
    """The customer's statement (F9) in their language unless ``lang`` is given."""
    period, lang = _statement_args()
    found = customer_statements(
        new_uow(), actor_id=current_user.id, contact_ids=[contact_id], period=period
    )
    language = lang or found[0].language
    maker = statements_pdf if fmt == "pdf" else statements_xlsx
    return _download(maker(found, language), fmt, f"statement-{contact_id}")


@bp.route("/contacts/<int:contact_id>/statement/send", methods=["POST"])
@login_required  # type: ignore[misc]
def statement_send(contact_id: int) -> ResponseReturnValue:
    """Email the statement over the chosen period to the customer or another address (F9)."""
    form = request.form
    mailing = email_statements(
        new_uow(),
        actor_id=current_user.id,
        contact_ids=[contact_id],
        period=Period(
            optional_date(form.get("from"), field="from"),
            optional_date(form.get("to"), field="to"),
        ),
        fmt=form.get("format", "pdf"),
        recipient=form.get("recipient", "").strip() or None,
    )
    if mailing.skipped:
        raise ValidationFailed.single("recipient", "the customer has no email address")
    (message,) = mailing.messages
    flash(_("Queued for sending to %(recipient)s.", recipient=message.recipient), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))


@bp.route("/contacts/statements/send", methods=["POST"])
@login_required  # type: ignore[misc]
def statements_send() -> ResponseReturnValue:
    """Email every customer with entries its statement; say who has no address (F9)."""
    mailing = email_statements(
        new_uow(),
        actor_id=current_user.id,
        contact_ids=None,
        period=Period(),
        fmt=request.form.get("format", "pdf"),
    )
    count = len(mailing.messages)
    flash(
        local_digits(
            ngettext(
                "%(num)s statement queued for sending.",
                "%(num)s statements queued for sending.",
                count,
            )
        ),
        "success",
    )
    if mailing.skipped:
        names = "، ".join(s.contact_name for s in mailing.skipped)
        flash(_("No email address: %(names)s", names=names), "warning")
    return redirect(url_for("contact_pages.index"))


@bp.route("/contacts/statements.<any(pdf,xlsx):fmt>")
@login_required  # type: ignore[misc]
def statements(fmt: str) -> Response:
    """Statements of every customer with entries, a page or sheet each (F9)."""
    period, lang = _statement_args()
    found = customer_statements(new_uow(), actor_id=current_user.id, period=period)
    locale = get_locale()
    language = lang or (locale.language if locale is not None else "fa")
    maker = statements_pdf if fmt == "pdf" else statements_xlsx
    return _download(maker(found, language), fmt, "statements")


@bp.route("/contacts/export.<any(csv,xlsx):fmt>")
@login_required  # type: ignore[misc]
def export(fmt: str) -> Response:
    """Every contact as CSV or XLSX (E7)."""
    return _download(export_contacts(new_uow(), actor_id=current_user.id, fmt=fmt), fmt, "contacts")


@bp.route("/contacts/import", methods=["POST"])
@permission_required(Perm.MANAGE_CONTACTS)
def import_() -> ResponseReturnValue:
    """Add the contacts of an uploaded file, all or none; show each bad cell otherwise."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed.single("file", _("Choose a CSV or XLSX file."))
    fmt = PurePath(upload.filename).suffix.lstrip(".").lower()
    try:
        result = import_contacts(
            new_uow(), actor_id=current_user.id, fmt=fmt, content=upload.read()
        )
    except ValidationFailed as error:
        flash(_("Nothing was imported: fix the rows below and upload the file again."), "error")
        return _list_page(error.fields, 422)
    flash(_("%(n)s contacts imported.", n=result.created), "success")
    return redirect(url_for("contact_pages.index"))
