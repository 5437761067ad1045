"""/admin: users, roles and permissions, document-type settings, the audit log (E2, T2, T3).

Every change goes through a service that checks the permission again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.documents import (
    CREDIT_BREACHES,
    EDITABLE,
    PREVIEWS,
    SORTS,
    get_type,
    list_types,
    update_type,
)
from engine.services.users import (
    UserEdit,
    create_role,
    create_user,
    list_roles,
    list_users,
    search_audit,
    update_role,
    update_user,
)
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import flag, optional_date, optional_decimal, optional_int, page_number
from web.ui.pages import error_message, ui_blueprint

bp = ui_blueprint("admin", __name__, url_prefix="/admin")

BOOL_SETTINGS = (
    "is_active",
    "requires_approval",
    "requires_numbering",
    "allow_duplicate_products",
    "totals_editable",
    "whole_numbers",
    "restrict_edit_to_workflow",
    "restrict_view",
    "assign_customer_number",
    "reapprove_after_edit",
)
TEXT_SETTINGS = (
    "name",
    "description",
    "code",
    "numbering_pattern",
    "sort_by",
    "preview_format",
    "credit_breach",
)
INT_SETTINGS = ("position", "quantity_decimals")
OPTIONAL_INT_SETTINGS = ("editable_hours", "deletable_hours")
PERCENT_SETTINGS = ("tax_percent", "levy_percent")
OPTIONAL_AMOUNT_SETTINGS = ("finance_approval_above",)  # empty: none (issue 12 §5)


@bp.route("")
@permission_required(Perm.MANAGE_USERS)
def index() -> ResponseReturnValue:
    """Open the users page."""
    return redirect(url_for("admin.users"))


@bp.route("/users")
@permission_required(Perm.MANAGE_USERS)
def users() -> ResponseReturnValue:
    """List users with their roles; forms to add one and to change roles or state."""
    uid = current_user.id
    return render_template(
        "admin/users.html",
        users=list_users(new_uow(), actor_id=uid),
        roles=list_roles(new_uow(), actor_id=uid),
    )


@bp.route("/users", methods=["POST"])
@permission_required(Perm.MANAGE_USERS)
def create() -> ResponseReturnValue:
    """Create a user with the chosen roles."""
    create_user(
        new_uow(),
        username=request.form.get("username", "").strip(),
        password=request.form.get("password", ""),
        roles=request.form.getlist("roles"),
        full_name=request.form.get("full_name", "").strip(),
        locale=request.form.get("locale", "fa"),
        email=request.form.get("email", ""),
        mobile=request.form.get("mobile", ""),
        manager=request.form.get("manager", ""),
        actor_id=current_user.id,
    )
    flash(_("User created."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>", methods=["POST"])
@permission_required(Perm.MANAGE_USERS)
def update(user_id: int) -> ResponseReturnValue:
    """Change a user's roles, contact details, manager and whether they may sign in."""
    form = request.form
    edit = UserEdit(
        roles=form.getlist("roles"),
        is_active=flag(form.get("is_active")),
        full_name=form.get("full_name"),
        email=form.get("email"),
        mobile=form.get("mobile"),
        manager=form.get("manager"),
    )
    update_user(new_uow(), user_id=user_id, actor_id=current_user.id, edit=edit)
    flash(_("User saved."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/roles")
@permission_required(Perm.MANAGE_USERS)
def roles() -> ResponseReturnValue:
    """Show roles × permissions."""
    return render_template(
        "admin/roles.html", roles=list_roles(new_uow(), actor_id=current_user.id), perms=list(Perm)
    )


@bp.route("/roles", methods=["POST"])
@permission_required(Perm.MANAGE_USERS)
def add_role() -> ResponseReturnValue:
    """Create a role: its code (what diagrams' lanes name), name and permissions."""
    create_role(
        new_uow(),
        code=request.form.get("code", ""),
        name=request.form.get("name", ""),
        permissions=request.form.getlist("permissions"),
        actor_id=current_user.id,
    )
    flash(_("Role created."), "success")
    return redirect(url_for("admin.roles"))


@bp.route("/roles/<code>", methods=["POST"])
@permission_required(Perm.MANAGE_USERS)
def edit_role(code: str) -> ResponseReturnValue:
    """Rename a role or replace its permissions (its code stays)."""
    update_role(
        new_uow(),
        code=code,
        name=request.form.get("name", ""),
        permissions=request.form.getlist("permissions"),
        actor_id=current_user.id,
    )
    flash(_("Role saved."), "success")
    return redirect(url_for("admin.roles"))


@bp.route("/types")
@permission_required(Perm.MANAGE_TYPES)
def types() -> ResponseReturnValue:
    """List the document types and their main settings."""
    return render_template("admin/types.html", types=list_types(new_uow()))


@bp.route("/types/<code>")
@permission_required(Perm.MANAGE_TYPES)
def type_form(code: str) -> ResponseReturnValue:
    """Show one type's settings form (T3)."""
    return _type_page(get_type(new_uow(), code=code), errors={})


@bp.route("/types/<code>", methods=["POST"])
@permission_required(Perm.MANAGE_TYPES)
def save_type(code: str) -> ResponseReturnValue:
    """Save a type's settings; the service validates each one."""
    current = get_type(new_uow(), code=code)
    try:
        changes = _type_changes(request.form, current)
        saved = update_type(
            new_uow(),
            code=code,
            changes=changes,
            actor_id=current_user.id,
            lock_version=optional_int(request.form.get("lock_version"), field="lock_version"),
        )
    except ValidationFailed as error:
        return _type_page(current, errors=error.fields), 422
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin.type_form", code=saved.code))


@bp.route("/audit")
@permission_required(Perm.VIEW_AUDIT)
def audit() -> ResponseReturnValue:
    """Search the audit log: who, what, when and from where (E2)."""
    args = request.args
    page = page_number(args.get("page"))
    problem = None
    rows: list[Any] = []
    try:
        rows = search_audit(
            new_uow(),
            actor_id=current_user.id,
            actor=args.get("actor") or None,
            action=args.get("action") or None,
            entity=args.get("entity") or None,
            text=(args.get("q") or "").strip() or None,
            since=optional_date(args.get("from"), field="from"),
            until=optional_date(args.get("to"), field="to"),
            limit=51,
            offset=(page - 1) * 50,
        )
    except ValidationFailed as error:
        problem = error_message(error)
    params = {k: args[k] for k in ("actor", "action", "entity", "q", "from", "to") if args.get(k)}
    return render_template(
        "admin/audit.html",
        rows=rows[:50],
        has_more=len(rows) > 50,
        page_number=page,
        params=params,
        problem=problem,
    )


def _type_page(settings: Any, *, errors: dict[str, list[str]]) -> str:
    return render_template(
        "admin/type_form.html",
        t=settings,
        errors=errors,
        problem=error_message(ValidationFailed(errors)) if errors else None,
        bool_settings=BOOL_SETTINGS,
        sorts=SORTS,
        previews=PREVIEWS,
        credit_breaches=CREDIT_BREACHES,
    )


def _type_changes(form: Any, current: Any) -> dict[str, object]:
    """Read the settings form into typed values, keeping only what changed."""
    values: dict[str, object] = {name: flag(form.get(name)) for name in BOOL_SETTINGS}
    for name in TEXT_SETTINGS:
        values[name] = (form.get(name) or "").strip()
    errors: dict[str, str] = {}
    for name in (
        *INT_SETTINGS,
        *OPTIONAL_INT_SETTINGS,
        *PERCENT_SETTINGS,
        *OPTIONAL_AMOUNT_SETTINGS,
    ):
        try:
            if name in OPTIONAL_AMOUNT_SETTINGS:
                number: object = optional_decimal(form.get(name), field=name)
            elif name in PERCENT_SETTINGS:
                number = optional_decimal(form.get(name), field=name) or Decimal(0)
            else:
                number = optional_int(form.get(name), field=name)
                if number is None and name in INT_SETTINGS:
                    number = 0
            values[name] = number
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
    if errors:
        raise ValidationFailed(errors)
    return {k: v for k, v in values.items() if k in EDITABLE and getattr(current, k, None) != v}
