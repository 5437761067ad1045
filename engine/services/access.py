"""Who may do what: permission checks live here, in the service layer (E2, I11)."""

from __future__ import annotations

from engine.domain.errors import PermissionDenied
from engine.domain.permissions import Perm
from engine.models.documents import Document
from engine.models.users import User
from engine.services.unit_of_work import UnitOfWork


def load_actor(uow: UnitOfWork, actor_id: int) -> User:
    """Return the acting user; raise PermissionDenied for an unknown or disabled one."""
    user = uow.users.find(actor_id)
    if user is None or not user.is_active:
        raise PermissionDenied("unknown or disabled user")
    return user


def require(user: User, permission: Perm) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission``."""
    if permission not in user.permissions:
        raise PermissionDenied(f"you need the {permission.value!r} permission for this")


def task_holders(uow: UnitOfWork, document: Document) -> set[int]:
    """Return the ids of users holding the document's open cartable steps."""
    return {t.assignee_id for t in uow.tasks.open_of_document(document.id) if t.assignee_id}


def can_view(uow: UnitOfWork, user: User, document: Document) -> bool:
    """Tell whether ``user`` may see ``document`` (T3.11)."""
    if not document.type.restrict_view or Perm.VIEW_ALL in user.permissions:
        return True
    return user.id == document.created_by or user.id in task_holders(uow, document)
