"""A return against its source invoice's lines (T1, issue 14 §1): the kind, the contact,
the price from the invoice line, the quantities left.

Run by the create, edit and submit commands, inside their unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.domain.errors import ValidationFailed
from engine.domain.money import round_money
from engine.domain.pricing import PricingRules
from engine.domain.states import POSTED
from engine.models.documents import Document, DocumentLine, DocumentType
from engine.services.documents.content import LineCommand
from engine.services.unit_of_work import AbstractUnitOfWork

_ZERO = Decimal(0)


def check_source(uow: AbstractUnitOfWork, document: Document, doc_type: DocumentType) -> None:
    """Check a return against its source invoice (T1): kind, contact, quantities left."""
    if doc_type.source_kind is None:
        return
    source = source_invoice(uow, document, doc_type)
    _check_return_quantities(uow, document, source)


def source_invoice(uow: AbstractUnitOfWork, document: Document, doc_type: DocumentType) -> Document:
    """Return the posted invoice a return points at; raise naming ``source_id`` or
    ``contact_id``."""
    if document.source_id is None:
        raise ValidationFailed.single(
            "source_id", f"a {doc_type.code} needs the {doc_type.source_kind} it returns"
        )
    source = uow.documents.find(document.source_id)
    if source is None or source.type.kind != doc_type.source_kind:
        raise ValidationFailed.single("source_id", f"must be an existing {doc_type.source_kind}")
    if source.state not in POSTED:
        raise ValidationFailed.single(
            "source_id", "returns are only allowed against an approved invoice"
        )
    if source.contact_id != document.contact_id:
        raise ValidationFailed.single("contact_id", "must be the contact of the source invoice")
    return source


def lines_from_source(
    source: Document, lines: Sequence[LineCommand]
) -> tuple[list[LineCommand], PricingRules]:
    """Return the return's lines priced from the invoice lines they name, and the
    invoice's tax rules: what is typed for price, discount or tax counts for nothing.

    A line names its invoice line by ``source_line_id``; one naming only a product
    takes the invoice's first line of that product. Raises ValidationFailed naming
    ``lines[i].source_line_id`` (or ``.product_id``).
    """
    by_id = {ln.id: ln for ln in source.lines}
    priced: list[LineCommand] = []
    errors: dict[str, str] = {}
    for i, line in enumerate(lines):
        found = _source_line(source, by_id, line)
        if found is None:
            field = "source_line_id" if line.source_line_id is not None else "product_id"
            errors[f"lines[{i}].{field}"] = "is not a line of the source invoice"
            continue
        share = line.quantity / found.quantity if found.quantity else _ZERO
        priced.append(
            LineCommand(
                found.product_id,
                line.quantity,
                found.unit_price,
                found.discount_percent,
                round_money(found.discount_amount * share, source.currency),
                found.description,
                source_line_id=found.id,
            )
        )
    if errors:
        raise ValidationFailed(errors)
    rules = PricingRules(source.type.tax_percent, source.type.levy_percent, source.currency)
    return priced, rules


def _source_line(
    source: Document, by_id: dict[int, DocumentLine], line: LineCommand
) -> DocumentLine | None:
    if line.source_line_id is not None:
        return by_id.get(line.source_line_id)
    return next((ln for ln in source.lines if ln.product_id == line.product_id), None)


def _check_return_quantities(uow: AbstractUnitOfWork, document: Document, source: Document) -> None:
    invoiced = {ln.id: ln.quantity for ln in source.lines}
    returned = uow.documents.returned_by_line(source.id, exclude_id=document.id)
    asked: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for i, line in enumerate(document.lines):
        key = line.source_line_id
        if key is None or key not in invoiced:
            errors[f"lines[{i}].source_line_id"] = "is not a line of the source invoice"
            continue
        asked[key] = asked.get(key, _ZERO) + line.quantity
        left = invoiced[key] - returned.get(key, _ZERO)
        if asked[key] > left:
            errors[f"lines[{i}].quantity"] = (
                f"only {left.normalize():f} left to return on the source invoice"
            )
    if errors:
        raise ValidationFailed(errors)
