"""Turn a document's requested lines and additions into priced, checked rows.

Shared by the document commands and the workflow operators (an invoice made from an
order), so a document is built by one set of rules however it is created.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from engine.domain.errors import ValidationFailed
from engine.domain.money import check_scale
from engine.domain.payment_terms import tax_base_discount
from engine.domain.pricing import (
    AdditionBasis,
    AdditionInput,
    AdditionKind,
    LineInput,
    Overrides,
    PricingRules,
    Totals,
    price_document,
)
from engine.domain.terms import due_date
from engine.models.documents import Document, DocumentAddition, DocumentLine, DocumentType
from engine.services.terms._schedule import term_due_date, term_of
from engine.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class LineCommand:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the product's price
    discount_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    description: str = ""
    source_line_id: int | None = None  # a return's invoice line (issue 14 §1)


@dataclass(frozen=True)
class AdditionCommand:
    name: str
    kind: str
    value: Decimal
    basis: str | None = None
    taxable: bool = False
    leviable: bool = False


@dataclass(frozen=True)
class Content:
    """What a user may write on a document: lines, additions, hand-typed totals."""

    lines: Sequence[LineCommand]
    additions: Sequence[AdditionCommand] = ()
    overrides: Overrides = field(default_factory=Overrides)


@dataclass(frozen=True)
class ContentPatch:
    """The parts of a document's content an edit sends; None keeps that part (a PATCH).

    Lines replace the lines, additions the additions, overrides the hand-typed totals
    (issue 11 §1: additions or overrides sent without lines are no longer dropped).
    """

    lines: Sequence[LineCommand] | None = None
    additions: Sequence[AdditionCommand] | None = None
    overrides: Overrides | None = None

    def is_empty(self) -> bool:
        """Tell whether the patch sends no part at all."""
        return self.lines is None and self.additions is None and self.overrides is None

    def over(self, current: Content) -> Content:
        """Return ``current`` with the parts this patch sends put in place."""
        return Content(
            lines=current.lines if self.lines is None else self.lines,
            additions=current.additions if self.additions is None else self.additions,
            overrides=current.overrides if self.overrides is None else self.overrides,
        )


def current_content(document: Document) -> Content:
    """Return what the document says now, as the content an edit would send."""
    return Content(
        lines=[
            LineCommand(
                ln.product_id,
                ln.quantity,
                ln.unit_price,
                ln.discount_percent,
                ln.discount_amount,
                ln.description,
                source_line_id=ln.source_line_id,
            )
            for ln in document.lines
        ],
        additions=[
            AdditionCommand(a.name, a.kind, a.value, a.basis, a.taxable, a.leviable)
            for a in document.addition_rows
        ],
        overrides=Overrides(
            document.override_discount, document.override_tax, document.override_levy
        ),
    )


def fill_document(
    uow: AbstractUnitOfWork, document: Document, doc_type: DocumentType, content: Content
) -> None:
    """Check ``content`` against the type's rules and write lines, additions and totals.

    Raises ValidationFailed naming every bad field (``lines[i].product_id``,
    ``lines[i].quantity`` ...).
    """
    rules = PricingRules(
        doc_type.tax_percent,
        doc_type.levy_percent,
        document.currency,
        tax_base_discount=tax_base_discount(term_of(uow, document)),  # issue 14 §4, mixed
    )
    requested = content.lines
    if doc_type.source_kind is not None and requested:  # a return: priced from its invoice
        from engine.services.documents import _returns  # it builds on this module

        source = _returns.source_invoice(uow, document, doc_type)
        requested, rules = _returns.lines_from_source(source, requested)
    lines = _checked_lines(uow, doc_type, requested)
    if not doc_type.allow_duplicate_products:
        lines = _merge_same_products(lines)  # T3.22
    if content.overrides != Overrides() and not doc_type.totals_editable:
        raise ValidationFailed.single(
            "overrides", "this document type does not allow editing totals"
        )
    totals = price_document(
        [
            LineInput(q.quantity, q.unit_price or Decimal(0), q.discount_percent, q.discount_amount)
            for q in lines
        ],
        rules,
        [_addition_input(a) for a in content.additions],
        content.overrides,
    )
    _write_rows(document, lines, content.additions, totals)
    document.override_discount = content.overrides.discount
    document.override_tax = content.overrides.tax
    document.override_levy = content.overrides.levy


def check_due_date(document: Document) -> None:
    """Raise ValidationFailed on ``due_date`` when it falls before the issue date."""
    if document.due_date is not None and document.due_date < document.issue_date:
        raise ValidationFailed.single("due_date", "must not be before the issue date")


def due_date_for(uow: AbstractUnitOfWork, document: Document) -> date:
    """Return the due date the document's payment term gives it (its last instalment,
    issue 14 §3), or else the contact's term in days or months (P2)."""
    by_term = term_due_date(uow, document)
    if by_term is not None:
        return by_term
    contact = uow.contacts.get(document.contact_id)
    return due_date(
        document.issue_date, days=contact.payment_term_days, months=contact.payment_term_months
    )


