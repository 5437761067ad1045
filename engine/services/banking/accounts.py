"""Bank accounts and the CSV mapping each keeps (issue 14 §7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.domain.bank_csv import mapping_from
from engine.domain.bank_lines import clean_iban
from engine.domain.errors import Conflict, ValidationFailed
from engine.domain.money import MINOR_UNITS
from engine.domain.permissions import Perm
from engine.models.bank import BankAccount
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

MAX_NAME = 120
_FIELDS = ("name", "bank", "iban", "currency", "csv_mapping")


@dataclass(frozen=True)
class NewBankAccount:
    name: str
    bank: str = ""
    iban: str | None = None
    currency: str = "IRR"
    csv_mapping: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class BankAccountView:
    id: int
    name: str
    bank: str
    iban: str | None
    currency: str
    csv_mapping: dict[str, Any] | None = field(default=None)
    lock_version: int = 1


def list_bank_accounts(uow: UnitOfWork, *, actor_id: int) -> list[BankAccountView]:
    """Return every bank account by name (PermissionDenied without record_payments)."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        return [_view(a) for a in uow.bank_accounts.list()]


def get_bank_account(uow: UnitOfWork, *, bank_account_id: int, actor_id: int) -> BankAccountView:
    """Return one bank account; NotFound for an unknown id."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        return _view(uow.bank_accounts.get(bank_account_id))


def create_bank_account(uow: UnitOfWork, cmd: NewBankAccount, *, actor_id: int) -> int:
    """Create a bank account. Raises ValidationFailed naming ``name``, ``iban``,
    ``currency`` or ``csv_mapping.<key>``; nothing is written then."""
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        values = _checked(
            {
                "name": cmd.name,
                "bank": cmd.bank,
                "iban": cmd.iban,
                "currency": cmd.currency,
                "csv_mapping": cmd.csv_mapping,
            }
        )
        account = uow.bank_accounts.add(BankAccount(**values))
        _audit(uow, actor_id, "bank_account.create", account.id, values)
        uow.commit()
        return account.id


def update_bank_account(
    uow: UnitOfWork,
    *,
    bank_account_id: int,
    changes: Mapping[str, Any],
    actor_id: int,
    lock_version: int | None = None,
) -> BankAccountView:
    """Change any of name, bank, IBAN, currency and the CSV mapping (``None`` removes it).

    Raises ValidationFailed as :func:`create_bank_account`, Conflict (409) for a stale
    ``lock_version``.
    """
    with uow:
        require(load_actor(uow, actor_id), Perm.RECORD_PAYMENTS)
        account = uow.bank_accounts.get_for_update(bank_account_id)
        if lock_version is not None and lock_version != account.lock_version:
            raise Conflict(f"bank account {account.id} was changed by someone else; reload it")
        merged = {name: getattr(account, name) for name in _FIELDS}
        merged.update({k: v for k, v in changes.items() if k in _FIELDS})
        values = _checked(merged)
        for name, value in values.items():
            setattr(account, name, value)
        _audit(uow, actor_id, "bank_account.update", account.id, dict(changes))
        uow.flush()
        view = _view(account)
        uow.commit()
        return view


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name or len(name) > MAX_NAME:
        errors["name"] = f"is required, at most {MAX_NAME} characters"
    iban = clean_iban(str(values.get("iban") or "")) or None
    if iban is not None and not (iban[:2].isalpha() and iban[2:].isalnum() and len(iban) >= 15):
        errors["iban"] = "is not an IBAN (two letters, then 13 to 32 letters and digits)"
    currency = str(values.get("currency") or "IRR").upper()
    if currency not in MINOR_UNITS:
        errors["currency"] = f"must be one of: {', '.join(MINOR_UNITS)}"
    mapping = values.get("csv_mapping")
    stored = None
    if mapping is not None:
        try:
            stored = mapping_from(mapping).as_dict()
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
    if errors:
        raise ValidationFailed(errors)
    bank = " ".join(str(values.get("bank") or "").split())[:MAX_NAME]
    return {"name": name, "bank": bank, "iban": iban, "currency": currency, "csv_mapping": stored}


def _audit(uow: UnitOfWork, actor_id: int, action: str, account_id: int, details: Any) -> None:
    uow.audit.record(
        actor_id=actor_id,
        action=action,
        entity="bank_account",
        entity_id=account_id,
        details={k: v for k, v in details.items() if k != "csv_mapping"}
        | ({"csv_mapping": "changed"} if "csv_mapping" in details else {}),
    )


def _view(account: BankAccount) -> BankAccountView:
    return BankAccountView(
        id=account.id,
        name=account.name,
        bank=account.bank,
        iban=account.iban,
        currency=account.currency,
        csv_mapping=account.csv_mapping,
        lock_version=account.lock_version,
    )
