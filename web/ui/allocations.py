"""The contact page's credit (issue 14 §2): apply a payment's or a return's unallocated
credit to an open invoice, and undo an allocation. The services decide; these forms ask."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from engine.domain.errors import ValidationFailed
from engine.domain.permissions import Perm
from engine.services.accounts import (
    ContactCredit,
    NewAllocation,
    allocate_credit,
    contact_credit,
    undo_allocation,
)
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import optional_decimal, optional_int
from web.ui.pages import ui_blueprint

bp = ui_blueprint("allocation_pages", __name__)


@bp.app_template_global()
def credit_of(contact_id: int) -> ContactCredit:
    """The contact page's credit section (contacts/_credit.html) reads it."""
    return contact_credit(new_uow(), contact_id=contact_id, actor_id=current_user.id)


@bp.route("/contacts/<int:contact_id>/allocations", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def allocate(contact_id: int) -> ResponseReturnValue:
    """Apply credit (``source`` is p:<payment id> or d:<return id>) to an open invoice."""
    form = request.form
    kind, _sep, number = (form.get("source") or "").partition(":")
    source_id = optional_int(number, field="source")
    if kind not in ("p", "d") or source_id is None:
        raise ValidationFailed.single("source", "choose the credit to apply")
    document_id = optional_int(form.get("document_id"), field="document_id")
    if document_id is None:
        raise ValidationFailed.single("document_id", "choose the invoice")
    amount = optional_decimal(form.get("amount"), field="amount")
    allocate_credit(
        new_uow(),
        NewAllocation(
            document_id=document_id,
            amount=amount if amount is not None else Decimal(0),
            payment_id=source_id if kind == "p" else None,
            source_document_id=source_id if kind == "d" else None,
        ),
        actor_id=current_user.id,
    )
    flash(_("Credit applied."), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))


@bp.route("/contacts/<int:contact_id>/allocations/<int:allocation_id>/undo", methods=["POST"])
@permission_required(Perm.RECORD_PAYMENTS)
def undo(contact_id: int, allocation_id: int) -> ResponseReturnValue:
    """Undo an allocation: the credit is free again, the invoice open again."""
    undo_allocation(new_uow(), allocation_id=allocation_id, actor_id=current_user.id)
    flash(_("Allocation undone."), "success")
    return redirect(url_for("contact_pages.show", contact_id=contact_id))
