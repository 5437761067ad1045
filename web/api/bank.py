"""/api/v1/bank-accounts, /api/v1/bank-statements, /api/v1/bank-statement-lines: import
a CSV or CAMT.053 statement, review each line's proposals, confirm, assign or ignore
(SPEC F2, issue 14 §7)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.errors import ValidationFailed
from engine.services.banking import (
    FILE_FORMATS,
    LineChoice,
    NewBankAccount,
    confirm_exact,
    create_bank_account,
    get_bank_account,
    get_line,
    get_statement,
    ignore_line,
    import_statement,
    list_bank_accounts,
    list_statements,
    match_line,
    reopen_line,
    update_bank_account,
)
from web.api.fields import DecimalString, Id, LocalDate, LocalInteger, Offset, Text
from web.context import actor_id, new_uow, require_token

accounts_blp = Blueprint(
    "bank_accounts", __name__, url_prefix="/api/v1/bank-accounts", description="Bank accounts"
)
blp = Blueprint(
    "bank_statements",
    __name__,
    url_prefix="/api/v1/bank-statements",
    description="Bank statements",
)
lines_blp = Blueprint(
    "bank_statement_lines",
    __name__,
    url_prefix="/api/v1/bank-statement-lines",
    description="Bank statement lines",
)
for _blueprint in (accounts_blp, blp, lines_blp):
    _blueprint.before_request(require_token)


class BankAccountIn(Schema):
    name = Text(required=True, validate=validate.Length(max=120))
    bank = Text(load_default="", validate=validate.Length(max=120))
    iban = Text(load_default=None, allow_none=True, validate=validate.Length(max=40))
    currency = Text(load_default="IRR", validate=validate.Length(max=3))
    csv_mapping = fields.Dict(load_default=None, allow_none=True)


class BankAccountPatch(Schema):
    name = Text(validate=validate.Length(max=120))
    bank = Text(validate=validate.Length(max=120))
    iban = Text(allow_none=True, validate=validate.Length(max=40))
    currency = Text(validate=validate.Length(max=3))
    csv_mapping = fields.Dict(allow_none=True)
    lock_version = LocalInteger(load_default=None)


class BankAccountOut(Schema):
    id = Id()
    name = Text()
    bank = Text()
    iban = Text(allow_none=True)
    currency = Text()
    csv_mapping = fields.Dict(allow_none=True)
    lock_version = LocalInteger()


class BankProposalOut(Schema):
    document_id = Id()
    number = Text()
    contact_id = Id()
    contact_name = Text()
    kind = Text()
    score = LocalInteger()
    signs = fields.List(Text())
    open_amount = DecimalString()


class BankLineOut(Schema):
    id = Id()
    position = LocalInteger()
    booked_on = LocalDate()
    amount = DecimalString()
    reference = Text()
    description = Text()
    counterparty_name = Text()
    counterparty_iban = Text()
    status = Text()
    payment_id = Id(allow_none=True)
    contact_id = Id(allow_none=True)
    contact_name = Text(allow_none=True)
    document_id = Id(allow_none=True)
    document_number = Text(allow_none=True)
    proposals = fields.List(fields.Nested(BankProposalOut))


class BankStatementSummaryOut(Schema):
    id = Id()
    bank_account_id = Id()
    file_format = Text()
    filename = Text()
    statement_ref = Text()
    imported_at = fields.DateTime()
    lines_in_file = LocalInteger()
    already_imported = LocalInteger()
    lines = LocalInteger()
    open_lines = LocalInteger()
    followed_up_at = fields.DateTime(allow_none=True)


class BankStatementOut(BankStatementSummaryOut):
    bank_account_name = Text()
    currency = Text()
    lines = fields.List(fields.Nested(BankLineOut), attribute="items")
    line_count = LocalInteger(attribute="lines")


class BankStatementUpload(Schema):
    bank_account_id = Id(required=True)
    format = Text(load_default=None, validate=validate.OneOf(FILE_FORMATS))


class BankStatementQuery(Schema):
    bank_account_id = Id(load_default=None)
    limit = LocalInteger(load_default=50, validate=validate.Range(min=1, max=500))
    offset = Offset()


class BankLineMatchIn(Schema):
    document_id = Id(load_default=None)
    contact_id = Id(load_default=None)


class BankLineMatchOut(Schema):
    payment_id = Id()
    line = fields.Nested(BankLineOut)


class BankConfirmedOut(Schema):
    matched = fields.List(Id())


@accounts_blp.route("", methods=["GET"])
@accounts_blp.response(200, BankAccountOut(many=True))
def accounts() -> Any:
    """List the company's bank accounts with their CSV mappings."""
    return list_bank_accounts(new_uow(), actor_id=actor_id())


