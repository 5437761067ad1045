"""The invoice page's "Followers" card: who follows the thread, adding and removing them,
and writing to them by email; replies come back into the history (F1, F7, C4)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.domain.errors import ValidationFailed
from engine.services.followups import (
    FollowersPanel,
    follow_document,
    followers_panel,
    post_to_thread,
    unfollow_document,
)
from web.context import new_uow
from web.ui.forms import optional_int
from web.ui.pages import ui_blueprint

bp = ui_blueprint("follower_pages", __name__)


def document_followers(*, document_id: int) -> FollowersPanel:
    """Return the followers card of a document the current user may see."""
    return followers_panel(new_uow(), document_id=document_id, actor_id=current_user.id)


def _problems() -> dict[str, str]:
    return {
        "body": _("Write a message first."),
        "subject": _("The subject is too long."),
        "followers": _("No follower has an email address."),
        "contact_id": _("Choose a contact."),
    }


def _back(document_id: int) -> Response:
    return redirect(url_for("document_pages.show", document_id=document_id) + "#followers")


def _flash_invalid(error: ValidationFailed) -> None:
    problems = _problems()
    for name in error.fields:
        flash(problems.get(name, _("Please correct the marked fields.")), "error")


@bp.route("/documents/<int:document_id>/followers", methods=["POST"])
@login_required
def add(document_id: int) -> Response:
    """Add a contact to the document's followers (needs manage_contacts)."""
    try:
        contact_id = optional_int(request.form.get("contact_id"), field="contact_id")
        if contact_id is None:
            raise ValidationFailed.single("contact_id", "choose a contact")
        follow_document(
            new_uow(), document_id=document_id, contact_id=contact_id, actor_id=current_user.id
        )
    except ValidationFailed as error:
        _flash_invalid(error)
        return _back(document_id)
    flash(_("The contact now follows this document."), "success")
    return _back(document_id)


@bp.route("/documents/<int:document_id>/followers/<int:contact_id>/remove", methods=["POST"])
@login_required
def remove(document_id: int, contact_id: int) -> Response:
    """Remove a contact from the document's followers (needs manage_contacts)."""
    unfollow_document(
        new_uow(), document_id=document_id, contact_id=contact_id, actor_id=current_user.id
    )
    flash(_("The contact no longer follows this document."), "success")
    return _back(document_id)


@bp.route("/documents/<int:document_id>/thread", methods=["POST"])
@login_required
def post(document_id: int) -> Response:
    """Email a message to the document's followers (needs manage_contacts or follow_up)."""
    try:
        queued = post_to_thread(
            new_uow(),
            actor_id=current_user.id,
            document_id=document_id,
            body=request.form.get("body", ""),
            subject=request.form.get("subject") or None,
            request_key=request.form.get("request_key") or None,
        )
    except ValidationFailed as error:
        _flash_invalid(error)
        return _back(document_id)
    flash(_("Message queued for %(n)s follower(s).", n=len(queued)), "success")
    return _back(document_id)
