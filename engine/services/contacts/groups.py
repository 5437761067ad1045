"""Customer groups (SPEC P3, issue 14 §8): list, create, rename."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.bounds import required_name
from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.permissions import Perm
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

MAX_NAME = 120


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    contacts: int  # how many contacts are in it


def list_groups(uow: UnitOfWork) -> list[GroupView]:
    """Return every customer group by name with its number of contacts."""
    with uow:
        return [GroupView(g.id, g.name, count) for g, count in uow.contacts.groups()]


def create_group(uow: UnitOfWork, *, name: str, actor_id: int) -> GroupView:
    """Create a customer group; raise ValidationFailed on ``name`` if empty or taken."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
        group = uow.contacts.add_group(_checked_name(uow, name, None))
        uow.audit.record(
            actor_id=actor_id,
            action="customer_group.create",
            entity="customer_group",
            entity_id=group.id,
            details={"name": group.name},
        )
        uow.commit()
        return GroupView(group.id, group.name, 0)


def rename_group(uow: UnitOfWork, *, group_id: int, name: str, actor_id: int) -> GroupView:
    """Rename a customer group; its contacts stay in it."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
        group = uow.contacts.find_group(group_id)
        if group is None:
            raise NotFound(f"customer group {group_id} not found")
        before = group.name
        group.name = _checked_name(uow, name, group.id)
        uow.audit.record(
            actor_id=actor_id,
            action="customer_group.rename",
            entity="customer_group",
            entity_id=group.id,
            details={"name": [before, group.name]},
        )
        count = next(c for g, c in uow.contacts.groups() if g.id == group.id)
        uow.commit()
        return GroupView(group.id, group.name, count)


def _checked_name(uow: UnitOfWork, name: str, own_id: int | None) -> str:
    """Return the stripped name, or raise ValidationFailed on ``name``."""
    name = required_name(name, maximum=MAX_NAME)
    other = uow.contacts.group_named(name)
    if other is not None and other.id != own_id:
        raise ValidationFailed.single("name", "another customer group has this name")
    return name
