"""A document's print view and PDF (SPEC I9), in the customer's language or a chosen one."""

from __future__ import annotations

from decimal import Decimal

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.states import APPROVED, DocumentState
from engine.domain.words import amount_in_words
from engine.models.documents import Document
from engine.pdf import html_to_pdf
from engine.printing import LANGUAGES, Seller, render
from engine.services.documents.views import document_view
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import can_view, load_actor


def document_print_html(
    uow: UnitOfWork,
    *,
    document_id: int,
    actor_id: int,
    language: str | None = None,
    screen_links: dict[str, str] | None = None,
) -> str:
    """Return the printable HTML of a document the actor may see (T3.11).

    ``language`` defaults to the contact's. Raises NotFound for a document the actor
    may not see, ValidationFailed naming ``lang`` for an unknown language.
    """
    _check_language(language)
    with uow:
        _visible(uow, document_id, actor_id)
        return render_document_html(uow, document_id, language, screen_links=screen_links)


def document_pdf(
    uow: UnitOfWork, *, document_id: int, actor_id: int, language: str | None = None
) -> tuple[bytes, str]:
    """Return (PDF bytes, file name) of a document the actor may see."""
    _check_language(language)
    with uow:
        document = _visible(uow, document_id, actor_id)
        html = render_document_html(uow, document_id, language)
        name = pdf_filename(document)
    return html_to_pdf(html), name


def pdf_filename(document: Document) -> str:
    """Return the file name of a document's PDF: its type code and number (or draft id)."""
    number = document.number or f"draft-{document.id}"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in number)
    return f"{document.type.code}-{safe}.pdf"


def render_document_pdf(uow: UnitOfWork, document_id: int, language: str | None = None) -> bytes:
    """Render a document's PDF inside an open unit of work, with no access check.

    For attachments the system itself sends (outbox workers, letters); user-facing
    callers use :func:`document_pdf`.
    """
    return html_to_pdf(render_document_html(uow, document_id, language))


def render_document_html(
    uow: UnitOfWork,
    document_id: int,
    language: str | None = None,
    *,
    screen_links: dict[str, str] | None = None,
) -> str:
    """Render a document's printable HTML inside an open unit of work (no access check)."""
    document = uow.documents.get(document_id)
    contact = uow.contacts.get(document.contact_id)
    view = document_view(uow, document, with_tasks=False)
    lang = language or (contact.language if contact.language in LANGUAGES else "fa")
    products = uow.products.by_ids({ln.product_id for ln in document.lines})
    lines = [
        {
            "name": products[ln.product_id].name,
            "code": products[ln.product_id].code,
            "unit": products[ln.product_id].unit,
            "description": ln.description,
            "quantity": ln.quantity,
            "unit_price": ln.unit_price,
            "discount": ln.line_discount,
            "net": ln.net,
        }
        for ln in document.lines
    ]
    return render(
        "document.html",
        lang,
        d=view,
        contact=contact,
        seller=Seller.current(),
        lines=lines,
        approved=document.state in APPROVED,
        cancelled=document.state == DocumentState.CANCELLED,
        tax_percent=document.type.tax_percent,
        levy_percent=document.type.levy_percent,
        quantity_places=document.type.quantity_decimals,  # T3.21
        total_words=amount_in_words(Decimal(document.total), lang),
        screen_links=screen_links,
    )


def _visible(uow: UnitOfWork, document_id: int, actor_id: int):  # type: ignore[no-untyped-def]
    actor = load_actor(uow, actor_id)
    document = uow.documents.get(document_id)
    if not can_view(uow, actor, document):
        raise NotFound(f"document {document_id} not found")
    return document


def _check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise ValidationFailed.single("lang", f"must be one of: {', '.join(LANGUAGES)}")
