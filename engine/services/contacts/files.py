"""Import and export of contacts as CSV or XLSX (SPEC E7).

Import is all or nothing: every row is checked first, and one bad row stops the whole
file with a report naming each bad cell as ``rows[<n>].<column>``, where ``n`` is the
row number the user sees in the spreadsheet (the header is row 1). A real user fixes
the file and imports it again; a half-imported file would leave them hunting for which
rows went in. Import adds new contacts; rows that carry an ``id`` (an exported existing
contact) are refused rather than silently duplicated. Text that could run as a formula
is exported with a leading apostrophe, which import takes off (issue 10 #10).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.domain.bounds import check_number
from engine.domain.emails import clean_email
from engine.domain.errors import ValidationFailed
from engine.domain.localize import clean_typed
from engine.domain.money import to_decimal
from engine.domain.permissions import Perm
from engine.domain.spreadsheets import neutralize_formula, restore_formula
from engine.models.contacts import Contact
from engine.repositories.visibility import Viewer
from engine.services.contacts.records import (
    KINDS,
    LANGUAGES,
    NewContact,
    check_contact,
    stage_contact,
)
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of
from engine.xlsx import Sheet, UnreadableWorkbook, read_first_sheet, workbook

FORMATS = ("csv", "xlsx")
MAX_ROWS = 10_000
# Columns in file order; the last three are written on export and ignored on import
# (except ``id``, see the module docstring).
COLUMNS = (
    "name",
    "kind",
    "email",
    "mobile",
    "phone",
    "language",
    "national_id",
    "customer_group",
    "payment_term_days",
    "payment_term_months",
    "credit_limit",
    "opening_balance",
    "invoice_address",
    "delivery_address",
    "id",
    "customer_number",
    "balance",
)
_INTEGERS = ("payment_term_days", "payment_term_months")
_DECIMALS = ("credit_limit", "opening_balance")
_LIMITS = {"name": 200, "email": 254, "mobile": 32, "phone": 32, "national_id": 20}


@dataclass(frozen=True)
class ImportResult:
    created: int
    contact_ids: list[int]


def export_contacts(uow: UnitOfWork, *, actor_id: int, fmt: str) -> bytes:
    """Return every contact as CSV (UTF-8 with BOM, for Excel) or XLSX, with balances."""
    _check_format(fmt)
    with uow:
        viewer = _require_reader(uow, actor_id)
        rows = [_export_row(*r) for r in uow.contacts.for_export(viewer)]
    if fmt == "xlsx":
        return workbook([Sheet("contacts", COLUMNS, rows)])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(["" if v is None else neutralize_formula(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def import_contacts(uow: UnitOfWork, *, actor_id: int, fmt: str, content: bytes) -> ImportResult:
    """Create a contact per row, all in one transaction, or none at all.

    Raises ValidationFailed with one entry per bad cell (``rows[7].email``), or naming
    ``file`` when it cannot be read, has no header or unknown columns.
    """
    _check_format(fmt)
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
    header, rows = _read(fmt, content)
    commands, errors = _parse_rows(header, rows)
    if errors:
        bad_rows = len({key.split("]")[0] for key in errors})
        raise ValidationFailed(
            errors, f"{bad_rows} row(s) have errors; nothing was imported: {_summary(errors)}"
        )
    with uow:
        require(load_actor(uow, actor_id), Perm.MANAGE_CONTACTS)
        ids = [stage_contact(uow, cmd, actor_id=actor_id).id for cmd in commands]
        uow.audit.record(
            actor_id=actor_id,
            action="contact.import",
            entity="contact",
            entity_id=None,
            details={"created": len(ids)},
        )
        uow.commit()
        return ImportResult(len(ids), ids)


def _summary(errors: dict[str, str], shown: int = 5) -> str:
    parts = [f"{key}: {message}" for key, message in list(errors.items())[:shown]]
    more = len(errors) - shown
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationFailed.single("format", f"must be one of: {', '.join(FORMATS)}")


def _require_reader(uow: UnitOfWork, actor_id: int) -> Viewer | None:
    actor = load_actor(uow, actor_id)
    if Perm.VIEW_ALL not in actor.permissions:
        require(actor, Perm.MANAGE_CONTACTS)
    return viewer_of(uow, actor)


def _export_row(c: Contact, group: str | None, balance: Decimal | None) -> list[object]:
    values = {
        **{name: getattr(c, name, None) for name in COLUMNS},
        "customer_group": group,
        "opening_balance": None,  # already part of the balance; never re-imported twice
        "balance": balance or Decimal(0),
    }
    return [values[name] for name in COLUMNS]


def _read(fmt: str, content: bytes) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """Return the header and (spreadsheet row number, values) of each non-empty row."""
    try:
        raw = _read_xlsx(content) if fmt == "xlsx" else _read_csv(content)
    except (
        UnicodeDecodeError,
        csv.Error,
        UnreadableWorkbook,
        ValueError,
        KeyError,
        OSError,
    ) as e:
        raise ValidationFailed.single("file", f"cannot read this {fmt} file: {e}") from e
    if not raw:
        raise ValidationFailed.single("file", "the file is empty: a header row is needed")
    header = [str(h or "").strip().lower() for h in raw[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown or "name" not in header:
        problem = f"unknown columns: {', '.join(unknown)}" if unknown else "no 'name' column"
        raise ValidationFailed.single("file", f"{problem}; columns are: {', '.join(COLUMNS)}")
    rows = [
        (number, list(values))
        for number, values in enumerate(raw[1:], start=2)
        if any(v not in (None, "") for v in values)
    ]
    if len(rows) > MAX_ROWS:
        raise ValidationFailed.single("file", f"at most {MAX_ROWS} rows per import")
    return header, rows


def _read_csv(content: bytes) -> list[Sequence[object]]:
    text = content.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(content: bytes) -> list[Sequence[object]]:
    # Room for blank rows between the MAX_ROWS that count; a million blank rows are
    # refused as too long rather than walked.
    return read_first_sheet(content, max_rows=2 * MAX_ROWS + 1)


def _parse_rows(
    header: list[str], rows: Iterable[tuple[int, list[object]]]
) -> tuple[list[NewContact], dict[str, str]]:
    commands: list[NewContact] = []
    errors: dict[str, str] = {}
    for number, values in rows:
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}
        row_errors, fields = _parse_cells(cells)
        if not row_errors:
            cmd = NewContact(**fields)  # type: ignore[arg-type]
            try:
                check_contact(cmd)
            except ValidationFailed as error:
                row_errors = {k: "; ".join(v) for k, v in error.fields.items()}
            else:
                commands.append(cmd)
        errors.update({f"rows[{number}].{col}": msg for col, msg in row_errors.items()})
    return commands, errors


def _parse_cells(cells: dict[str, object]) -> tuple[dict[str, str], dict[str, object]]:
    errors: dict[str, str] = {}
    fields: dict[str, object] = {}
    for column, raw in cells.items():
        text = "" if raw is None else restore_formula(str(raw).strip())
        if column == "id":
            if text:
                errors["id"] = "import adds new contacts; clear the id to add this row as new"
            continue
        if column in ("customer_number", "balance") or not text:
            continue
        if column in _LIMITS and len(text) > _LIMITS[column]:
            errors[column] = f"at most {_LIMITS[column]} characters"
        elif column in _INTEGERS:
            digits = clean_typed(text)
            # ASCII digits only (isdigit also takes '²'), at most 9 of them (issue 10 #9)
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
                errors[column] = "must be a whole number of days or months"
            else:
                fields[column] = int(digits)
        elif column in _DECIMALS:
            try:
                number = to_decimal(raw if isinstance(raw, int) else text, field=column)
                fields[column] = check_number(number, field=column)
            except ValidationFailed as error:
                errors[column] = "; ".join(next(iter(error.fields.values())))
        elif column == "email":
            try:
                fields[column] = clean_email(text, field=column)
            except ValidationFailed as error:
                errors[column] = "; ".join(next(iter(error.fields.values())))
        elif column == "kind" and text.lower() not in KINDS:
            errors[column] = f"must be one of: {', '.join(KINDS)}"
        elif column == "language" and text.lower() not in LANGUAGES:
            errors[column] = f"must be one of: {', '.join(LANGUAGES)}"
        else:
            fields[column] = text.lower() if column in ("kind", "language") else text
    if "name" not in fields and "name" not in errors:
        errors["name"] = "is required"
    if "kind" not in fields and "kind" not in errors:
        errors["kind"] = f"is required: one of {', '.join(KINDS)}"
    fields.setdefault("opening_balance", Decimal(0))
    return errors, fields
