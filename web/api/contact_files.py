"""/api/v1/contacts: account and "pay the amount due" (P6), statements (F9) as JSON, PDF
or XLSX, and import/export as CSV or XLSX (E7). Added beside web/api/contacts.py."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.errors import ValidationFailed
from engine.models.outbox import LOCALES
from engine.printing import LANGUAGES
from engine.services.accounts import (
    METHODS,
    contact_account,
    customer_statements,
    get_payment,
    pay_amount_due,
)
from engine.services.contacts import FORMATS, export_contacts, import_contacts
from engine.services.messaging import FORMATS as FILE_FORMATS
from engine.services.reporting import (
    XLSX_MIME,
    Period,
    email_statements,
    statements_pdf,
    statements_xlsx,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Text
from web.api.messages import MessageOut
from web.api.printouts import PDF_RESPONSE, file_response
from web.api.reports import XLSX_RESPONSE, plain
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "contact_files",
    __name__,
    url_prefix="/api/v1/contacts",
    description="Contact accounts, statements, import and export",
)
blp.before_request(require_token)

MIME = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_MIME}


class StatementQuery(Schema):
    from_ = LocalDate(data_key="from", load_default=None)
    to = LocalDate(load_default=None)
    lang = Text(load_default=None, validate=validate.OneOf(LANGUAGES))
    contact_id = fields.List(LocalInteger(), load_default=None)


class StatementSendIn(Schema):
    from_ = LocalDate(data_key="from", load_default=None)
    to = LocalDate(load_default=None)
    format = Text(load_default="pdf", validate=validate.OneOf(FILE_FORMATS))
    lang = Text(load_default=None, validate=validate.OneOf(LOCALES))
    recipient = fields.Email(load_default=None)


class StatementsSendIn(StatementSendIn):
    contact_id = fields.List(LocalInteger(validate=validate.Range(min=1)), load_default=None)


class SkippedOut(Schema):
    contact_id = Id()
    contact_name = Text()
    reason = Text()


class MailingOut(Schema):
    messages = fields.List(fields.Nested(MessageOut))
    skipped = fields.List(fields.Nested(SkippedOut))


class PayDueIn(Schema):
    method = Text(required=True, validate=validate.OneOf(METHODS))
    amount = DecimalString(load_default=None, allow_none=True)
    received_on = LocalDate(load_default=None, allow_none=True)
    reference = Text(load_default="", validate=validate.Length(max=80))
    cheque_number = Text(load_default=None, allow_none=True)
    cheque_due_date = LocalDate(load_default=None, allow_none=True)


class ImportQuery(Schema):
    format = Text(load_default=None, validate=validate.OneOf(FORMATS))


def _statements(query: dict[str, Any], contact_ids: list[int] | None) -> list[Any]:
    return customer_statements(
        new_uow(),
        actor_id=actor_id(),
        contact_ids=contact_ids,
        period=Period(query["from_"], query["to"]),
    )


def _language(query: dict[str, Any], statements: list[Any]) -> str:
    if query["lang"]:
        return str(query["lang"])
    return statements[0].language if len(statements) == 1 else "fa"


@blp.route("/<int:contact_id>/account", methods=["GET"])
def account(contact_id: int) -> Response:
    """Balance, total due, overdue, open invoices, documents, payments and ledger (P6)."""
    return jsonify(plain(contact_account(new_uow(), contact_id=contact_id, actor_id=actor_id())))


@blp.route("/<int:contact_id>/pay-due", methods=["POST"])
@blp.arguments(PayDueIn)
def pay_due(body: dict[str, Any], contact_id: int) -> tuple[Response, int]:
    """Record a payment settling open invoices oldest first; amount defaults to all due."""
    payment_id = pay_amount_due(new_uow(), contact_id=contact_id, actor_id=actor_id(), **body)
    return jsonify(plain(get_payment(new_uow(), payment_id=payment_id, actor_id=actor_id()))), 201


@blp.route("/<int:contact_id>/statement", methods=["GET"])
@blp.arguments(StatementQuery, location="query")
def statement(query: dict[str, Any], contact_id: int) -> Response:
    """The customer's statement over ``from``..``to`` (F9)."""
    return jsonify(plain(_statements(query, [contact_id])[0]))


