"""Per-type settings (SPEC T2, T3): read them, and let admins change them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from engine.domain.errors import Conflict, ValidationFailed
from engine.domain.numbering import parse_number, validate_pattern
from engine.domain.permissions import Perm
from engine.domain.terms import CreditBreach
from engine.models.documents import DocumentType
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require

CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


@dataclass(frozen=True)
class TypeSettings:
    code: str
    kind: str
    name: str
    description: str
    position: int
    sort_by: str
    is_active: bool
    default_contact_kind: str | None
    contact_effect: str
    stock_effect: str
    source_kind: str | None
    process_id: str
    numbering_pattern: str
    requires_approval: bool
    requires_numbering: bool
    tax_percent: Decimal
    levy_percent: Decimal
    quantity_decimals: int
    allow_duplicate_products: bool
    totals_editable: bool
    whole_numbers: bool
    editable_hours: int | None
    deletable_hours: int | None
    restrict_edit_to_workflow: bool
    restrict_view: bool
    assign_customer_number: bool
    reapprove_after_edit: bool
    credit_breach: str
    finance_approval_above: Decimal | None
    preview_format: str
    lock_version: int


# What an admin may change; effects and kind are fixed by the type's kind (T1).
EDITABLE = frozenset(f.name for f in fields(TypeSettings)) - {
    "kind",
    "contact_effect",
    "stock_effect",
    "source_kind",
    "lock_version",
}
SORTS = ("created_desc", "created_asc", "number", "issue_date", "issue_date_jalali")
PREVIEWS = ("pdf", "image", "word")
CREDIT_BREACHES = tuple(CreditBreach)


def list_types(uow: UnitOfWork) -> list[TypeSettings]:
    """Return every document type with its settings, in display order."""
    with uow:
        return [settings_of(t) for t in uow.types.list()]


def get_type(uow: UnitOfWork, *, code: str) -> TypeSettings:
    """Return one type's settings; raise NotFound."""
    with uow:
        return settings_of(uow.types.by_code(code))


def update_type(
    uow: UnitOfWork,
    *,
    code: str,
    changes: Mapping[str, object],
    actor_id: int,
    lock_version: int | None = None,
) -> TypeSettings:
    """Change a type's settings (T3) after checking each; returns the new settings."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed({k: "cannot be changed" for k in sorted(unknown)})
    _check_changes(changes)
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_TYPES)
        doc_type = uow.types.get_for_update(uow.types.by_code(code).id)
        if lock_version is not None and lock_version != doc_type.lock_version:
            raise Conflict("the type was changed by someone else; reload it")
        if (
            "code" in changes
            and changes["code"] != code
            and uow.types.find_code(str(changes["code"]))
        ):
            raise ValidationFailed.single("code", "another type has this code")
        if "process_id" in changes:
            uow.processes.current_version(str(changes["process_id"]))  # NotFound if undeployed
        if {"numbering_pattern", "code"} & set(changes):
            _check_no_repeat(
                uow,
                doc_type,
                str(changes.get("numbering_pattern", doc_type.numbering_pattern)),
                str(changes.get("code", doc_type.code)),
            )
        before = settings_of(doc_type)
        for name, value in changes.items():
            setattr(doc_type, name, value)
        uow.flush()
        uow.audit.record(
            actor_id=actor_id,
            action="document_type.update",
            entity="document_type",
            entity_id=doc_type.id,
            details={k: [str(getattr(before, k)), str(v)] for k, v in changes.items()},
        )
        uow.commit()
        return settings_of(doc_type)


def _check_no_repeat(uow: UnitOfWork, doc_type: DocumentType, pattern: str, code: str) -> None:
    """Refuse a pattern under which a counter still to come would give a used number.

    The counters are keyed by period, not by pattern, so a new pattern could render a
    number already given (issue 14 §8: that failed at submit with a 500 before).
    """
    last = uow.types.sequence_values(doc_type.id)
    for number in uow.types.numbers(doc_type.id):
        parsed = parse_number(pattern, code=code, number=number)
        if parsed is not None and parsed[1] > last.get(parsed[0], 0):
            raise ValidationFailed.single(
                "numbering_pattern", f"would give {number} again, already used by this type"
            )


def _check_changes(changes: Mapping[str, object]) -> None:
    errors: dict[str, str] = {}
    code = changes.get("code")
    if code is not None and not (isinstance(code, str) and CODE.match(code)):
        errors["code"] = "letters and digits only (T3.5)"
    if "numbering_pattern" in changes:
        try:
            validate_pattern(str(changes["numbering_pattern"]))
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
    above = changes.get("finance_approval_above")
    if above is not None and not (isinstance(above, Decimal) and above >= 0):
        errors["finance_approval_above"] = "must be an amount of 0 or more, or empty for none"
    for name in ("tax_percent", "levy_percent"):
        value = changes.get(name)
        if value is not None and not (isinstance(value, Decimal) and 0 <= value <= 100):
            errors[name] = "must be a percentage from 0 to 100"
    qd = changes.get("quantity_decimals")
    if qd is not None and not (isinstance(qd, int) and 0 <= qd <= 4):
        errors["quantity_decimals"] = "must be from 0 to 4"
    for name in ("editable_hours", "deletable_hours"):
        value = changes.get(name)
        if value is not None and not (isinstance(value, int) and value >= 0):
            errors[name] = "must be a whole number of hours, or empty for no limit"
    if "sort_by" in changes and changes["sort_by"] not in SORTS:
        errors["sort_by"] = f"must be one of: {', '.join(SORTS)}"
    if "credit_breach" in changes and changes["credit_breach"] not in CREDIT_BREACHES:
        errors["credit_breach"] = f"must be one of: {', '.join(CREDIT_BREACHES)}"
    if "preview_format" in changes and changes["preview_format"] not in PREVIEWS:
        errors["preview_format"] = f"must be one of: {', '.join(PREVIEWS)}"
    if "name" in changes and not str(changes["name"] or "").strip():
        errors["name"] = "is required"
    if errors:
        raise ValidationFailed(errors)


def settings_of(t: DocumentType) -> TypeSettings:
    """Return the plain settings of a type row."""
    return TypeSettings(**{f.name: getattr(t, f.name) for f in fields(TypeSettings)})
