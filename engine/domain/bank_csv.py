"""Bank statements as CSV: the column mapping saved per bank account, and the reader
(SPEC F2, issue 14 §7).

Every bank writes its own CSV, so an account keeps how to read it: the delimiter, the
decimal separator, the calendar and order of its dates, and which column holds what.
Columns are named by their header text or by their number (1 = the first). The amount
is one signed column, or a column plus a column saying debit or credit, or a debit and
a credit column of which one is filled. Reading is all or nothing: the first bad cell
stops the file with a 422 naming its line (the header is line 1) and its column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import jdatetime

from engine.domain import bounds
from engine.domain.bank_lines import (
    DESCRIPTION_MAX,
    MAX_LINES,
    NAME_MAX,
    REFERENCE_MAX,
    BankLine,
    clean_iban,
    clip,
)
from engine.domain.digits import clean_typed
from engine.domain.errors import ValidationFailed
from engine.domain.money import MINOR_UNITS, check_scale, to_decimal

COLUMN_ROLES = (
    "date",
    "amount",
    "sign",
    "debit",
    "credit",
    "reference",
    "description",
    "counterparty_name",
    "counterparty_iban",
    "id",
)
DELIMITERS = (",", ";", "\t", "|")
DECIMAL_SEPARATORS = (".", ",", "\u066b")
CALENDARS = ("gregorian", "jalali")
DATE_ORDERS = ("ymd", "dmy", "mdy")
# What a sign column says for money that went out; anything else is money that came in.
DEBIT_MARKS = ("d", "dr", "dbit", "debit", "-", "بدهکار", "برداشت", "مدين", "سحب")
CREDIT_MARKS = ("c", "cr", "crdt", "credit", "+", "بستانکار", "واریز", "دائن", "إيداع")
_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")


@dataclass(frozen=True)
class CsvMapping:
    """How one bank's CSV reads; ``columns`` maps a role to a header text or a number."""

    columns: Mapping[str, str | int]
    delimiter: str = ","
    decimal: str = "."
    calendar: str = "gregorian"
    date_order: str = "ymd"
    encoding: str = "utf-8-sig"
    debit_marks: tuple[str, ...] = field(default=DEBIT_MARKS)

    def as_dict(self) -> dict[str, object]:
        """Return the mapping as it is stored and shown (JSON)."""
        return {
            "columns": dict(self.columns),
            "delimiter": self.delimiter,
            "decimal": self.decimal,
            "calendar": self.calendar,
            "date_order": self.date_order,
            "debit_marks": list(self.debit_marks),
        }


def mapping_from(data: Mapping[str, object]) -> CsvMapping:
    """Check a mapping as typed (API, form or stored JSON) and return it.

    Raises ValidationFailed naming ``csv_mapping.<key>`` for an unknown role, a column
    that is neither a header text nor a number from 1, a missing date or amount, two
    ways of giving the amount, or a delimiter, separator, calendar or order not offered.
    """
    errors: dict[str, str] = {}
    columns = _columns(data.get("columns"), errors)
    choices = {
        "delimiter": DELIMITERS,
        "decimal": DECIMAL_SEPARATORS,
        "calendar": CALENDARS,
        "date_order": DATE_ORDERS,
    }
    picked: dict[str, str] = {}
    for key, allowed in choices.items():
        value = data.get(key, allowed[0])
        if value not in allowed:
            errors[f"csv_mapping.{key}"] = f"must be one of: {', '.join(map(repr, allowed))}"
        else:
            picked[key] = str(value)
    if picked.get("delimiter") == picked.get("decimal"):
        errors["csv_mapping.decimal"] = "must differ from the delimiter"
    marks = data.get("debit_marks", list(DEBIT_MARKS))
    if not isinstance(marks, list) or not all(isinstance(m, str) and m.strip() for m in marks):
        errors["csv_mapping.debit_marks"] = "must be a list of words"
        marks = []
    if errors:
        raise ValidationFailed(errors)
    return CsvMapping(
        columns=columns,
        debit_marks=tuple(clean_typed(m).casefold() for m in marks),
        **picked,
    )


def _columns(raw: object, errors: dict[str, str]) -> dict[str, str | int]:
    if not isinstance(raw, Mapping) or not raw:
        errors["csv_mapping.columns"] = "name the column of each field (date, amount ...)"
        return {}
    columns: dict[str, str | int] = {}
    for role, column in raw.items():
        where = f"csv_mapping.columns.{role}"
        if role not in COLUMN_ROLES:
            errors[where] = f"unknown field; the fields are: {', '.join(COLUMN_ROLES)}"
        elif isinstance(column, int) and not isinstance(column, bool) and column >= 1:
            columns[role] = column
        elif isinstance(column, str) and column.strip():
            columns[role] = column.strip()
        elif column is not None and column != "":
            errors[where] = "must be a header text or a column number from 1"
    if "date" not in columns:
        errors.setdefault("csv_mapping.columns.date", "is required")
    ways = ("amount" in columns) + ("debit" in columns or "credit" in columns)
    if ways != 1:
        errors.setdefault(
            "csv_mapping.columns.amount", "give an amount column, or debit and credit columns"
        )
    elif "sign" in columns and "amount" not in columns:
        errors.setdefault("csv_mapping.columns.sign", "a sign column goes with an amount column")
    return columns