def _checked_lines(
    uow: AbstractUnitOfWork, doc_type: DocumentType, lines: Sequence[LineCommand]
) -> list[LineCommand]:
    if not lines:
        raise ValidationFailed.single("lines", "a document needs at least one line")
    errors: dict[str, str] = {}
    checked: list[LineCommand] = []
    for i, line in enumerate(lines):
        product = uow.products.find(line.product_id)
        if product is None:
            errors[f"lines[{i}].product_id"] = f"unknown product {line.product_id}"
            continue
        if line.quantity <= 0:
            errors[f"lines[{i}].quantity"] = "must be greater than zero"
        else:
            try:
                check_scale(line.quantity, doc_type.quantity_decimals, field=f"lines[{i}].quantity")
            except ValidationFailed as error:
                errors.update({k: v[0] for k, v in error.fields.items()})
        price = product.unit_price if line.unit_price is None else line.unit_price
        checked.append(_replace_price(line, price, line.description or product.name))
    if errors:
        raise ValidationFailed(errors)
    return checked


def _replace_price(line: LineCommand, price: Decimal, description: str) -> LineCommand:
    return LineCommand(
        line.product_id,
        line.quantity,
        price,
        line.discount_percent,
        line.discount_amount,
        description,
        line.source_line_id,
    )


def _merge_same_products(lines: list[LineCommand]) -> list[LineCommand]:
    merged: dict[tuple[int, int | None], LineCommand] = {}
    for line in lines:
        key = (line.product_id, line.source_line_id)
        first = merged.get(key)
        if first is None:
            merged[key] = line
        else:
            merged[key] = LineCommand(
                first.product_id,
                first.quantity + line.quantity,
                first.unit_price,
                first.discount_percent,
                first.discount_amount + line.discount_amount,
                first.description,
                first.source_line_id,
            )
    return list(merged.values())


def _addition_input(a: AdditionCommand) -> AdditionInput:
    return AdditionInput(
        name=a.name,
        kind=a.kind,  # type: ignore[arg-type]  # pricing checks and coerces the enum
        value=a.value,
        basis=a.basis,  # type: ignore[arg-type]
        taxable=a.taxable,
        leviable=a.leviable,
    )


def _write_rows(
    document: Document,
    lines: list[LineCommand],
    additions: Sequence[AdditionCommand],
    totals: Totals,
) -> None:
    document.lines = [
        DocumentLine(
            position=i,
            product_id=line.product_id,
            description=line.description[:400],
            quantity=line.quantity,
            unit_price=line.unit_price or Decimal(0),
            discount_percent=line.discount_percent,
            discount_amount=line.discount_amount,
            gross=t.gross,
            line_discount=t.discount,
            net=t.net,
            source_line_id=line.source_line_id,
        )
        for i, (line, t) in enumerate(zip(lines, totals.lines, strict=True))
    ]
    document.addition_rows = [
        DocumentAddition(
            position=i,
            name=a.name,
            kind=AdditionKind(a.kind).value,
            basis=AdditionBasis(a.basis).value if a.basis else None,
            value=a.value,
            taxable=a.taxable,
            leviable=a.leviable,
            amount=t.amount,
        )
        for i, (a, t) in enumerate(zip(additions, totals.additions_detail, strict=True))
    ]
    for name in ("subtotal", "discount", "additions", "tax", "levy", "total"):
        setattr(document, name, getattr(totals, name))
