"""PDFs a message carries: the letter itself and the invoices attached to it (F1, ARCH §7).

Both are HTML rendered by the sandboxed environment and turned into PDF by
engine.pdf.html_to_pdf (Vazirmatn embedded, RTL for Persian and Arabic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import jdatetime
from sqlalchemy import select

from engine.domain.money import format_amount
from engine.models.contacts import Contact
from engine.models.documents import Document
from engine.models.products import Product
from engine.pdf import html_to_pdf
from engine.services.unit_of_work import UnitOfWork
from notifications.channels.base import Attachment
from notifications.rendering import MessageText, direction, html_env

_DIGITS = {"fa": "persian", "ar": "arabic", "en": "latin"}


@dataclass(frozen=True)
class InvoiceLine:
    name: str
    quantity: str
    unit_price: str
    net: str


@dataclass(frozen=True)
class InvoicePaper:
    """An invoice as its attached PDF shows it: formatted strings only."""

    number: str
    issue_date: str
    due_date: str
    contact_name: str
    lines: tuple[InvoiceLine, ...]
    subtotal: str
    discount: str
    tax: str
    levy: str
    total: str
    paid: str
    open_amount: str


def format_date(value: date | None, locale: str) -> str:
    """Return a date as the locale reads it: Jalali for Persian (E1), Gregorian otherwise."""
    if value is None:
        return ""
    if locale == "fa":
        return str(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return value.isoformat()


def _money(amount: Decimal, locale: str) -> str:
    return format_amount(amount, digits=_DIGITS.get(locale, "latin"))


def load_invoices(uow: UnitOfWork, document_ids: Sequence[int], locale: str) -> list[InvoicePaper]:
    """Return the documents as papers, in the given order (inside an open unit of work)."""
    papers = []
    for document_id in document_ids:
        doc = uow.session.get(Document, document_id)
        if doc is None:
            continue
        product_ids = [line.product_id for line in doc.lines]
        rows = uow.session.execute(
            select(Product.id, Product.name).where(Product.id.in_(product_ids))
        )
        names = {product_id: name for product_id, name in rows}
        contact = uow.session.get(Contact, doc.contact_id)
        papers.append(
            InvoicePaper(
                number=doc.number or f"#{doc.id}",
                issue_date=format_date(doc.issue_date, locale),
                due_date=format_date(doc.due_date, locale),
                contact_name=contact.name if contact else "",
                lines=tuple(
                    InvoiceLine(
                        name=line.description or names.get(line.product_id, ""),
                        quantity=format_amount(line.quantity, places=doc.type.quantity_decimals),
                        unit_price=_money(line.unit_price, locale),
                        net=_money(line.net, locale),
                    )
                    for line in doc.lines
                ),
                subtotal=_money(doc.subtotal, locale),
                discount=_money(doc.discount, locale),
                tax=_money(doc.tax, locale),
                levy=_money(doc.levy, locale),
                total=_money(doc.total, locale),
                paid=_money(doc.paid, locale),
                open_amount=_money(doc.total - doc.paid, locale),
            )
        )
    return papers


def invoice_pdf(paper: InvoicePaper, locale: str) -> Attachment:
    """Return one invoice as an attached PDF."""
    html = (
        html_env()
        .get_template("invoice.html")
        .render(invoice=paper, locale=locale, dir=direction(locale), labels=_labels(locale))
    )
    safe_number = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in paper.number)
    return Attachment(filename=f"invoice-{safe_number}.pdf", content=html_to_pdf(html))


def letter_pdf(
    text: MessageText,
    *,
    locale: str,
    recipient: str,
    address: str,
    today: date,
    invoices: Sequence[InvoicePaper],
) -> Attachment:
    """Return the letter, with the invoices as following pages, as one PDF to print."""
    html = (
        html_env()
        .get_template("letter.html")
        .render(
            subject=text.subject,
            paragraphs=[block for block in text.text.split("\n\n") if block.strip()],
            recipient=recipient,
            address=address,
            today=format_date(today, locale),
            invoices=invoices,
            locale=locale,
            dir=direction(locale),
            labels=_labels(locale),
        )
    )
    return Attachment(filename="letter.pdf", content=html_to_pdf(html))


_LABELS = {
    "fa": {
        "invoice": "فاکتور",
        "date": "تاریخ",
        "due": "سررسید",
        "customer": "مشتری",
        "item": "شرح",
        "quantity": "تعداد",
        "unit_price": "فی (ریال)",
        "net": "مبلغ (ریال)",
        "subtotal": "جمع",
        "discount": "تخفیف",
        "tax": "مالیات",
        "levy": "عوارض",
        "total": "مبلغ کل",
        "paid": "پرداخت‌شده",
        "open": "مانده",
    },
    "ar": {
        "invoice": "فاتورة",
        "date": "التاريخ",
        "due": "الاستحقاق",
        "customer": "العميل",
        "item": "البيان",
        "quantity": "الكمية",
        "unit_price": "سعر الوحدة (ريال)",
        "net": "المبلغ (ريال)",
        "subtotal": "المجموع",
        "discount": "الخصم",
        "tax": "الضريبة",
        "levy": "الرسوم",
        "total": "الإجمالي",
        "paid": "المدفوع",
        "open": "المتبقي",
    },
    "en": {
        "invoice": "Invoice",
        "date": "Date",
        "due": "Due",
        "customer": "Customer",
        "item": "Item",
        "quantity": "Qty",
        "unit_price": "Unit price (IRR)",
        "net": "Amount (IRR)",
        "subtotal": "Subtotal",
        "discount": "Discount",
        "tax": "Tax",
        "levy": "Levy",
        "total": "Total",
        "paid": "Paid",
        "open": "Open",
    },
}


def _labels(locale: str) -> dict[str, str]:
    return _LABELS.get(locale, _LABELS["en"])
