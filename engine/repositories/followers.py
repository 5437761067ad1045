"""Followers of documents: who receives an invoice's thread and whose replies join it."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Table, delete, select

from engine.models.contacts import Contact
from engine.models.followers import DocumentFollower
from engine.repositories.base import Repository

FOLLOWER: Table = DocumentFollower.__table__  # type: ignore[assignment]


class FollowerRepository(Repository[DocumentFollower]):
    model = DocumentFollower
    label = "follower"

    def of_document(self, document_id: int) -> builtins.list[tuple[DocumentFollower, Contact]]:
        """Return the document's followers with their contacts, in the order they came."""
        stmt = (
            select(DocumentFollower, Contact)
            .join(Contact, Contact.id == DocumentFollower.contact_id)
            .where(DocumentFollower.document_id == document_id)
            .order_by(DocumentFollower.added_at, DocumentFollower.contact_id)
        )
        return [(follower, contact) for follower, contact in self.session.execute(stmt)]

    def find_pair(self, document_id: int, contact_id: int) -> DocumentFollower | None:
        """Return the follower row, or None."""
        return self.session.get(DocumentFollower, (document_id, contact_id))

    def add_many(self, rows: Iterable[tuple[int, int, str]], *, now: datetime) -> int:
        """Insert (document_id, contact_id, origin) rows in one statement; return how many are new.

        A pair that already follows stays as it is (its first origin kept): the insert
        skips conflicts, so concurrent passes adding the same follower never collide.
        """
        unique: dict[tuple[int, int], str] = {}
        for document_id, contact_id, origin in rows:
            unique.setdefault((document_id, contact_id), origin[:100])
        if not unique:
            return 0
        values = [
            {"document_id": d, "contact_id": c, "origin": origin, "added_at": now}
            for (d, c), origin in unique.items()
        ]
        # RETURNING, not rowcount: psycopg reports -1 for a multi-row insert.
        stmt = self.insert_ignoring_conflicts(FOLLOWER).values(values).on_conflict_do_nothing()
        return len(self.session.execute(stmt.returning(FOLLOWER.c.contact_id)).all())

    def remove(self, document_id: int, contact_id: int) -> bool:
        """Delete the follower; return whether there was one."""
        result = self.session.execute(
            delete(DocumentFollower).where(
                DocumentFollower.document_id == document_id,
                DocumentFollower.contact_id == contact_id,
            )
        )
        return bool(getattr(result, "rowcount", 0))
