"""/documents/<id>/print and /documents/<id>.pdf: a document's print view and PDF (I9).

The page is the same HTML the PDF is made from (engine/printing), in the document's
language (the contact's) unless ``?lang=`` asks for another.
"""

from __future__ import annotations

from flask import Response, request, url_for
from flask_login import current_user, login_required

from engine.services.documents import document_pdf, document_print_html
from web.context import new_uow
from web.ui.pages import ui_blueprint

bp = ui_blueprint("print_pages", __name__)


def _lang() -> str | None:
    return request.args.get("lang") or None


@bp.route("/documents/<int:document_id>/print")
@login_required  # type: ignore[misc]
def show(document_id: int) -> str:
    """The printable page, with a PDF link that keeps the chosen language."""
    pdf_url = url_for("print_pages.pdf", document_id=document_id, **request.args)
    return document_print_html(
        new_uow(),
        document_id=document_id,
        actor_id=current_user.id,
        language=_lang(),
        screen_links={"pdf": pdf_url},
    )


@bp.route("/documents/<int:document_id>.pdf")
@login_required  # type: ignore[misc]
def pdf(document_id: int) -> Response:
    """The document as a PDF download."""
    content, name = document_pdf(
        new_uow(), document_id=document_id, actor_id=current_user.id, language=_lang()
    )
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
