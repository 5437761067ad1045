"""/api/v1/documents/{id}/pdf: a document as PDF (I9), in the contact's or a chosen language."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, validate

from engine.printing import LANGUAGES
from engine.services.documents import document_pdf
from web.api.fields import Text
from web.context import actor_id, new_uow, require_token

blp = Blueprint(
    "printouts", __name__, url_prefix="/api/v1/documents", description="Documents as PDF"
)
blp.before_request(require_token)

PDF_RESPONSE = {"200": {"description": "a PDF file", "content": {"application/pdf": {}}}}


class LangQuery(Schema):
    lang = Text(load_default=None, validate=validate.OneOf(LANGUAGES))


def file_response(content: bytes, mimetype: str, filename: str) -> Response:
    """Return a download with a safe ASCII file name."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@blp.route("/<int:document_id>/pdf", methods=["GET"])
@blp.arguments(LangQuery, location="query")
@blp.doc(responses=PDF_RESPONSE)
def pdf(query: dict[str, Any], document_id: int) -> Response:
    """Return the document as PDF; ``lang`` defaults to the contact's language."""
    content, name = document_pdf(
        new_uow(), document_id=document_id, actor_id=actor_id(), language=query["lang"]
    )
    return file_response(content, "application/pdf", name)
