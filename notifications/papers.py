"""The postal letter a message becomes: one PDF to print, the invoices after it (F1, ARCH §7).

The letter page is HTML rendered by the sandboxed environment (its text may come from a
level a user edited); the invoices are the pages the customer would download
(engine.services.message_files). engine.pdf.pages_to_pdf joins them, Vazirmatn
embedded, RTL for Persian and Arabic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from engine.pdf import pages_to_pdf
from engine.services.followup_messages import date_text
from notifications.channels.base import Attachment
from notifications.rendering import MessageText, direction, html_env

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
            today=date_text(today, locale),
            date_label=_DATE_LABEL.get(locale, _DATE_LABEL["en"]),
            locale=locale,
            dir=direction(locale),
        )
    )
    return Attachment(filename="letter.pdf", content=pages_to_pdf([html, *enclosures]))
