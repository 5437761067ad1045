"""Per-user saved cartable filters: keep, list, forget (ARCHITECTURE §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.domain.errors import NotFound, ValidationFailed
from engine.models.saved_filters import SavedFilter
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor

# The cartable's query parameters a filter may keep.
FILTER_KEYS = frozenset(
    {"cartable", "type", "contact", "amount_min", "amount_max", "overdue", "mine", "sort", "dir"}
)


@dataclass(frozen=True)
class SavedFilterView:
    id: int
    name: str
    params: dict[str, str]


def list_filters(uow: UnitOfWork, *, actor_id: int) -> list[SavedFilterView]:
    """Return the actor's own saved filters by name."""
    with uow:
        actor = load_actor(uow, actor_id)
        return [_view(f) for f in uow.saved_filters.of_user(actor.id)]


def save_filter(
    uow: UnitOfWork, *, actor_id: int, name: str, params: Mapping[str, str]
) -> SavedFilterView:
    """Keep the filters under ``name``; a filter of the same name is replaced."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed.single("name", "is required (at most 80 characters)")
    kept = {k: str(v) for k, v in params.items() if k in FILTER_KEYS and str(v).strip()}
    with uow:
        actor = load_actor(uow, actor_id)
        row = uow.saved_filters.named(actor.id, name)
        if row is None:
            row = uow.saved_filters.add(SavedFilter(user_id=actor.id, name=name, params=kept))
        else:
            row.params = kept
        uow.commit()
        return _view(row)


def delete_filter(uow: UnitOfWork, *, actor_id: int, filter_id: int) -> None:
    """Forget one of the actor's filters; another user's is NotFound."""
    with uow:
        actor = load_actor(uow, actor_id)
        row = uow.saved_filters.find(filter_id)
        if row is None or row.user_id != actor.id:
            raise NotFound(f"saved filter {filter_id} not found")
        uow.saved_filters.delete(row)
        uow.commit()


def _view(row: SavedFilter) -> SavedFilterView:
    return SavedFilterView(row.id, row.name, dict(row.params or {}))
