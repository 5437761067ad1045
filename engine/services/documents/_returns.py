"""A return against its source invoice (T1): the kind, the contact, the quantities left.

Run by the create, edit and submit commands, inside their unit of work.
"""

from __future__ import annotations

from decimal import Decimal

from engine.domain.errors import ValidationFailed
from engine.domain.states import POSTED
from engine.models.documents import Document, DocumentType
from engine.services.unit_of_work import AbstractUnitOfWork


def check_source(uow: AbstractUnitOfWork, document: Document, doc_type: DocumentType) -> None:
    """Check a return against its source invoice (T1): kind, contact, quantities left."""
    if doc_type.source_kind is None:
        return
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
    _check_return_quantities(uow, document, source)


def _check_return_quantities(uow: AbstractUnitOfWork, document: Document, source: Document) -> None:
    invoiced: dict[int, Decimal] = {}
    for line in source.lines:
        invoiced[line.product_id] = invoiced.get(line.product_id, Decimal(0)) + line.quantity
    returned = uow.documents.returned_quantities(source.id, exclude_id=document.id)
    asked: dict[int, Decimal] = {}
    errors: dict[str, str] = {}
    for i, line in enumerate(document.lines):
        if line.product_id not in invoiced:
            errors[f"lines[{i}].product_id"] = "is not on the source invoice"
            continue
        asked[line.product_id] = asked.get(line.product_id, Decimal(0)) + line.quantity
        left = invoiced[line.product_id] - returned.get(line.product_id, Decimal(0))
        if asked[line.product_id] > left:
            errors[f"lines[{i}].quantity"] = (
                f"only {left.normalize():f} left to return on the source invoice"
            )
    if errors:
        raise ValidationFailed(errors)
