"""Who may do what: permission checks live here, in the service layer (E2, I11)."""

from __future__ import annotations

from engine.domain.errors import PermissionDenied
from engine.domain.permissions import Perm
from engine.models.documents import Document
from engine.models.users import User
from engine.repositories.visibility import Viewer
from engine.services.processes._registry import lanes_of
from engine.services.unit_of_work import AbstractUnitOfWork, UnitOfWork

# Who may read accounts: balances, ledgers, payments, statements and customer messages.
# A user with none of these (a designer, say) gets PermissionDenied (403).
ACCOUNT_READERS = (Perm.VIEW_ALL, Perm.MANAGE_CONTACTS, Perm.RECORD_PAYMENTS)


def load_actor(uow: AbstractUnitOfWork, actor_id: int) -> User:
    """Return the acting user; raise PermissionDenied for an unknown or disabled one."""
    user = uow.users.with_roles(actor_id)
    if user is None or not user.is_active:
        raise PermissionDenied("unknown or disabled user")
    return user


def require(user: User, permission: Perm) -> None:
    """Raise PermissionDenied unless ``user`` holds ``permission``."""
    if permission not in user.permissions:
        raise PermissionDenied(f"you need the {permission.value!r} permission for this")


def viewer_of(uow: UnitOfWork, user: User) -> Viewer | None:
    """Return what ``user`` sees under the visibility rule (None: everything, view_all)."""
    if Perm.VIEW_ALL in user.permissions:
        return None
    return Viewer(user.id, tuple(lanes_of(uow, user)))


def can_view(uow: UnitOfWork, user: User, document: Document) -> bool:
    """Tell whether ``user`` may see ``document`` (T3.11; engine.repositories.visibility)."""
    return uow.documents.is_visible(document.id, viewer_of(uow, user))


def require_account_reader(user: User) -> None:
    """Raise PermissionDenied unless ``user`` may read accounts (ACCOUNT_READERS)."""
    if not any(p in user.permissions for p in ACCOUNT_READERS):
        raise PermissionDenied("you may not read customers' accounts")


def account_viewer(uow: UnitOfWork, actor_id: int) -> Viewer | None:
    """Load the actor, check they may read accounts, and return what they see."""
    actor = load_actor(uow, actor_id)
    require_account_reader(actor)
    return viewer_of(uow, actor)