@blp.route("/<int:contact_id>/statement.pdf", methods=["GET"])
@blp.arguments(StatementQuery, location="query")
@blp.doc(responses=PDF_RESPONSE)
def statement_pdf(query: dict[str, Any], contact_id: int) -> Response:
    """The statement as PDF, in the customer's language unless ``lang`` is given."""
    found = _statements(query, [contact_id])
    content = statements_pdf(found, _language(query, found))
    return file_response(content, "application/pdf", f"statement-{contact_id}.pdf")


@blp.route("/<int:contact_id>/statement.xlsx", methods=["GET"])
@blp.arguments(StatementQuery, location="query")
@blp.doc(responses=XLSX_RESPONSE)
def statement_xlsx(query: dict[str, Any], contact_id: int) -> Response:
    """The statement as XLSX."""
    found = _statements(query, [contact_id])
    content = statements_xlsx(found, _language(query, found))
    return file_response(content, XLSX_MIME, f"statement-{contact_id}.xlsx")


@blp.route("/<int:contact_id>/statement/send", methods=["POST"])
@blp.arguments(StatementSendIn)
@blp.response(201, MessageOut)
def send_statement(body: dict[str, Any], contact_id: int) -> Any:
    """Email the statement (PDF or XLSX) to the customer, or to ``recipient`` (F9).

    Sent through the outbox: the answer is the queued message; its status moves on
    as the provider reports (GET /api/v1/messages). The same statement to the same
    address on the same day is one message, however often it is asked for.
    """
    mailing = _send_statements(body, [contact_id])
    if mailing.skipped:
        raise ValidationFailed.single("recipient", "the customer has no email address")
    return mailing.messages[0]


@blp.route("/statements/send", methods=["POST"])
@blp.arguments(StatementsSendIn)
@blp.response(201, MailingOut)
def send_statements(body: dict[str, Any]) -> Any:
    """Email each customer (``contact_id``s, or every customer with entries) its statement.

    Customers without an email address are listed under ``skipped``.
    """
    return _send_statements(body, body["contact_id"])


def _send_statements(body: dict[str, Any], contact_ids: list[int] | None) -> Any:
    return email_statements(
        new_uow(),
        actor_id=actor_id(),
        contact_ids=contact_ids,
        period=Period(body["from_"], body["to"]),
        fmt=body["format"],
        language=body["lang"],
        recipient=body["recipient"],
    )


@blp.route("/statements.pdf", methods=["GET"])
@blp.arguments(StatementQuery, location="query")
@blp.doc(responses=PDF_RESPONSE)
def many_statements_pdf(query: dict[str, Any]) -> Response:
    """Statements of the given ``contact_id``s (or every customer), a page each (F9)."""
    found = _statements(query, query["contact_id"])
    content = statements_pdf(found, _language(query, found))
    return file_response(content, "application/pdf", "statements.pdf")


@blp.route("/statements.xlsx", methods=["GET"])
@blp.arguments(StatementQuery, location="query")
@blp.doc(responses=XLSX_RESPONSE)
def many_statements_xlsx(query: dict[str, Any]) -> Response:
    """Statements of many customers, a sheet each (F9)."""
    found = _statements(query, query["contact_id"])
    content = statements_xlsx(found, _language(query, found))
    return file_response(content, XLSX_MIME, "statements.xlsx")


@blp.route("/export.<any(csv,xlsx):fmt>", methods=["GET"])
@blp.doc(responses=XLSX_RESPONSE)
def export(fmt: str) -> Response:
    """Every contact with its balance, as CSV (UTF-8) or XLSX (E7)."""
    content = export_contacts(new_uow(), actor_id=actor_id(), fmt=fmt)
    return file_response(content, MIME[fmt], f"contacts.{fmt}")


@blp.route("/import", methods=["POST"])
@blp.arguments(ImportQuery, location="query")
def import_(query: dict[str, Any]) -> tuple[Response, int]:
    """Add the contacts of an uploaded CSV or XLSX (form field ``file``), all or none.

    A bad file answers 422 with ``errors`` naming each bad cell as ``rows[n].column``
    (n = the spreadsheet row, the header being row 1), and nothing is imported.
    """
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed.single("file", "upload the file as multipart field 'file'")
    fmt = query["format"] or PurePath(upload.filename or "").suffix.lstrip(".").lower()
    result = import_contacts(new_uow(), actor_id=actor_id(), fmt=fmt, content=upload.read())
    return jsonify(plain(result)), 201
