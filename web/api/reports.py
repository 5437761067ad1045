"""/api/v1/reports: unpaid, overdue, received, collection, ageing (I12, E6) as JSON or
XLSX, and the follow-up report of due vs overdue invoices (F10) as JSON, PDF or XLSX."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.models.outbox import LOCALES
from engine.printing import LANGUAGES
from engine.services import reporting as svc
from engine.services.accounts import followup_report
from engine.services.messaging import FORMATS as FILE_FORMATS
from engine.services.reporting import (
    XLSX_MIME,
    email_followup_report,
    followup_pdf,
    followup_xlsx,
    report_xlsx,
)
from web.api.fields import LocalDate, LocalInteger, Text
from web.api.messages import MessageOut
from web.api.printouts import PDF_RESPONSE, file_response
from web.context import actor_id, new_uow, require_token

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Reports")
blp.before_request(require_token)

XLSX_RESPONSE = {"200": {"description": "an XLSX workbook", "content": {XLSX_MIME: {}}}}


class ReportQuery(Schema):
    from_ = LocalDate(data_key="from", load_default=None)
    to = LocalDate(load_default=None)
    as_of = LocalDate(load_default=None)
    contact_id = fields.List(LocalInteger(), load_default=None)
    limit = LocalInteger(load_default=100, validate=validate.Range(min=1, max=svc.MAX_ROWS))
    lang = Text(load_default="fa", validate=validate.OneOf(LANGUAGES))
    by_contact = fields.Boolean(load_default=False)  # ageing: a row per customer too

    @validates_schema
    def _period(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["from_"] and data["to"] and data["to"] < data["from_"]:
            raise ValidationError("must not be before 'from'", "to")


class FollowupReportSendIn(Schema):
    recipient = fields.Email(load_default=None)
    as_of = LocalDate(load_default=None)
    contact_id = fields.List(LocalInteger(validate=validate.Range(min=1)), load_default=None)
    format = Text(load_default="pdf", validate=validate.OneOf(FILE_FORMATS))
    lang = Text(load_default=None, validate=validate.OneOf(LOCALES))


def plain(value: Any) -> Any:
    """Return JSON-ready data: amounts as decimal strings, dates in ISO form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _build(name: str, query: dict[str, Any], xlsx: bool = False) -> Any:
    period = svc.Period(query["from_"], query["to"])
    uow, actor = new_uow(), actor_id()
    if name in ("unpaid", "overdue"):
        return svc.unpaid_invoices(
            uow,
            actor_id=actor,
            as_of=query["as_of"],
            overdue_only=name == "overdue",
            contact_ids=query["contact_id"],
            limit=query["limit"],
        )
    if name == "received":
        return svc.received_from_customers(uow, actor_id=actor, period=period)
    if name == "collection":
        return svc.collection_percentage(uow, actor_id=actor, period=period)
    if name == "ageing":
        return svc.ageing(
            uow, actor_id=actor, as_of=query["as_of"], contact_ids=query["contact_id"]
        )
    raise ValidationError(f"must be one of: {', '.join(svc.REPORTS)}", "name")


def _followup(query: dict[str, Any]) -> Any:
    return followup_report(
        new_uow(), actor_id=actor_id(), as_of=query["as_of"], contact_ids=query["contact_id"]
    )


@blp.route("/followup", methods=["GET"])
@blp.arguments(ReportQuery, location="query")
def followup(query: dict[str, Any]) -> Response:
    """Open invoices per customer, not yet due vs overdue on ``as_of`` (F10)."""
    return jsonify(plain(_followup(query)))


@blp.route("/followup.pdf", methods=["GET"])
@blp.arguments(ReportQuery, location="query")
@blp.doc(responses=PDF_RESPONSE)
def followup_as_pdf(query: dict[str, Any]) -> Response:
    """The follow-up report as PDF in ``lang`` (F10)."""
    content = followup_pdf(_followup(query), query["lang"])
    return file_response(content, "application/pdf", "followup.pdf")


@blp.route("/followup.xlsx", methods=["GET"])
@blp.arguments(ReportQuery, location="query")
@blp.doc(responses=XLSX_RESPONSE)
def followup_as_xlsx(query: dict[str, Any]) -> Response:
    """The follow-up report as XLSX in ``lang`` (F10)."""
    content = followup_xlsx(_followup(query), query["lang"])
    return file_response(content, XLSX_MIME, "followup.xlsx")


@blp.route("/followup/send", methods=["POST"])
@blp.arguments(FollowupReportSendIn)
@blp.response(201, MessageOut)
def followup_send(body: dict[str, Any]) -> Any:
    """Email the follow-up report (PDF or XLSX, F10) through the outbox.

    To ``recipient``, or, for a single ``contact_id`` without one, to that customer.
    """
    return email_followup_report(
        new_uow(),
        actor_id=actor_id(),
        recipient=body["recipient"],
        as_of=body["as_of"],
        contact_ids=body["contact_id"],
        fmt=body["format"],
        language=body["lang"],
    )


@blp.route("/<any(unpaid,overdue,received,collection,ageing):name>", methods=["GET"])
@blp.arguments(ReportQuery, location="query")
def report(query: dict[str, Any], name: str) -> Response:
    """One report as JSON: ``from``/``to`` bound received and collection, ``as_of`` the rest."""
    return jsonify(plain(_build(name, query)))


@blp.route("/<any(unpaid,overdue,received,collection,ageing):name>.xlsx", methods=["GET"])
@blp.arguments(ReportQuery, location="query")
@blp.doc(responses=XLSX_RESPONSE)
def report_as_xlsx(query: dict[str, Any], name: str) -> Response:
    """One report as an XLSX workbook with headers in ``lang``."""
    content = report_xlsx(name, _build(name, query, xlsx=True), query["lang"])
    return file_response(content, XLSX_MIME, f"{name}.xlsx")
