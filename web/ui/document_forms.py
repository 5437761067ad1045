"""The document form: raw rows typed by people <-> the services' Content (I4, T3.23)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.domain.errors import ValidationFailed
from engine.domain.localize import plain_number
from engine.domain.pricing import Overrides
from engine.services.documents import AdditionCommand, Content, DocumentView, LineCommand
from web.ui.forms import optional_date, optional_decimal, optional_int

LINE_FIELDS = ("product_id", "quantity", "unit_price", "discount_percent")
ADDITION_FIELDS = (
    "addition_name",
    "addition_kind",
    "addition_value",
    "addition_basis",
    "addition_flags",
)


@dataclass
class DocumentForm:
    """What the form shows: raw strings as typed, so a refused form comes back unchanged."""

    type_code: str
    contact_id: str = ""
    issue_date: str = ""
    due_date: str = ""
    notes: str = ""
    lock_version: str = ""
    payment_term_id: str = ""  # empty: the contact's on a new document, none on an edit
    lines: list[dict[str, str]] = field(default_factory=list)
    additions: list[dict[str, str]] = field(default_factory=list)
    overrides: dict[str, str] = field(default_factory=dict)


def form_from_request(form: Any, type_code: str) -> DocumentForm:
    """Collect the posted fields (parallel lists for lines and additions)."""
    lines = _rows(form, LINE_FIELDS)
    additions = _rows(form, ADDITION_FIELDS)
    return DocumentForm(
        type_code=type_code,
        contact_id=form.get("contact_id", ""),
        issue_date=form.get("issue_date", ""),
        due_date=form.get("due_date", ""),
        notes=form.get("notes", ""),
        payment_term_id=form.get("payment_term_id", ""),
        lock_version=form.get("lock_version", ""),
        lines=lines or [dict.fromkeys(LINE_FIELDS, "")],
        additions=additions,
        overrides={k: form.get(f"override_{k}", "") for k in ("discount", "tax", "levy")},
    )


def form_from_document(doc: DocumentView, fmt_date: Any) -> DocumentForm:
    """Fill the form from a saved document (for editing)."""
    return DocumentForm(
        type_code=doc.type,
        contact_id=str(doc.contact_id),
        issue_date=fmt_date(doc.issue_date),
        due_date=fmt_date(doc.due_date),
        notes=doc.notes,
        payment_term_id=str(doc.payment_term_id or ""),
        lock_version=str(doc.lock_version),
        lines=[
            {
                "product_id": str(ln["product_id"]),
                "quantity": _plain(ln["quantity"]),
                "unit_price": _plain(ln["unit_price"]),
                "discount_percent": _plain(ln["discount_percent"]),
            }
            for ln in doc.lines
        ],
        additions=[
            {
                "addition_name": str(a["name"]),
                "addition_kind": str(a["kind"]),
                "addition_value": _plain(a["value"]),
                "addition_basis": str(a["basis"] or ""),
                "addition_flags": _flags(bool(a["taxable"]), bool(a["leviable"])),
            }
            for a in doc.additions
        ],
        overrides={k: _plain(v) if v is not None else "" for k, v in doc.overrides.items()},
    )


def content_of(form: DocumentForm) -> Content:
    """Parse the typed rows (Persian/Arabic digits welcome); raise ValidationFailed by field."""
    errors: dict[str, str] = {}
    lines = []
    for i, row in enumerate(form.lines):
        try:
            product = optional_int(row.get("product_id"), field=f"lines[{i}].product_id")
            quantity = optional_decimal(row.get("quantity"), field=f"lines[{i}].quantity")
            price = optional_decimal(row.get("unit_price"), field=f"lines[{i}].unit_price")
            discount = optional_decimal(
                row.get("discount_percent"), field=f"lines[{i}].discount_percent"
            )
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
            continue
        if product is None:
            errors[f"lines[{i}].product_id"] = "choose a product"
            continue
        lines.append(
            LineCommand(
                product_id=product,
                quantity=quantity if quantity is not None else Decimal(0),
                unit_price=price,
                discount_percent=discount or Decimal(0),
            )
        )
    additions = _additions(form, errors)
    overrides = {}
    for name, text in form.overrides.items():
        try:
            value = optional_decimal(text, field=f"overrides.{name}")
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
            continue
        if value is not None:
            overrides[name] = value
    if errors:
        raise ValidationFailed(errors)
    return Content(lines=lines, additions=additions, overrides=Overrides(**overrides))


def dates_of(form: DocumentForm) -> tuple[Any, Any]:
    """Return (issue date, due date) typed in Jalali or Gregorian, or None when empty."""
    return (
        optional_date(form.issue_date, field="issue_date"),
        optional_date(form.due_date, field="due_date"),
    )


def _additions(form: DocumentForm, errors: dict[str, str]) -> list[AdditionCommand]:
    found = []
    for i, row in enumerate(form.additions):
        if not (row.get("addition_name") or "").strip():
            continue
        try:
            value = optional_decimal(row.get("addition_value"), field=f"additions[{i}].value")
        except ValidationFailed as error:
            errors.update({k: v[0] for k, v in error.fields.items()})
            continue
        flags = row.get("addition_flags") or ""
        found.append(
            AdditionCommand(
                name=row["addition_name"].strip(),
                kind=row.get("addition_kind") or "fixed",
                value=value or Decimal(0),
                basis=row.get("addition_basis") or None,
                taxable=flags in ("taxable", "both"),
                leviable=flags in ("leviable", "both"),
            )
        )
    return found


def _rows(form: Any, names: tuple[str, ...]) -> list[dict[str, str]]:
    columns = {name: form.getlist(name) for name in names}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {name: (columns[name][i] if i < len(columns[name]) else "") for name in names}
        if any(v.strip() for k, v in row.items() if k not in ("addition_kind", "addition_flags")):
            rows.append(row)
    return rows


def _plain(value: object) -> str:
    return plain_number(Decimal(str(value))) if value is not None else ""


def _flags(taxable: bool, leviable: bool) -> str:
    return {(True, True): "both", (True, False): "taxable", (False, True): "leviable"}.get(
        (taxable, leviable), ""
    )