@accounts_blp.route("", methods=["POST"])
@accounts_blp.arguments(BankAccountIn)
@accounts_blp.response(201, BankAccountOut)
def create_account(body: dict[str, Any]) -> Any:
    """Create a bank account; ``csv_mapping`` says how its bank's CSV reads (docs)."""
    account_id = create_bank_account(new_uow(), NewBankAccount(**body), actor_id=actor_id())
    return get_bank_account(new_uow(), bank_account_id=account_id, actor_id=actor_id())


@accounts_blp.route("/<int:bank_account_id>", methods=["GET"])
@accounts_blp.response(200, BankAccountOut)
def show_account(bank_account_id: int) -> Any:
    """Return one bank account."""
    return get_bank_account(new_uow(), bank_account_id=bank_account_id, actor_id=actor_id())


@accounts_blp.route("/<int:bank_account_id>", methods=["PATCH"])
@accounts_blp.arguments(BankAccountPatch)
@accounts_blp.response(200, BankAccountOut)
def update_account(body: dict[str, Any], bank_account_id: int) -> Any:
    """Change a bank account or its CSV mapping (``csv_mapping: null`` removes it)."""
    lock_version = body.pop("lock_version", None)
    return update_bank_account(
        new_uow(),
        bank_account_id=bank_account_id,
        changes=body,
        actor_id=actor_id(),
        lock_version=lock_version,
    )


@blp.route("", methods=["POST"])
@blp.arguments(BankStatementUpload, location="form")
@blp.response(201, BankStatementOut)
def upload(form: dict[str, Any]) -> Any:
    """Import a statement (multipart: ``file``, ``bank_account_id``, optional ``format``
    csv|camt053, else read from the file name); lines already imported are left out."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed.single("file", "upload the file as multipart field 'file'")
    statement_id = import_statement(
        new_uow(),
        bank_account_id=form["bank_account_id"],
        content=upload.read(),
        filename=upload.filename or "",
        file_format=form["format"],
        actor_id=actor_id(),
    )
    return get_statement(new_uow(), statement_id=statement_id, actor_id=actor_id())


@blp.route("", methods=["GET"])
@blp.arguments(BankStatementQuery, location="query")
@blp.response(200, BankStatementSummaryOut(many=True))
def statements(query: dict[str, Any]) -> Any:
    """List imported statements, newest first, with their open lines."""
    return list_statements(new_uow(), actor_id=actor_id(), **query)


@blp.route("/<int:statement_id>", methods=["GET"])
@blp.response(200, BankStatementOut)
def show(statement_id: int) -> Any:
    """Return a statement with its lines and, for open lines, the ranked proposals."""
    return get_statement(new_uow(), statement_id=statement_id, actor_id=actor_id())


@blp.route("/<int:statement_id>/confirm-exact", methods=["POST"])
@blp.response(200, BankConfirmedOut)
def confirm(statement_id: int) -> Any:
    """Confirm every open line that has exactly one exact proposal."""
    return {"matched": confirm_exact(new_uow(), statement_id=statement_id, actor_id=actor_id())}


@lines_blp.route("/<int:line_id>/match", methods=["POST"])
@lines_blp.arguments(BankLineMatchIn)
@lines_blp.response(200, BankLineMatchOut)
def match(body: dict[str, Any], line_id: int) -> Any:
    """Record the line's payment to an invoice (``document_id``) or, without one, to a
    contact as credit (``contact_id``); once only (409 after)."""
    payment_id = match_line(
        new_uow(), line_id=line_id, choice=LineChoice(**body), actor_id=actor_id()
    )
    return {"payment_id": payment_id, "line": _line(line_id)}


@lines_blp.route("/<int:line_id>/ignore", methods=["POST"])
@lines_blp.response(200, BankLineOut)
def ignore(line_id: int) -> Any:
    """Set an open line aside: it pays nothing."""
    ignore_line(new_uow(), line_id=line_id, actor_id=actor_id())
    return _line(line_id)


@lines_blp.route("/<int:line_id>/reopen", methods=["POST"])
@lines_blp.response(200, BankLineOut)
def reopen(line_id: int) -> Any:
    """Bring an ignored line back among the open ones."""
    reopen_line(new_uow(), line_id=line_id, actor_id=actor_id())
    return _line(line_id)


def _line(line_id: int) -> Any:
    return get_line(new_uow(), line_id=line_id, actor_id=actor_id())
