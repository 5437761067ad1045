"""/admin/payment-terms: payment terms with their instalments and early discount (issue
14 §3, §4). The services check; these pages show and read the form."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.errors import InvalidState, ValidationFailed
from engine.domain.payment_terms import Delay, LineValue, TaxMode
from engine.domain.permissions import Perm
from engine.services.terms import create_term, delete_term, get_term, list_terms, update_term
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import optional_int
from web.ui.pages import error_message, ui_blueprint

bp = ui_blueprint("term_pages", __name__, url_prefix="/admin/payment-terms")

FORM_LINES = 6  # rows of the form; empty ones are left out


def _page(term: Any, values: dict[str, Any], errors: dict[str, list[str]]) -> str:
    """Render the list and the form; ``values`` are the form's fields by input name."""
    return render_template(
        "admin/payment_terms.html",
        terms=list_terms(new_uow()),
        term=term,
        v=values,
        errors=errors,
        problem=error_message(ValidationFailed(errors)) if errors else None,
        values=[v.value for v in LineValue],
        delays=[d.value for d in Delay],
        tax_modes=[m.value for m in TaxMode],
        rows=FORM_LINES,
    )


def _as_form(
    name: str, lines: list[dict[str, Any]], early: dict[str, Any] | None
) -> dict[str, Any]:
    """Return a term as the form's fields (``lines-0-value`` ...)."""
    values: dict[str, Any] = {"name": name}
    for row, line in enumerate(lines):
        for key in ("value", "amount", "days", "delay", "day"):
            values[f"lines-{row}-{key}"] = line.get(key)
    if early:
        values.update(
            early_percent=early["percent"],
            early_days=early["days"],
            early_tax_mode=early["tax_mode"],
        )
    return values


def _blank() -> dict[str, Any]:
    return _as_form("", [{"value": "balance", "days": 30, "delay": "days_after"}], None)


def _read_form(form: Any) -> tuple[dict[str, Any], list[int]]:
    """Return the term the form describes and, per line sent, its row on the form.

    Raises ValidationFailed naming a row's days or day that is not a whole number.
    """
    lines: list[dict[str, Any]] = []
    rows: list[int] = []
    errors: dict[str, str] = {}
    for row in range(FORM_LINES):
        value = (form.get(f"lines-{row}-value") or "").strip()
        if not value:
            continue
        line: dict[str, Any] = {
            "value": value,
            "delay": form.get(f"lines-{row}-delay") or "days_after",
        }
        amount = (form.get(f"lines-{row}-amount") or "").strip()
        if amount:
            line["amount"] = amount
        for name, default in (("days", 0), ("day", None)):
            try:
                read = optional_int(form.get(f"lines-{row}-{name}"), field=f"lines[{row}].{name}")
            except ValidationFailed as error:
                errors.update({k: v[0] for k, v in error.fields.items()})
                continue
            line[name] = default if read is None else read
        rows.append(row)
        lines.append(line)
    early = None
    if (form.get("early_percent") or "").strip():
        try:
            days = optional_int(form.get("early_days"), field="early_discount.days")
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
            days = None
        early = {
            "percent": form.get("early_percent"),
            "days": days,
            "tax_mode": form.get("early_tax_mode"),
        }
    if errors:
        raise ValidationFailed(errors)
    return {"name": form.get("name") or "", "lines": lines, "early_discount": early}, rows


def _on_form(error: ValidationFailed, rows: list[int]) -> dict[str, list[str]]:
    """Name each error by the form row it is on (lines[1] may be the form's third row)."""
    out: dict[str, list[str]] = {}
    for key, messages in error.fields.items():
        for index, row in enumerate(rows):
            key = key.replace(f"lines[{index}]", f"lines-{row}", 1)
        out[key] = messages
    return out


@bp.route("")
@permission_required(Perm.MANAGE_TYPES)
def index() -> ResponseReturnValue:
    """The terms, each with its lines and early discount, and a form for a new one."""
    return _page(None, _blank(), {})


@bp.route("", methods=["POST"])
@permission_required(Perm.MANAGE_TYPES)
def create() -> ResponseReturnValue:
    """Create a term; show the form again with each bad field marked."""
    rows: list[int] = []
    try:
        body, rows = _read_form(request.form)
        create_term(new_uow(), actor_id=current_user.id, **body)
    except ValidationFailed as error:
        return _page(None, dict(request.form), _on_form(error, rows)), 422
    flash(_("Payment term saved."), "success")
    return redirect(url_for("term_pages.index"))


@bp.route("/<int:term_id>")
@permission_required(Perm.MANAGE_TYPES)
def edit(term_id: int) -> ResponseReturnValue:
    """The term's form, filled in."""
    term = get_term(new_uow(), term_id=term_id)
    values = _as_form(term.name, term.lines, term.early_discount)
    return _page(term, {**values, "lock_version": term.lock_version}, {})


@bp.route("/<int:term_id>", methods=["POST"])
@permission_required(Perm.MANAGE_TYPES)
def save(term_id: int) -> ResponseReturnValue:
    """Save the term's form; invoices already posted keep their instalments."""
    term = get_term(new_uow(), term_id=term_id)
    rows: list[int] = []
    try:
        body, rows = _read_form(request.form)
        version = optional_int(request.form.get("lock_version"), field="lock_version")
        update_term(
            new_uow(), term_id=term_id, changes=body, actor_id=current_user.id, lock_version=version
        )
    except ValidationFailed as error:
        return _page(term, dict(request.form), _on_form(error, rows)), 422
    flash(_("Payment term saved."), "success")
    return redirect(url_for("term_pages.index"))


@bp.route("/<int:term_id>/delete", methods=["POST"])
@permission_required(Perm.MANAGE_TYPES)
def delete(term_id: int) -> ResponseReturnValue:
    """Delete a term no contact or document uses (the page says why when one does)."""
    try:
        delete_term(new_uow(), term_id=term_id, actor_id=current_user.id)
    except InvalidState:
        flash(
            _("This payment term is in use by contacts or documents; it cannot be deleted."),
            "error",
        )
        return redirect(url_for("term_pages.index"))
    flash(_("Payment term deleted."), "success")
    return redirect(url_for("term_pages.index"))
