"""The files a message carries; the postal letter is one PDF to print (F1, F9, ARCH §7).

The letter page is HTML rendered by the sandboxed environment (its text may come from a
level a user edited); the invoices are the pages the customer would download
(engine.services.messaging.files). engine.pdf.pages_to_pdf joins them, Vazirmatn
embedded, RTL for Persian and Arabic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from engine import clock
from engine.domain.errors import NotFound
from engine.domain.localize import format_date
from engine.domain.messages import Channel
from engine.models.outbox import OutboxMessage
from engine.pdf import pages_to_pdf
from engine.services.messaging import build_files, invoice_pages
from engine.services.unit_of_work import UnitOfWork
from notifications.channels.base import Attachment
from notifications.rendering import MessageText, RenderError, direction, html_env

_DATE_LABEL = {"fa": "تاریخ", "ar": "التاريخ", "en": "Date"}


def letter_pdf(
    text: MessageText,
    *,
    locale: str,
    recipient: str,
    address: str,
    today: date,
    enclosures: Sequence[str] = (),
) -> Attachment:
    """Return the letter, then the enclosed HTML pages (invoices), as one PDF to print."""
    html = (
        html_env()
        .get_template("letter.html")
        .render(
            subject=text.subject,
            paragraphs=[block for block in text.text.split("\n\n") if block.strip()],
            recipient=recipient,
            address=address,
            today=format_date(today, locale),
            date_label=_DATE_LABEL.get(locale, _DATE_LABEL["en"]),
            locale=locale,
            dir=direction(locale),
        )
    )
    return Attachment(filename="letter.pdf", content=pages_to_pdf([html, *enclosures]))


def attachments_for(
    uow: UnitOfWork, message: OutboxMessage, text: MessageText
) -> tuple[Attachment, ...]:
    """Return the files a message carries: a letter is one PDF to print (its page, then
    the invoices'); an email carries its invoices and spec'd files (message_files)."""
    invoices = message.document_ids if message.attach_documents else []
    if message.channel == Channel.LETTER:
        context: Mapping[str, object] = message.context
        letter = letter_pdf(
            text,
            locale=message.locale,
            recipient=str(context.get("customer") or message.recipient),
            address=str(context.get("address") or ""),
            today=clock.business_today(),
            enclosures=invoice_pages(uow, invoices, message.locale),
        )
        return (letter,)
    if message.channel != Channel.EMAIL:
        return ()
    try:
        files = build_files(
            uow, specs=message.attachments or [], invoice_ids=invoices, locale=message.locale
        )
    except (ValueError, KeyError, NotFound) as error:
        raise RenderError(f"attachment: {error}") from error
    return tuple(Attachment(f.filename, f.content, f.mime_type) for f in files)
