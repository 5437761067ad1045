"""/bank: bank accounts and their CSV mapping, statement upload, and the review page
where each line's proposals are confirmed, or the line assigned or ignored (SPEC F2,
issue 14 §7). The services decide; these forms ask."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.bank_csv import (
    CALENDARS,
    COLUMN_ROLES,
    DATE_ORDERS,
    DECIMAL_SEPARATORS,
    DELIMITERS,
)
from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.banking import (
    FILE_FORMATS,
    LineChoice,
    NewBankAccount,
    confirm_exact,
    create_bank_account,
    get_bank_account,
    get_statement,
    ignore_line,
    import_statement,
    list_bank_accounts,
    list_statements,
    match_line,
    reopen_line,
    update_bank_account,
)
from engine.services.contacts import list_contacts
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import optional_int
from web.ui.pages import ui_blueprint

bp = ui_blueprint("bank_pages", __name__)


@bp.route("/bank")
@permission_required(Perm.RECORD_PAYMENTS)
def index() -> ResponseReturnValue:
    """The accounts, the statements imported and the upload form."""
    uow, actor = new_uow(), current_user.id
    return render_template(
        "bank/index.html",
        accounts=list_bank_accounts(uow, actor_id=actor),
        statements=list_statements(uow, actor_id=actor),
        formats=FILE_FORMATS,
    )


@bp.route("/bank/accounts", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def create_account() -> ResponseReturnValue:
    """Create a bank account, then set its CSV mapping on its own page."""
    form = request.form
    account_id = create_bank_account(
        new_uow(),
        NewBankAccount(
            name=form.get("name", ""),
            bank=form.get("bank", ""),
            iban=form.get("iban") or None,
            currency=form.get("currency") or "IRR",
        ),
        actor_id=current_user.id,
    )
    flash(_("Bank account created."), "success")
    return redirect(url_for("bank_pages.account", bank_account_id=account_id))


@bp.route("/bank/accounts/<int:bank_account_id>")
@permission_required(Perm.RECORD_PAYMENTS)
def account(bank_account_id: int) -> ResponseReturnValue:
    """The account and how its bank's CSV reads."""
    found = get_bank_account(new_uow(), bank_account_id=bank_account_id, actor_id=current_user.id)
    return render_template("bank/account.html", account=found, **_choices())


@bp.route("/bank/accounts/<int:bank_account_id>", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def save_account(bank_account_id: int) -> ResponseReturnValue:
    """Save the account and its CSV mapping (columns by header text or number)."""
    form = request.form
    columns: dict[str, Any] = {}
    for role in COLUMN_ROLES:
        value = form.get(f"column.{role}", "").strip()
        if value:
            columns[role] = int(value) if value.isdigit() else value
    mapping: dict[str, Any] = {"columns": columns}
    for key in ("delimiter", "decimal", "calendar", "date_order"):
        if form.get(key):  # left out: the mapping's default
            mapping[key] = form[key]
    if mapping.get("delimiter") == "tab":
        mapping["delimiter"] = "\t"
    update_bank_account(
        new_uow(),
        bank_account_id=bank_account_id,
        changes={
            "name": form.get("name", ""),
            "bank": form.get("bank", ""),
            "iban": form.get("iban") or None,
            "csv_mapping": mapping if columns else None,
        },
        actor_id=current_user.id,
    )
    flash(_("Bank account saved."), "success")
    return redirect(url_for("bank_pages.account", bank_account_id=bank_account_id))


@bp.route("/bank/statements", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def upload() -> ResponseReturnValue:
    """Import the uploaded file and open its review page."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed.single("file", "choose the statement file")
    account_id = optional_int(request.form.get("bank_account_id"), field="bank_account_id")
    if account_id is None:
        raise ValidationFailed.single("bank_account_id", "choose the bank account")
    statement_id = import_statement(
        new_uow(),
        bank_account_id=account_id,
        content=upload.read(),
        filename=upload.filename,
        file_format=request.form.get("format") or None,
        actor_id=current_user.id,
    )
    flash(_("Statement imported."), "success")
    return redirect(url_for("bank_pages.statement", statement_id=statement_id))


@bp.route("/bank/statements/<int:statement_id>")
@permission_required(Perm.RECORD_PAYMENTS)
def statement(statement_id: int) -> ResponseReturnValue:
    """Each line with its proposals, exact ones first."""
    uow, actor = new_uow(), current_user.id
    return render_template(
        "bank/statement.html",
        s=get_statement(uow, statement_id=statement_id, actor_id=actor),
        contacts=list_contacts(uow, limit=500),
    )


@bp.route("/bank/statements/<int:statement_id>/confirm-exact", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def confirm(statement_id: int) -> ResponseReturnValue:
    """Confirm every line with exactly one exact proposal."""
    matched = confirm_exact(new_uow(), statement_id=statement_id, actor_id=current_user.id)
    flash(_("%(count)s lines confirmed.", count=len(matched)), "success")
    return redirect(url_for("bank_pages.statement", statement_id=statement_id))


@bp.route("/bank/lines/<int:line_id>/match", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def match(line_id: int) -> ResponseReturnValue:
    """Record the line's payment to the chosen invoice, or to a contact as credit."""
    form = request.form
    choice = LineChoice(
        document_id=optional_int(form.get("document_id"), field="document_id"),
        contact_id=optional_int(form.get("contact_id"), field="contact_id"),
    )
    match_line(new_uow(), line_id=line_id, choice=choice, actor_id=current_user.id)
    flash(_("Payment recorded."), "success")
    return _back()


@bp.route("/bank/lines/<int:line_id>/ignore", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def ignore(line_id: int) -> ResponseReturnValue:
    """Set the line aside."""
    ignore_line(new_uow(), line_id=line_id, actor_id=current_user.id)
    return _back()


@bp.route("/bank/lines/<int:line_id>/reopen", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def reopen(line_id: int) -> ResponseReturnValue:
    """Bring an ignored line back."""
    reopen_line(new_uow(), line_id=line_id, actor_id=current_user.id)
    return _back()


def _back() -> ResponseReturnValue:
    statement_id = optional_int(request.form.get("statement_id"), field="statement_id")
    if statement_id is None:
        return redirect(url_for("bank_pages.index"))
    return redirect(url_for("bank_pages.statement", statement_id=statement_id))


def _choices() -> dict[str, Any]:
    return {
        "roles": COLUMN_ROLES,
        "delimiters": [("tab" if d == "\t" else d) for d in DELIMITERS],
        "decimals": DECIMAL_SEPARATORS,
        "calendars": CALENDARS,
        "date_orders": DATE_ORDERS,
    }
