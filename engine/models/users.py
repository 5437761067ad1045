"""Users, roles (each a set of permissions), API tokens and failed sign-ins (SPEC E2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, JSONType, utcnow
from engine.models.types import UTCDateTime

user_roles = Table(
    "user_role",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Base):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What lanes, tokens and the API name the role by (issue 12 §2); ``name`` is for people.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    permissions: Mapped[list[str]] = mapped_column(JSONType, default=list)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    mobile: Mapped[str | None] = mapped_column(String(32))
    # Whom the user reports to (issue 12 §2, §4); never the user, directly or up a chain.
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="fa")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Opted in: a message when a task is assigned to the user personally (issue 12 §7).
    notify_assigned_email: Mapped[bool] = mapped_column(default=False, server_default=false())
    notify_assigned_sms: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Part of every session cookie; replaced on sign-out and password change, which ends
    # every session of the user at once (issue 10 #8). None until the first sign-in.
    session_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    # Loaded on use; a list of users finds its managers in the session without a query.
    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="select")

    @property
    def permissions(self) -> frozenset[str]:
        return frozenset(p for role in self.roles for p in role.permissions)


class Delegation(Base):
    """A user's substitute from one day to another, both included (issue 12 §7).

    While it runs, the substitute sees and works the user's personal tasks and the
    cartables of the user's roles; what the substitute does there is recorded as
    "substitute for user".
    """

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="ck_delegation_range"),
        CheckConstraint("user_id <> substitute_id", name="ck_delegation_self"),
        Index("ix_delegation_substitute_ends_on", "substitute_id", "ends_on"),
        Index("ix_delegation_user_ends_on", "user_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date())
    ends_on: Mapped[date] = mapped_column(Date())
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """One failed sign-in: which name was tried from which client address, and when.

    Throttling counts these per (name, client) and per client, never per name alone, so
    nobody can lock another person out from their own address (issue 10 #8).
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_client_at", "client", "at"),
        Index("ix_login_failure_username_client", "username", "client"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
