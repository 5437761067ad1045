"""The "Messages" section of the contact and document pages: what was sent to the
customer, through which channel, and whether it arrived (C4, E5)."""

from __future__ import annotations

from flask_login import current_user

from engine.domain.errors import PermissionDenied
from engine.services.messaging import MessageView, list_messages
from web.context import new_uow

SHOWN = 50


def readable_messages(
    *, contact_id: int | None = None, document_id: int | None = None
) -> list[MessageView] | None:
    """Return a contact's or a document's newest messages; None if the user may not read them.

    Messages hold customers' addresses and texts: the service refuses other users, and
    the page then leaves the section out rather than refuse the whole page.
    """
    try:
        return list_messages(
            new_uow(),
            actor_id=current_user.id,
            contact_id=contact_id,
            document_id=document_id,
            limit=SHOWN,
        )
    except PermissionDenied:
        return None
