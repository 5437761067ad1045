"""/reports: unpaid, overdue, received, collection percentage and ageing (I12, E6), with
charts (Chart.js) and XLSX/PDF downloads; the figures come from engine/services/reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from engine import clock
from engine.domain.permissions import Perm
from engine.services import reporting as svc
from engine.services.accounts import followup_report
from engine.services.reporting import (
    XLSX_MIME,
    email_followup_report,
    followup_pdf,
    followup_xlsx,
    report_xlsx,
)
from web.auth import permission_required
from web.context import new_uow
from web.ui.forms import optional_date
from web.ui.labels import bucket_names
from web.ui.pages import back_to, ui_blueprint

bp = ui_blueprint("report_pages", __name__)


def _params() -> dict[str, date]:
    today = clock.business_today()
    start = optional_date(request.args.get("from"), field="from") or today - timedelta(days=365)
    end = optional_date(request.args.get("to"), field="to") or today
    as_of = optional_date(request.args.get("as_of"), field="as_of") or today
    svc.Period(start, end).check()
    return {"from": start, "to": end, "as_of": as_of}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fa"


def _download(content: bytes, mimetype: str, name: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report(name: str, p: dict[str, date]) -> Any:
    uow, actor = new_uow(), current_user.id
    period = svc.Period(p["from"], p["to"])
    if name in ("unpaid", "overdue"):
        return svc.unpaid_invoices(
            uow, actor_id=actor, as_of=p["as_of"], overdue_only=name == "overdue", limit=1000
        )
    if name == "received":
        return svc.received_from_customers(uow, actor_id=actor, period=period)
    if name == "collection":
        return svc.collection_percentage(uow, actor_id=actor, period=period)
    return svc.ageing(uow, actor_id=actor, as_of=p["as_of"], by_contact=True)


@bp.route("/reports")
@permission_required(Perm.VIEW_ALL)
def index() -> str:
    """The reports page: figures, the ageing and collections charts, the lists."""
    p = _params()
    uow, actor = new_uow(), current_user.id
    period = svc.Period(p["from"], p["to"])
    unpaid = svc.unpaid_invoices(uow, actor_id=actor, as_of=p["as_of"], limit=1)
    overdue = svc.unpaid_invoices(
        uow, actor_id=actor, as_of=p["as_of"], overdue_only=True, limit=50
    )
    received = svc.received_from_customers(uow, actor_id=actor, period=period)
    collection = svc.collection_percentage(uow, actor_id=actor, period=period)
    ageing = svc.ageing(uow, actor_id=actor, as_of=p["as_of"])
    names = bucket_names()
    chart = {
        "ageing": [str(ageing.buckets[b]) for b in svc.AGEING_BUCKETS],
        "months": [r["month"] for r in received.by_month],
        "received": [str(r["amount"]) for r in received.by_month],
    }
    return render_template(
        "reports/index.html",
        p=p,
        unpaid=unpaid,
        overdue=overdue,
        received=received,
        collection=collection,
        ageing=ageing,
        buckets=svc.AGEING_BUCKETS,
        bucket_names=names,
        bucket_labels=[names[b] for b in svc.AGEING_BUCKETS],
        chart=chart,
        query=request.args.to_dict(),
    )


@bp.route("/reports/<any(unpaid,overdue,received,collection,ageing):name>.xlsx")
@permission_required(Perm.VIEW_ALL)
def xlsx(name: str) -> Response:
    """One report as XLSX with headers in the page's language."""
    content = report_xlsx(name, _report(name, _params()), _lang())
    return _download(content, XLSX_MIME, f"{name}.xlsx")


@bp.route("/reports/followup/send", methods=["POST"])
@permission_required(Perm.VIEW_ALL)
def followup_send() -> ResponseReturnValue:
    """Email the follow-up report (F10) to an address, as PDF or XLSX, through the outbox."""
    form = request.form
    message = email_followup_report(
        new_uow(),
        actor_id=current_user.id,
        recipient=form.get("recipient", "").strip() or None,
        as_of=optional_date(form.get("as_of"), field="as_of"),
        fmt=form.get("format", "pdf"),
        language=_lang(),
    )
    flash(_("Queued for sending to %(recipient)s.", recipient=message.recipient), "success")
    return back_to("report_pages.index")


@bp.route("/reports/followup.<any(pdf,xlsx):fmt>")
@permission_required(Perm.VIEW_ALL)
def followup(fmt: str) -> Response:
    """The follow-up report of due vs overdue invoices (F10) as PDF or XLSX."""
    report = followup_report(new_uow(), actor_id=current_user.id, as_of=_params()["as_of"])
    if fmt == "pdf":
        return _download(followup_pdf(report, _lang()), "application/pdf", "followup.pdf")
    return _download(followup_xlsx(report, _lang()), XLSX_MIME, "followup.xlsx")
