"""Users, roles, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.models.audit import AuditEntry
from engine.models.users import ApiToken, Role, User
from engine.repositories.base import Repository


class UserRepository(Repository[User]):
    model = User
    label = "user"

    def by_username(self, username: str) -> User | None:
        """Return the user with this login name, or None."""
        return self.session.scalars(select(User).where(User.username == username)).first()

    def role(self, name: str) -> Role | None:
        """Return the role with this name, or None."""
        return self.session.scalars(select(Role).where(Role.name == name)).first()

    def roles(self) -> list[Role]:
        """Return every role, by name."""
        return list(self.session.scalars(select(Role).order_by(Role.name)))

    def token(self, token_hash: str, now: datetime) -> ApiToken | None:
        """Return the unexpired token with this hash, or None."""
        stmt = select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.expires_at > now)
        return self.session.scalars(stmt).first()

    def with_permission(self, permission: str) -> list[User]:
        """Return active users holding ``permission`` through a role."""
        users = self.session.scalars(select(User).where(User.is_active.is_(True)))
        return [u for u in users if permission in u.permissions]


class AuditRepository(Repository[AuditEntry]):
    model = AuditEntry
    label = "audit entry"

    def record(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: object = None,
        details: dict[str, Any] | None = None,
        remote_addr: str | None = None,
    ) -> None:
        """Stage one audit row (committed with the change it describes)."""
        self.session.add(
            AuditEntry(
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                details=details or {},
                remote_addr=remote_addr,
            )
        )
