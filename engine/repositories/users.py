"""Users, roles, API tokens and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from engine.models.audit import AuditEntry
from engine.models.users import ApiToken, Delegation, LoginFailure, Role, User, user_roles
from engine.repositories import journal
from engine.repositories.base import Repository

# Where the current request comes from; the web layer sets it per request so every
# audit row says "from where" (E2) without each service passing it along.
REMOTE_ADDR: ContextVar[str | None] = ContextVar("cartable_remote_addr", default=None)


class UserRepository(Repository[User]):
    model = User
    label = "user"

    def with_roles(self, user_id: int) -> User | None:
        """Return the user and its roles in one query (issue 11 §4), or None."""
        return self.session.get(User, user_id, options=(joinedload(User.roles),))

    def by_username(self, username: str) -> User | None:
        """Return the user with this login name, or None."""
        return self.session.scalars(select(User).where(User.username == username)).first()

    def role_by_code(self, code: str) -> Role | None:
        """Return the role with this code (what lanes, tokens and the API name), or None."""
        return self.session.scalars(select(Role).where(Role.code == code)).first()

    def member_ids(self, code: str) -> list[int]:
        """Return the ids of the active users holding the role ``code``, in id order."""
        stmt = (
            select(User.id)
            .join(user_roles, user_roles.c.user_id == User.id)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(Role.code == code, User.is_active.is_(True))
            .order_by(User.id)
        )
        return list(self.session.scalars(stmt))

    def add_role(self, role: Role) -> Role:
        """Stage a new role and flush it (its id is then known)."""
        self.session.add(role)
        self.session.flush()
        return role

    def add_token(self, token: ApiToken) -> None:
        """Stage a new API token (written at the next flush)."""
        self.session.add(token)

    @staticmethod
    def role_codes(user: User) -> frozenset[str]:
        """Return the codes of ``user``'s roles, the ones lanes name (issue 12 §2)."""
        return frozenset(role.code for role in user.roles)

    def roles(self) -> list[Role]:
        """Return every role, by code."""
        return list(self.session.scalars(select(Role).order_by(Role.code)))

    def managers_above(self, user_id: int) -> list[int]:
        """Return the ids up the user's chain of managers, nearest first (stops at a loop)."""
        chain: list[int] = []
        current = self.session.get(User, user_id)
        while current is not None and current.manager_id is not None:
            if current.manager_id in chain or current.manager_id == user_id:
                break
            chain.append(current.manager_id)
            current = self.session.get(User, current.manager_id)
        return chain

    def token(self, token_hash: str, now: datetime) -> ApiToken | None:
        """Return the unexpired token with this hash, or None."""
        stmt = select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.expires_at > now)
        return self.session.scalars(stmt).first()

    def set_first_session_token(self, user_id: int, token: str) -> None:
        """Give the user ``token`` unless they have one (two first sign-ins: one wins)."""
        self.session.execute(
            update(User)
            .where(User.id == user_id, User.session_token.is_(None))
            .values(session_token=token)
        )

    def revoke_tokens(self, user_id: int) -> int:
        """Delete every API token of the user; return how many there were."""
        result = self.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def failures(
        self, *, client: str, since: datetime, username: str | None = None
    ) -> tuple[int, datetime | None]:
        """Return (count, latest) of failed sign-ins from ``client`` since ``since``,
        for one user name or (None) for any."""
        stmt = select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.client == client, LoginFailure.at > since
        )
        if username is not None:
            stmt = stmt.where(LoginFailure.username == username)
        count, latest = self.session.execute(stmt).one()
        return int(count), latest

    def record_failure(self, *, username: str, client: str, now: datetime) -> None:
        """Stage one failed sign-in and forget those older than a day."""
        self.session.add(LoginFailure(username=username, client=client, at=now))
        self.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))

    def forget_failures(self, *, username: str, client: str) -> None:
        """Forget the failures of this name from this client (after a good sign-in)."""
        self.session.execute(
            delete(LoginFailure).where(
                LoginFailure.username == username, LoginFailure.client == client
            )
        )

    def all_by_name(self) -> list[User]:
        """Return every user, by login name."""
        return list(self.session.scalars(select(User).order_by(User.username)))

    def role_counts(self) -> dict[int, int]:
        """Return {role id: number of users holding it}."""
        stmt = select(user_roles.c.role_id, func.count()).group_by(user_roles.c.role_id)
        return {role_id: int(n) for role_id, n in self.session.execute(stmt)}

    def members_of(self, role_codes: Iterable[str]) -> list[User]:
        """Return the active users holding any of these roles, by login name."""
        codes = list(role_codes)
        stmt = (
            select(User)
            .join(user_roles, user_roles.c.user_id == User.id)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(Role.code.in_(codes), User.is_active.is_(True))
            .order_by(User.username)
            .distinct()
        )
        return list(self.session.scalars(stmt)) if codes else []

    def delegators_of(self, substitute_id: int, day: date) -> list[User]:
        """Return the active users whose delegation to ``substitute_id`` runs on ``day``."""
        stmt = (
            select(User)
            .join(Delegation, Delegation.user_id == User.id)
            .where(
                Delegation.substitute_id == substitute_id,
                Delegation.starts_on <= day,
                Delegation.ends_on >= day,
                User.is_active.is_(True),
            )
            .order_by(User.username)
            .distinct()
        )
        return list(self.session.scalars(stmt))

    def delegations_of(self, user_id: int) -> list[Delegation]:
        """Return the user's delegations, the earliest first."""
        stmt = select(Delegation).where(Delegation.user_id == user_id)
        return list(self.session.scalars(stmt.order_by(Delegation.starts_on, Delegation.id)))

    def overlapping_delegation(
        self, user_id: int, starts_on: date, ends_on: date
    ) -> Delegation | None:
        """Return a delegation of the user that shares a day with the range, or None."""
        stmt = select(Delegation).where(
            Delegation.user_id == user_id,
            Delegation.starts_on <= ends_on,
            Delegation.ends_on >= starts_on,
        )
        return self.session.scalars(stmt.order_by(Delegation.id)).first()

    def add_delegation(self, delegation: Delegation) -> Delegation:
        """Stage a delegation and flush it (its id is then known)."""
        self.session.add(delegation)
        self.session.flush()
        return delegation

    def delegation(self, delegation_id: int) -> Delegation | None:
        """Return the delegation, or None."""
        return self.session.get(Delegation, delegation_id)

    def remove_delegation(self, delegation: Delegation) -> None:
        """Delete the delegation (at the next flush)."""
        self.session.delete(delegation)

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
        """Queue one audit row; the commit writes it with the change it describes."""
        journal.stage(
            self.session,
            AuditEntry(
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                details=details or {},
                remote_addr=remote_addr or REMOTE_ADDR.get(),
            ),
        )

    def search(
        self,
        *,
        actor_id: int | None = None,
        action: str | None = None,
        entity: str | None = None,
        text: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[AuditEntry]:
        """Return audit rows newest first, filtered by who, what and when."""
        journal.write(self.session)  # this transaction's own rows too
        stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if actor_id is not None:
            stmt = stmt.where(AuditEntry.actor_id == actor_id)
        if action:
            stmt = stmt.where(AuditEntry.action.startswith(action))
        if entity:
            stmt = stmt.where(AuditEntry.entity == entity)
        if text:
            stmt = stmt.where(
                or_(
                    AuditEntry.entity_id == text,
                    AuditEntry.remote_addr == text,
                    cast(AuditEntry.details, String).contains(text),
                )
            )
        if since is not None:
            stmt = stmt.where(AuditEntry.at >= since)
        if until is not None:
            stmt = stmt.where(AuditEntry.at < until)
        return list(self.session.scalars(stmt.limit(limit).offset(offset)))
