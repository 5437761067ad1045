"""Saved cartable filters, per user."""

from __future__ import annotations

from sqlalchemy import select

from engine.models.saved_filters import SavedFilter
from engine.repositories.base import Repository


class SavedFilterRepository(Repository[SavedFilter]):
    model = SavedFilter
    label = "saved filter"

    def of_user(self, user_id: int) -> list[SavedFilter]:
        """Return the user's filters by name."""
        stmt = select(SavedFilter).where(SavedFilter.user_id == user_id)
        return list(self.session.scalars(stmt.order_by(SavedFilter.name)))

    def named(self, user_id: int, name: str) -> SavedFilter | None:
        """Return the user's filter with this name, or None."""
        stmt = select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)
        return self.session.scalars(stmt).first()