def read_csv(content: bytes, mapping: CsvMapping, *, currency: str) -> list[BankLine]:
    """Read a statement CSV into lines, in file order; empty rows are skipped.

    Raises ValidationFailed on ``lines[<n>].<field>`` (n: the line in the file) for a
    cell that does not read, on ``file`` for a file that is not text, has no rows or
    lacks a mapped header. Nothing partial is returned.
    """
    try:
        text = content.decode(mapping.encoding)
    except UnicodeDecodeError as exc:
        raise ValidationFailed.single("file", f"byte {exc.start}: the file must be UTF-8") from exc
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter))
    if not rows:
        raise ValidationFailed.single("file", "the file is empty")
    header = [clean_typed(cell) for cell in rows[0]]
    positions = _positions(mapping, header)
    has_header = any(isinstance(c, str) for c in mapping.columns.values())
    first = 2 if has_header else 1
    body = rows[1:] if has_header else rows
    if len(body) > MAX_LINES:
        raise ValidationFailed.single("file", f"more than {MAX_LINES} lines")
    reader = _RowReader(mapping, positions, MINOR_UNITS.get(currency, 0))
    lines = [
        reader.line(row, number)
        for number, row in enumerate(body, start=first)
        if any(cell.strip() for cell in row)
    ]
    if not lines:
        raise ValidationFailed.single("file", "the file has no lines")
    return lines


def _positions(mapping: CsvMapping, header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    folded = [h.casefold() for h in header]
    for role, column in mapping.columns.items():
        if isinstance(column, int):
            positions[role] = column - 1
        elif column.casefold() in folded:
            positions[role] = folded.index(column.casefold())
        else:
            raise ValidationFailed.single(
                "file", f"line 1: no column {column!r} (for {role}) in the header"
            )
    return positions


@dataclass(frozen=True)
class _RowReader:
    mapping: CsvMapping
    positions: dict[str, int]
    places: int

    def line(self, row: list[str], number: int) -> BankLine:
        cells = {role: self._cell(row, role, number) for role in self.positions}
        amount = self._amount(cells, number)
        return BankLine(
            booked_on=self._date(cells["date"], number),
            amount=amount,
            reference=clip(cells.get("reference", ""), REFERENCE_MAX),
            description=clip(cells.get("description", ""), DESCRIPTION_MAX),
            counterparty_name=clip(cells.get("counterparty_name", ""), NAME_MAX),
            counterparty_iban=clean_iban(cells.get("counterparty_iban", "")),
            bank_id=clip(cells.get("id", ""), 90),
            source_line=number,
        )

    def _cell(self, row: list[str], role: str, number: int) -> str:
        index = self.positions[role]
        if index >= len(row):
            if role in ("date", "amount"):
                raise _bad(number, role, "is missing (the line has too few columns)")
            return ""
        return row[index].strip()

    def _amount(self, cells: dict[str, str], number: int) -> Decimal:
        if "amount" in cells:
            amount = self._number(cells["amount"], number, "amount")
            mark = clean_typed(cells.get("sign", "")).casefold()
            if "sign" in cells and mark in self.mapping.debit_marks:
                amount = -abs(amount)
            elif "sign" in cells:
                amount = abs(amount)
        else:
            debit, credit = cells.get("debit", ""), cells.get("credit", "")
            if bool(debit) == bool(credit):
                raise _bad(number, "amount", "fill exactly one of the debit and credit columns")
            amount = (
                -abs(self._number(debit, number, "debit"))
                if debit
                else abs(self._number(credit, number, "credit"))
            )
        if amount == 0:
            raise _bad(number, "amount", "must not be zero")
        return amount

    def _number(self, text: str, number: int, role: str) -> Decimal:
        cleaned = clean_typed(text).replace(" ", "").replace("\u00a0", "")
        negative = cleaned.startswith("(") and cleaned.endswith(")") or cleaned.endswith("-")
        cleaned = cleaned.strip("()").rstrip("-")
        decimal = self.mapping.decimal
        thousands = "." if decimal in (",", "\u066b") else ","
        cleaned = cleaned.replace(thousands, "").replace("\u066c", "").replace(decimal, ".")
        field_name = f"lines[{number}].{role}"
        try:
            value = to_decimal(cleaned, field=field_name)
            check_scale(value, self.places, field=field_name)
            bounds.check_number(value, field=field_name)
        except ValidationFailed as error:
            raise _bad(number, role, f"{text!r} {error.fields[field_name][0]}") from error
        return -value if negative else value

    def _date(self, text: str, number: int) -> date:
        match = _DATE.match(clean_typed(text))
        if match is None:
            raise _bad(number, "date", f"{text!r} is not a date ({self.mapping.date_order})")
        first, second, third = (int(part) for part in match.groups())
        year, month, day = {
            "ymd": (first, second, third),
            "dmy": (third, second, first),
            "mdy": (third, first, second),
        }[self.mapping.date_order]
        try:
            if self.mapping.calendar == "jalali":
                booked = jdatetime.date(year, month, day).togregorian()
            else:
                booked = date(year, month, day)
            return bounds.check_date(booked, field="date")
        except (ValueError, ValidationFailed) as error:
            reason = f"{text!r} is not a real {self.mapping.calendar} date"
            raise _bad(number, "date", reason) from error


def _bad(number: int, role: str, reason: str) -> ValidationFailed:
    return ValidationFailed.single(f"lines[{number}].{role}", f"line {number}, {role}: {reason}")
