"""XLSX workbooks from plain tables (XlsxWriter), and the bounded reading of uploaded ones.

Amounts stay exact: a whole Decimal is written as an integer cell (Rial amounts are
whole), anything with a fraction as a number only when it round-trips exactly through
a double, otherwise as text. Sheets of right-to-left languages are mirrored. Text that a
spreadsheet would run as a formula gets a leading apostrophe (engine/domain/spreadsheets).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from openpyxl import load_workbook

from engine.domain.spreadsheets import neutralize_formula

_MAX_EXACT = Decimal(2) ** 53
# An upload is a zip whose members inflate: a few megabytes can unpack to gigabytes of
# sheet XML. Reading stops at this many unpacked bytes, rows and columns.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_READ_COLUMNS = 64
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass
class Sheet:
    """One worksheet: a title, optional lines above the table, headers and rows."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    rtl: bool = False
    preamble: Sequence[tuple[str, object]] = field(default_factory=list)
    footer: Sequence[object] | None = None


def cell_value(value: object) -> object:
    """Return what to store for ``value``: exact numbers, ISO dates for dates."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < _MAX_EXACT:
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    return value


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """Return an .xlsx file holding ``sheets`` (at least one)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    money = book.add_format({"num_format": "#,##0"})
    money_bold = book.add_format({"num_format": "#,##0", "bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    used: set[str] = set()
    for sheet in sheets or [Sheet("Sheet1", [], [])]:
        ws = book.add_worksheet(_title(sheet.title, used))
        if sheet.rtl:
            ws.right_to_left()
        row = 0
        for label, value in sheet.preamble:
            ws.write_string(row, 0, str(neutralize_formula(label)), bold)
            _write(ws, row, 1, value, money, day)
            row += 1
        if sheet.preamble:
            row += 1
        for col, header in enumerate(sheet.headers):
            ws.write_string(row, col, str(neutralize_formula(header)), bold)
            ws.set_column(col, col, max(12, min(len(str(header)) + 4, 40)))
        header_row = row
        for values in sheet.rows:
            row += 1
            for col, value in enumerate(values):
                _write(ws, row, col, value, money, day)
        if sheet.footer is not None:
            row += 1
            for col, value in enumerate(sheet.footer):
                _write(ws, row, col, value, money_bold, day)
        if sheet.headers:
            ws.freeze_panes(header_row + 1, 0)
    book.close()
    return buffer.getvalue()


def _write(ws: object, row: int, col: int, value: object, money: object, day: object) -> None:
    is_money = isinstance(value, Decimal)
    value = cell_value(neutralize_formula(value))  # text only: numbers stay numbers
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    if isinstance(value, date):
        ws.write_datetime(row, col, value, day)  # type: ignore[attr-defined]
    elif isinstance(value, int | float) and not isinstance(value, bool):
        fmt = money if is_money and isinstance(value, int) else None
        ws.write_number(row, col, value, fmt)  # type: ignore[attr-defined]
    elif value is None:
        ws.write_blank(row, col, None)  # type: ignore[attr-defined]
    else:
        ws.write_string(row, col, str(value))  # type: ignore[attr-defined]


def _title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    base = title.translate(_BAD_TITLE).strip()[:28] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:25]} ({n})"
    used.add(name.lower())
    return name


class UnreadableWorkbook(ValueError):
    """The upload is not a workbook this reader takes, or it is past a bound."""


def read_first_sheet(content: bytes, *, max_rows: int) -> list[Sequence[object]]:
    """Return the first sheet's rows as values, refusing a workbook past the bounds.

    The zip's declared sizes are checked before anything is unpacked; a sheet longer
    than ``max_rows`` rows (blank ones count) is refused when its next row is read, and
    columns past :data:`MAX_READ_COLUMNS` are never read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableWorkbook(f"not an xlsx workbook: {error}") from error
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        raise UnreadableWorkbook(f"the workbook unpacks to more than {limit} MB")
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0].iter_rows(values_only=True, max_col=MAX_READ_COLUMNS)
        rows: list[Sequence[object]] = [
            list(row) for _, row in zip(range(max_rows + 1), sheet, strict=False)
        ]
    finally:
        book.close()
    if len(rows) > max_rows:
        raise UnreadableWorkbook(f"the sheet has more than {max_rows} rows (blank ones count)")
    return rows
