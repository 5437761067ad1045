"""Substitutes and assignment notices: what a user sets for their own work (issue 12 §7).

A user names a substitute for a range of days (both included, business dates). While it
runs, the substitute sees and works the user's personal tasks and the cartables of the
user's roles (engine.services.processes._registry.lanes_of, engine.services.cartable);
what the substitute does there is recorded as "substitute for user". A user may also opt
in to an email or SMS whenever a task is assigned to them personally. A user sets both
for themselves; a user who may manage users sets them for anyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from engine import clock
from engine.domain.errors import NotFound, PermissionDenied, ValidationFailed
from engine.domain.messages import Channel
from engine.domain.permissions import Perm
from engine.models.users import Delegation, User
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor
from engine.services.users.accounts import UserView, user_view

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DelegationView:
    """One delegation: whose work, to whom, from when to when."""

    id: int
    username: str
    substitute: str  # the substitute's username
    substitute_name: str
    starts_on: date
    ends_on: date
    active: bool  # runs today


def list_delegations(uow: UnitOfWork, *, actor_id: int, username: str) -> list[DelegationView]:
    """Return the user's delegations, the earliest first (the user's own, or manage_users)."""
    with uow:
        user = _owner(uow, load_actor(uow, actor_id), username)
        return [_view(uow, d, user) for d in uow.users.delegations_of(user.id)]


def create_delegation(
    uow: UnitOfWork,
    *,
    actor_id: int,
    username: str,
    substitute: str,
    starts_on: date,
    ends_on: date,
) -> DelegationView:
    """Name ``substitute`` for the user's work from ``starts_on`` to ``ends_on``.

    Raises NotFound for an unknown user, PermissionDenied for another user's delegation
    without manage_users, ValidationFailed naming ``substitute`` (unknown, disabled, the
    user), ``ends_on`` (before the start, or already past) or ``starts_on`` (overlaps
    another delegation of the user).
    """
    with uow:
        actor = load_actor(uow, actor_id)
        user = _owner(uow, actor, username)
        other = uow.users.by_username(substitute.strip())
        _check(uow, user, other, starts_on, ends_on)
        assert other is not None  # _check refused an unknown substitute
        delegation = uow.users.add_delegation(
            Delegation(
                user_id=user.id,
                substitute_id=other.id,
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=actor.id,
            )
        )
        details = {
            "user": user.username,
            "substitute": other.username,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        }
        uow.audit.record(
            actor_id=actor.id,
            action="delegation.create",
            entity="delegation",
            entity_id=delegation.id,
            details=details,
        )
        view = _view(uow, delegation, user)
        uow.commit()
        logger.info("delegation created", extra={"delegation_id": delegation.id})
        return view


def delete_delegation(uow: UnitOfWork, *, actor_id: int, username: str, delegation_id: int) -> None:
    """End a delegation now by removing it (NotFound when the user has no such one)."""
    with uow:
        actor = load_actor(uow, actor_id)
        user = _owner(uow, actor, username)
        delegation = uow.users.delegation(delegation_id)
        if delegation is None or delegation.user_id != user.id:
            raise NotFound(f"{username!r} has no delegation {delegation_id}")
        uow.users.remove_delegation(delegation)
        uow.audit.record(
            actor_id=actor.id,
            action="delegation.delete",
            entity="delegation",
            entity_id=delegation_id,
            details={"user": user.username},
        )
        uow.commit()


def set_assignment_notices(
    uow: UnitOfWork, *, actor_id: int, username: str, email: bool, sms: bool
) -> UserView:
    """Opt the user in or out of a message per channel when a task is assigned to them.

    Raises ValidationFailed naming ``email`` or ``sms`` when the user has no address or
    mobile number to send it to.
    """
    with uow:
        actor = load_actor(uow, actor_id)
        user = _owner(uow, actor, username)
        wanted = {Channel.EMAIL: (email, user.email), Channel.SMS: (sms, user.mobile)}
        missing = {
            c.value: "no address for it"
            for c, (on, to) in wanted.items()
            if on and not (to or "").strip()
        }
        if missing:
            raise ValidationFailed(missing)
        user.notify_assigned_email, user.notify_assigned_sms = email, sms
        uow.audit.record(
            actor_id=actor.id,
            action="user.notices",
            entity="user",
            entity_id=user.id,
            details={channel.value: on for channel, (on, _) in wanted.items()},
        )
        view = user_view(user)
        uow.commit()
        return view


def _owner(uow: UnitOfWork, actor: User, username: str) -> User:
    """Return the user ``username``: the actor, or anyone for a user who manages users."""
    if username == actor.username:
        return actor
    if Perm.MANAGE_USERS not in actor.permissions:
        raise PermissionDenied("you may set only your own substitutes and notices")
    user = uow.users.by_username(username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _check(
    uow: UnitOfWork, user: User, substitute: User | None, starts_on: date, ends_on: date
) -> None:
    errors: dict[str, str] = {}
    if substitute is None or not substitute.is_active:
        errors["substitute"] = "unknown or disabled user"
    elif substitute.id == user.id:
        errors["substitute"] = "a user cannot be their own substitute"
    if ends_on < starts_on:
        errors["ends_on"] = "must not be before starts_on"
    elif ends_on < clock.business_today():
        errors["ends_on"] = "the range is already over"
    else:
        clash = uow.users.overlapping_delegation(user.id, starts_on, ends_on)
        if clash is not None:
            errors["starts_on"] = (
                f"overlaps the delegation from {clash.starts_on} to {clash.ends_on}"
            )
    if errors:
        raise ValidationFailed(errors)


def _view(uow: UnitOfWork, delegation: Delegation, user: User) -> DelegationView:
    substitute = uow.users.get(delegation.substitute_id)
    today = clock.business_today()
    return DelegationView(
        id=delegation.id,
        username=user.username,
        substitute=substitute.username,
        substitute_name=substitute.full_name or substitute.username,
        starts_on=delegation.starts_on,
        ends_on=delegation.ends_on,
        active=delegation.starts_on <= today <= delegation.ends_on,
    )
