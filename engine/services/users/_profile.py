"""In-transaction helpers for a user's roles and manager (issue 12 §2)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.domain.emails import clean_email
from engine.domain.errors import ValidationFailed
from engine.domain.phones import clean_mobile
from engine.models.users import Role
from engine.services.unit_of_work import UnitOfWork


def roles_by_codes(uow: UnitOfWork, codes: Sequence[str]) -> list[Role]:
    """Return the roles with these codes; raise ValidationFailed naming ``roles`` for an
    unknown one."""
    found = []
    for code in dict.fromkeys(codes):  # once each, in the order given
        role = uow.users.role_by_code(code)
        if role is None:
            raise ValidationFailed.single("roles", f"unknown role {code!r}")
        found.append(role)
    return found


def manager_id_for(uow: UnitOfWork, user_id: int | None, manager: str) -> int | None:
    """Return the id of the user named ``manager`` ("" for none) as ``user_id``'s manager.

    Raises ValidationFailed naming ``manager`` for an unknown user, the user themselves,
    or one who reports to the user (directly or up a chain): no loop of managers.
    """
    username = manager.strip()
    if not username:
        return None
    boss = uow.users.by_username(username)
    if boss is None:
        raise ValidationFailed.single("manager", f"unknown user {username!r}")
    if user_id is not None and (boss.id == user_id or user_id in uow.users.managers_above(boss.id)):
        raise ValidationFailed.single("manager", "would make a loop of managers")
    return boss.id


def contact_errors(email: str | None, mobile: str | None) -> dict[str, list[str]]:
    """Return {field: reasons} for a bad email address or mobile number (None: not sent)."""
    errors: dict[str, list[str]] = {}
    for check, value in ((clean_email, email), (clean_mobile, mobile)):
        try:
            check(value)
        except ValidationFailed as error:
            errors.update(error.fields)
    return errors
