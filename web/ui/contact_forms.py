"""/contacts/new, /contacts/<id>/edit and /contacts/groups: the contact form with the
fields of its kind, and customer groups (issue 14 §8). The services check; these show."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.contacts import (
    KINDS,
    LANGUAGES,
    NewContact,
    create_contact,
    create_group,
    get_contact,
    list_groups,
    rename_group,
    update_contact,
)
from engine.services.terms import list_terms
from engine.services.users import colleagues
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import optional_decimal, optional_int
from web.ui.pages import error_message, ui_blueprint

bp = ui_blueprint("contact_forms", __name__)

TEXTS = ("name", "kind", "email", "mobile", "phone", "language", "national_id")
OPTIONAL_TEXTS = ("email", "mobile", "phone", "national_id", "invoice_address", "delivery_address")
TERMS = ("payment_term_days", "payment_term_months")


def _form_values(form: Any) -> dict[str, object]:
    """Read the form into the typed fields a contact has; raise ValidationFailed naming
    every field typed wrong (a number that is not one)."""
    values: dict[str, object] = {
        n: (form.get(n) or "").strip() for n in (*TEXTS, "invoice_address", "delivery_address")
    }
    for name in OPTIONAL_TEXTS:
        values[name] = values[name] or None
    values["language"] = values["language"] or "fa"
    errors: dict[str, str] = {}
    for name, read in (
        ("credit_limit", lambda v, f: optional_decimal(v, field=f)),  # empty: unlimited
        *((term, lambda v, f: optional_int(v, field=f)) for term in TERMS),
        ("owner_id", lambda v, f: optional_int(v, field=f)),
        ("customer_group_id", lambda v, f: optional_int(v, field=f)),
        ("payment_term_id", lambda v, f: optional_int(v, field=f)),  # issue 14 §3
    ):
        try:
            values[name] = read(form.get(name), name)
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
    if errors:
        raise ValidationFailed(errors)
    return values


def _page(contact: Any, values: dict[str, object], errors: dict[str, list[str]]) -> str:
    return render_template(
        "contacts/form.html",
        contact=contact,
        v=values,
        errors=errors,
        problem=error_message(ValidationFailed(errors)) if errors else None,
        kinds=KINDS,
        contact_languages=LANGUAGES,
        groups=list_groups(new_uow()),
        terms=list_terms(new_uow()),
        people=colleagues(new_uow(), actor_id=current_user.id),
    )


def _group_name(group_id: object) -> str | None:
    """Return the name of the chosen group (the create command takes a name)."""
    if group_id is None:
        return None
    names = {g.id: g.name for g in list_groups(new_uow())}
    if group_id not in names:
        raise ValidationFailed.single("customer_group_id", f"unknown customer group {group_id}")
    return names[group_id]


@bp.route("/contacts/new")
@permission_required(Perm.MANAGE_CONTACTS)
def new() -> ResponseReturnValue:
    """An empty contact form (a customer unless ``kind`` says otherwise)."""
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else "customer"
    return _page(None, {"kind": kind, "language": "fa"}, {})


@bp.route("/contacts/new", methods=["POST"])
@permission_required(Perm.MANAGE_CONTACTS)
def create() -> ResponseReturnValue:
    """Create the contact; show the form again with each bad field marked."""
    try:
        values = _form_values(request.form)
        values["customer_group"] = _group_name(values.pop("customer_group_id"))
        contact_id = create_contact(
            new_uow(),
            NewContact(**values),  # type: ignore[arg-type]
            actor_id=current_user.id,
        )
    except ValidationFailed as error:
        return _page(None, dict(request.form), error.fields), 422
    flash(_("Contact saved."), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))


@bp.route("/contacts/<int:contact_id>/edit")
@permission_required(Perm.MANAGE_CONTACTS)
def edit(contact_id: int) -> ResponseReturnValue:
    """The contact's form, filled in."""
    contact = get_contact(new_uow(), contact_id=contact_id, actor_id=current_user.id)
    return _page(contact, vars(contact), {})


@bp.route("/contacts/<int:contact_id>/edit", methods=["POST"])
@permission_required(Perm.MANAGE_CONTACTS)
def save(contact_id: int) -> ResponseReturnValue:
    """Save the edited contact (all or nothing; a stale form is refused)."""
    contact = get_contact(new_uow(), contact_id=contact_id, actor_id=current_user.id)
    try:
        update_contact(
            new_uow(),
            contact_id=contact_id,
            changes=_form_values(request.form),
            actor_id=current_user.id,
            lock_version=optional_int(request.form.get("lock_version"), field="lock_version"),
        )
    except ValidationFailed as error:
        return _page(contact, dict(request.form), error.fields), 422
    flash(_("Contact saved."), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))


@bp.route("/contacts/groups")
@permission_required(Perm.MANAGE_CONTACTS)
def groups() -> ResponseReturnValue:
    """Customer groups with their number of contacts; create and rename."""
    return render_template("contacts/groups.html", groups=list_groups(new_uow()), errors={})


@bp.route("/contacts/groups", methods=["POST"])
@permission_required(Perm.MANAGE_CONTACTS)
def groups_save() -> ResponseReturnValue:
    """Create a group, or rename the one ``group_id`` names."""
    name = request.form.get("name", "")
    try:
        group_id = optional_int(request.form.get("group_id"), field="group_id")
        if group_id is None:
            create_group(new_uow(), name=name, actor_id=current_user.id)
        else:
            rename_group(new_uow(), group_id=group_id, name=name, actor_id=current_user.id)
    except ValidationFailed as error:
        page = render_template(
            "contacts/groups.html", groups=list_groups(new_uow()), errors=error.fields
        )
        return page, 422
    flash(_("Customer group saved."), "success")
    return redirect(url_for("contact_forms.groups"))
