"""Payment terms as settings (issue 14 §3, §4): list, read, create, change, delete."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.domain.bounds import required_name
from engine.domain.errors import Conflict, InvalidState, ValidationFailed
from engine.domain.payment_terms import MAX_NAME, parse_term
from engine.domain.permissions import Perm
from engine.models.payment_terms import PaymentTerm
from engine.services.terms._schedule import stored_term
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require


@dataclass(frozen=True)
class TermView:
    id: int
    name: str
    lines: list[dict[str, object]]
    early_discount: dict[str, object] | None
    contacts: int  # how many contacts take it by default
    documents: int  # how many documents are under it
    lock_version: int


def list_terms(uow: UnitOfWork) -> list[TermView]:
    """Return every payment term by name, with how many contacts and documents use it."""
    with uow:
        return [_view(uow, row) for row in uow.terms.list()]


def get_term(uow: UnitOfWork, *, term_id: int) -> TermView:
    """Return one payment term; NotFound for an unknown id."""
    with uow:
        return _view(uow, uow.terms.get(term_id))


def create_term(
    uow: UnitOfWork,
    *,
    name: str,
    lines: object,
    early_discount: object = None,
    actor_id: int,
) -> TermView:
    """Create a payment term (needs manage_types).

    Raises ValidationFailed naming ``name`` (empty, too long, taken), ``lines``,
    ``lines[i].value`` / ``.amount`` / ``.days`` / ``.delay`` / ``.day`` or
    ``early_discount.*``; nothing is written then.
    """
    term = parse_term(lines, early_discount)
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_TYPES)
        row = uow.terms.add(
            PaymentTerm(
                name=_checked_name(uow, name, None),
                lines=[line.as_dict() for line in term.lines],
                early_discount=term.early_discount.as_dict() if term.early_discount else None,
            )
        )
        uow.audit.record(
            actor_id=actor_id,
            action="payment_term.create",
            entity="payment_term",
            entity_id=row.id,
            details={"name": row.name},
        )
        uow.commit()
        return _view(uow, row)


def update_term(
    uow: UnitOfWork,
    *,
    term_id: int,
    changes: Mapping[str, object],
    actor_id: int,
    lock_version: int | None = None,
) -> TermView:
    """Change a term's ``name``, ``lines`` or ``early_discount`` (those sent).

    Invoices already posted keep the instalments they were posted with; drafts and
    invoices posted later follow the term as it is then. Conflict on a stale
    ``lock_version``; ValidationFailed as for create_term.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_TYPES)
        row = uow.terms.get_for_update(term_id)
        if lock_version is not None and lock_version != row.lock_version:
            raise Conflict("the payment term was changed by someone else; reload it")
        current = stored_term(row)
        lines = changes.get("lines", [ln.as_dict() for ln in current.lines])
        discount = changes.get(
            "early_discount",
            current.early_discount.as_dict() if current.early_discount else None,
        )
        term = parse_term(lines, discount)
        if "name" in changes:
            row.name = _checked_name(uow, str(changes["name"] or ""), row.id)
        row.lines = [line.as_dict() for line in term.lines]
        row.early_discount = term.early_discount.as_dict() if term.early_discount else None
        uow.audit.record(
            actor_id=actor_id,
            action="payment_term.update",
            entity="payment_term",
            entity_id=row.id,
            details={"fields": sorted(changes)},
        )
        uow.commit()
        return _view(uow, row)


def delete_term(uow: UnitOfWork, *, term_id: int, actor_id: int) -> None:
    """Delete a payment term no contact and no document names.

    InvalidState (409) while one does: the term is in use.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_TYPES)
        row = uow.terms.get_for_update(term_id)
        contacts, documents = uow.terms.uses(row.id)
        if contacts or documents:
            raise InvalidState(
                f"the payment term is in use by {contacts} contact(s) and "
                f"{documents} document(s); it cannot be deleted"
            )
        uow.audit.record(
            actor_id=actor_id,
            action="payment_term.delete",
            entity="payment_term",
            entity_id=row.id,
            details={"name": row.name},
        )
        uow.terms.delete(row)
        uow.commit()


def _view(uow: UnitOfWork, row: PaymentTerm) -> TermView:
    contacts, documents = uow.terms.uses(row.id)
    return TermView(
        row.id,
        row.name,
        [dict(line) for line in row.lines],
        dict(row.early_discount) if row.early_discount else None,
        contacts,
        documents,
        row.lock_version,
    )


def _checked_name(uow: UnitOfWork, name: str, own_id: int | None) -> str:
    """Return the stripped name, or raise ValidationFailed on ``name``."""
    name = required_name(name, maximum=MAX_NAME)
    other = uow.terms.named(name)
    if other is not None and other.id != own_id:
        raise ValidationFailed.single("name", "another payment term has this name")
    return name
