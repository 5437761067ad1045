"""Follow-up levels: list, create, change, delete, and the shipped defaults (F1).

A level's days are read by the follow-up process each time it plans (plan_followup),
so a change here moves every customer's next step without touching a workflow;
customers whose stored next date depended on the old days are re-dated here too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.followup_defaults import DEFAULT_LEVELS
from engine.domain.followups import check_level
from engine.domain.messages import CHANNELS
from engine.domain.permissions import Perm
from engine.models.followups import FollowupLevel
from engine.services.followups._messages import template_errors
from engine.services.followups._schedule import redate_customers
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

logger = logging.getLogger(__name__)

EDITABLE = (
    "description",
    "days",
    "channels",
    "templates",
    "automatic",
    "attach_invoices",
    "add_follower",
    "activity_type",
    "activity_summary",
    "is_active",
)


@dataclass(frozen=True)
class LevelView:
    id: int
    description: str
    days: int
    channels: tuple[str, ...]
    templates: dict[str, dict[str, str]]
    automatic: bool
    attach_invoices: bool
    add_follower: bool
    activity_type: str | None
    activity_summary: str
    is_active: bool
    lock_version: int


@dataclass(frozen=True)
class LevelInput:
    """A level's fields as a form or the API sends them (all of them on create)."""

    description: str
    days: int
    channels: tuple[str, ...] = ()
    templates: dict[str, dict[str, str]] = field(default_factory=dict)
    automatic: bool = True
    attach_invoices: bool = False
    add_follower: bool = False
    activity_type: str | None = None
    activity_summary: str = ""
    is_active: bool = True


def ensure_default_levels(uow: UnitOfWork) -> None:
    """Create the shipped levels when there are none (inside the caller's unit of work)."""
    if uow.followups.levels(active_only=False):
        return
    for default in DEFAULT_LEVELS:
        level = FollowupLevel()
        _apply(
            level,
            LevelInput(
                description=default.description,
                days=default.days,
                channels=default.channels,
                templates=default.templates,
                automatic=default.automatic,
                attach_invoices=default.attach_invoices,
                add_follower=default.add_follower,
                activity_type=default.activity_type,
                activity_summary=default.activity_summary,
            ),
        )
        uow.followups.add_level(level)


def list_levels(uow: UnitOfWork, *, actor_id: int) -> list[LevelView]:
    """Return every level, active or not, in firing order."""
    with uow:
        load_actor(uow, actor_id)
        return [level_view(level) for level in uow.followups.levels(active_only=False)]


def create_level(uow: UnitOfWork, data: LevelInput, *, actor_id: int) -> LevelView:
    """Add a level. Raises ValidationFailed naming the field, PermissionDenied."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_FOLLOWUP_LEVELS)
        _check(uow, data, level_id=None)
        _check_texts(data)
        level = FollowupLevel()
        _apply(level, data)
        uow.followups.add_level(level)
        uow.flush()
        _audit(uow, actor_id, "followup_level.create", level)
        uow.commit()
        return level_view(level)


def update_level(
    uow: UnitOfWork, *, level_id: int, changes: Mapping[str, Any], actor_id: int
) -> LevelView:
    """Change some fields of a level; a change of days re-dates waiting customers.

    Raises NotFound, ValidationFailed (unknown or bad field), PermissionDenied, Conflict.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed({name: "not an editable field" for name in unknown})
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_FOLLOWUP_LEVELS)
        level = _get(uow, level_id)
        current = _as_input(level)
        data = LevelInput(**{**current.__dict__, **dict(changes)})
        _check(uow, data, level_id=level.id)
        if "templates" in changes:  # a level whose old text fails can still be switched off
            _check_texts(data)
        _apply(level, data)
        uow.flush()
        if data.days != current.days or data.is_active != current.is_active:
            redate_customers(uow)
        _audit(uow, actor_id, "followup_level.update", level, sorted(changes))
        uow.commit()
        return level_view(level)


def delete_level(uow: UnitOfWork, *, level_id: int, actor_id: int) -> None:
    """Delete an unused level, or deactivate one that history points at."""
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_FOLLOWUP_LEVELS)
        level = _get(uow, level_id)
        if uow.followups.level_in_use(level.id):
            level.is_active = False  # history keeps pointing at it (F7)
        else:
            uow.followups.delete_level(level)
        uow.flush()
        redate_customers(uow)
        _audit(uow, actor_id, "followup_level.delete", level)
        uow.commit()


def level_view(level: FollowupLevel) -> LevelView:
    """Return the plain view of a level."""
    return LevelView(
        id=level.id,
        description=level.description,
        days=level.days,
        channels=level.channels,
        templates={k: dict(v) for k, v in (level.templates or {}).items()},
        automatic=level.automatic,
        attach_invoices=level.attach_invoices,
        add_follower=level.add_follower,
        activity_type=level.activity_type,
        activity_summary=level.activity_summary,
        is_active=level.is_active,
        lock_version=level.lock_version,
    )


def _get(uow: UnitOfWork, level_id: int) -> FollowupLevel:
    level = uow.followups.level(level_id)
    if level is None:
        raise NotFound(f"follow-up level {level_id} not found")
    return level


def _check(uow: UnitOfWork, data: LevelInput, *, level_id: int | None) -> None:
    check_level(
        description=data.description,
        days=data.days,
        channels=data.channels,
        templates=data.templates,
        activity_type=data.activity_type,
        activity_summary=data.activity_summary,
    )
    same_days = uow.followups.level_with_days(data.days)
    if same_days is not None and same_days.id != level_id:
        raise ValidationFailed.single("days", f"level {same_days.id} already fires on that day")


def _check_texts(data: LevelInput) -> None:
    """Refuse texts that do not compile or render with a sample context (issue 10 #3)."""
    errors = template_errors(data.templates)
    if errors:
        raise ValidationFailed(errors)


def _apply(level: FollowupLevel, data: LevelInput) -> None:
    level.description = data.description.strip()
    level.days = data.days
    level.send_email, level.send_sms, level.send_letter = (c in data.channels for c in CHANNELS)
    level.templates = {loc: dict(parts) for loc, parts in data.templates.items()}
    level.automatic = data.automatic
    level.attach_invoices = data.attach_invoices
    level.add_follower = data.add_follower
    level.activity_type = data.activity_type
    level.activity_summary = data.activity_summary.strip()
    level.is_active = data.is_active


def _as_input(level: FollowupLevel) -> LevelInput:
    view = level_view(level)
    return LevelInput(**{name: getattr(view, name) for name in EDITABLE})


def _audit(
    uow: UnitOfWork, actor_id: int, action: str, level: FollowupLevel, fields: Any = None
) -> None:
    details: dict[str, Any] = {"days": level.days}
    if fields:
        details["fields"] = fields
    uow.audit.record(
        actor_id=actor_id,
        action=action,
        entity="followup_level",
        entity_id=level.id,
        details=details,
    )
