"""Files a message carries, built when it is sent (SPEC F1, F9, F10, I9).

A message stores what to attach, never the bytes: the invoices it is about (its
document links with ``attach_documents``) and specs for other files, such as
``{"kind": "statement", "contact_id": 7, "from": None, "to": "2026-11-23",
"format": "pdf"}``. The worker builds them here, inside its unit of work, with the
same renderers the pages use (an emailed invoice is the invoice the customer would
download). Dates in a spec are fixed when the message is written, so a statement sent
a minute later still shows the period the user asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.domain.errors import ValidationFailed
from engine.models.documents import Document
from engine.repositories.visibility import Viewer
from engine.services.accounts.statements import build_followup, build_statement
from engine.services.documents.printing import (
    pdf_filename,
    render_document_html,
    render_document_pdf,
)
from engine.services.reporting.files import (
    XLSX_MIME,
    followup_pdf,
    followup_xlsx,
    statements_pdf,
    statements_xlsx,
)
from engine.services.reporting.reports import Period
from engine.services.unit_of_work import UnitOfWork

KINDS = ("statement", "followup_report")
FORMATS = ("pdf", "xlsx")
MIME = {"pdf": "application/pdf", "xlsx": XLSX_MIME}


@dataclass(frozen=True)
class MessageFile:
    """One attached file."""

    filename: str
    content: bytes
    mime_type: str


def statement_spec(
    contact_id: int, period: Period, fmt: str, viewer: Viewer | None = None
) -> dict[str, Any]:
    """Return the spec of a customer's statement over ``period`` (F9).

    A sender who does not see every document sends what they see (T3.11): the spec
    keeps their ``visible_to`` and the worker builds the file with it.
    """
    spec: dict[str, Any] = {
        "kind": "statement",
        "contact_id": contact_id,
        "from": period.start.isoformat() if period.start else None,
        "to": period.end.isoformat() if period.end else None,
        "format": fmt,
    }
    if viewer is not None:
        spec["visible_to"] = {"user_id": viewer.user_id, "lanes": list(viewer.lanes)}
    return spec


def followup_report_spec(
    as_of: date, contact_ids: Sequence[int] | None, fmt: str
) -> dict[str, Any]:
    """Return the spec of the follow-up report on ``as_of`` (F10); None ids: every customer."""
    return {
        "kind": "followup_report",
        "as_of": as_of.isoformat(),
        "contact_ids": list(contact_ids) if contact_ids is not None else None,
        "format": fmt,
    }


def check_format(fmt: str, field: str = "format") -> str:
    """Return ``fmt`` or raise ValidationFailed naming ``field``."""
    if fmt not in FORMATS:
        raise ValidationFailed.single(field, f"must be one of {', '.join(FORMATS)}")
    return fmt


def build_files(
    uow: UnitOfWork,
    *,
    specs: Sequence[Mapping[str, Any]],
    invoice_ids: Sequence[int],
    locale: str,
) -> list[MessageFile]:
    """Return the invoices, then the spec'd files, rendered in ``locale`` (open unit of work).

    A document that no longer exists is left out; an unknown spec raises ValueError
    (the outbox fails that message rather than send it without its file).
    """
    files = [
        MessageFile(
            pdf_filename(document), render_document_pdf(uow, document.id, locale), MIME["pdf"]
        )
        for document in _documents(uow, invoice_ids)
    ]
    files += [_build(uow, spec, locale) for spec in specs]
    return files


def invoice_pages(uow: UnitOfWork, document_ids: Sequence[int], locale: str) -> list[str]:
    """Return the printable HTML of each existing document, to follow a letter (open uow)."""
    return [
        render_document_html(uow, document.id, locale) for document in _documents(uow, document_ids)
    ]


def _documents(uow: UnitOfWork, document_ids: Sequence[int]) -> list[Document]:
    found = (uow.documents.find(document_id) for document_id in document_ids)
    return [document for document in found if document is not None]


def _build(uow: UnitOfWork, spec: Mapping[str, Any], locale: str) -> MessageFile:
    kind, fmt = spec.get("kind"), spec.get("format", "pdf")
    if fmt not in FORMATS:
        raise ValueError(f"attachment format {fmt!r}")
    if kind == "statement":
        contact_id = int(spec["contact_id"])
        period = Period(_day(spec.get("from")), _day(spec.get("to")))
        seen = spec.get("visible_to")
        viewer = Viewer(int(seen["user_id"]), tuple(seen["lanes"])) if seen else None
        statement = build_statement(uow, contact_id, period, viewer)
        render = statements_pdf if fmt == "pdf" else statements_xlsx
        return MessageFile(f"statement-{contact_id}.{fmt}", render([statement], locale), MIME[fmt])
    if kind == "followup_report":
        as_of = date.fromisoformat(str(spec["as_of"]))
        ids = spec.get("contact_ids")
        report = build_followup(
            uow, as_of=as_of, contact_ids=[int(i) for i in ids] if ids is not None else None
        )
        render_report = followup_pdf if fmt == "pdf" else followup_xlsx
        name = f"followup-{as_of.isoformat()}.{fmt}"
        return MessageFile(name, render_report(report, locale), MIME[fmt])
    raise ValueError(f"attachment kind {kind!r}")


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
