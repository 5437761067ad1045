"""Editing a contact (issue 14 §8): a partial change, checked whole, audited field by field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from decimal import Decimal

from engine.domain.errors import Conflict, ValidationFailed
from engine.domain.money import to_decimal
from engine.domain.permissions import Perm
from engine.models.contacts import Contact
from engine.services.contacts.records import ContactView, NewContact, check_contact, contact_view
from engine.services.terms._schedule import check_term_id
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import account_viewer, load_actor, require

# What a PATCH may change: every field of a new contact but its opening balance (a
# ledger entry, not a property), plus the group by id.
EDITABLE = frozenset(f.name for f in fields(NewContact)) - {"opening_balance"} | {
    "customer_group_id"
}


def update_contact(
    uow: UnitOfWork,
    *,
    contact_id: int,
    changes: Mapping[str, object],
    actor_id: int,
    lock_version: int | None = None,
) -> ContactView:
    """Change some of a contact's fields; the result is checked as a whole.

    ``credit_limit`` None is unlimited credit (P4). ``customer_group`` names a group
    (created if new, as on create); ``customer_group_id`` must be a known group.
    Raises ValidationFailed naming each bad field (nothing is written), Conflict for a
    stale ``lock_version``, NotFound, PermissionDenied without manage_contacts.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed({name: "cannot be changed" for name in sorted(unknown)})
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
        contact = uow.contacts.get(contact_id)
        if lock_version is not None and lock_version != contact.lock_version:
            raise Conflict("the contact was changed by someone else; reload it")
        before = _fields_of(contact)
        plain = {
            k: v for k, v in changes.items() if k not in ("customer_group", "customer_group_id")
        }
        check_contact(replace(_as_new(contact), **plain))  # type: ignore[arg-type]
        if "owner_id" in changes and changes["owner_id"] is not None:
            if uow.users.find(int(str(changes["owner_id"]))) is None:
                raise ValidationFailed.single("owner_id", f"unknown user {changes['owner_id']}")
        if changes.get("payment_term_id") is not None:
            check_term_id(uow, int(str(changes["payment_term_id"])))
        group_id = _group_id(uow, contact, changes)
        for name, value in plain.items():
            setattr(
                contact, name, value.strip() if name == "name" and isinstance(value, str) else value
            )
        contact.customer_group_id = group_id
        uow.flush()
        after = _fields_of(contact)
        uow.audit.record(
            actor_id=actor_id,
            action="contact.update",
            entity="contact",
            entity_id=contact.id,
            details={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
        view = contact_view(uow, contact, account_viewer(uow, actor_id))
        uow.commit()
        return view


def _group_id(uow: UnitOfWork, contact: Contact, changes: Mapping[str, object]) -> int | None:
    """Return the group the change puts the contact in (its own when none is sent)."""
    if "customer_group_id" in changes:
        raw = changes["customer_group_id"]
        if raw is None:
            return None
        group = uow.contacts.find_group(int(str(raw)))
        if group is None:
            raise ValidationFailed.single("customer_group_id", f"unknown customer group {raw}")
        return group.id
    if "customer_group" in changes:
        name = str(changes["customer_group"] or "").strip()
        return uow.contacts.group(name).id if name else None
    return contact.customer_group_id


def _as_new(contact: Contact) -> NewContact:
    """Return the contact's current fields as the command that would create it."""
    return NewContact(
        **{
            f.name: getattr(contact, f.name)
            for f in fields(NewContact)
            if f.name not in ("opening_balance", "customer_group")
        }
    )


def _fields_of(contact: Contact) -> dict[str, str | None]:
    """Return the editable fields as text, for the audit row's before and after."""
    names = sorted(EDITABLE - {"customer_group"})
    return {n: None if getattr(contact, n) is None else _text(getattr(contact, n)) for n in names}


def _text(value: object) -> str:
    """Return a value as the audit shows it (amounts without the stored scale)."""
    if isinstance(value, Decimal):
        return format(to_decimal(value, field="amount"), "f")
    return str(value)
