"""Reports, statements and the follow-up report as PDF and XLSX files (I12, F9, F10).

These turn the plain report objects into files; they read nothing from the database.
Labels come from the print catalogs in the requested language; sheets and pages of
Persian and Arabic run right to left.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from engine.domain.localize import direction, format_date
from engine.pdf import html_to_pdf
from engine.printing import Seller, render, translate
from engine.services.accounts.statements import FollowupReport, Statement
from engine.services.reporting.reports import (
    AGEING_BUCKETS,
    AgeingReport,
    CollectionReport,
    InvoiceReport,
    ReceivedReport,
)
from engine.xlsx import Sheet, workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUCKET_LABELS = {
    "current": "Current",
    "1-30": "1–30 days",
    "31-60": "31–60 days",
    "61-90": "61–90 days",
    "90+": "Over 90 days",
}
ENTRY_KINDS = {
    "opening": "Opening",
    "document": "Invoice",
    "payment": "Payment",
    "discount": "Early payment discount",  # issue 14 §4
    "reversal": "Reversal",
}


def statements_pdf(statements: Sequence[Statement], language: str) -> bytes:
    """Return one PDF with a statement per customer, each starting on a new page."""
    kinds = {k: translate(v, language) for k, v in ENTRY_KINDS.items()}
    html = render(
        "statement.html", language, statements=statements, seller=Seller.current(), kinds=kinds
    )
    return html_to_pdf(html)


def statements_xlsx(statements: Sequence[Statement], language: str) -> bytes:
    """Return a workbook with a sheet per customer: entries, running balance, open invoices."""
    t = _translator(language)
    kinds = {k: t(v) for k, v in ENTRY_KINDS.items()}
    sheets = []
    for s in statements:
        rows: list[list[object]] = [["", t("Opening balance"), None, None, s.opening]]
        rows += [
            [ln.date, f"{kinds.get(ln.kind, ln.kind)} {ln.number or ln.memo}".strip()]
            + [ln.debit or None, ln.credit or None, ln.balance]
            for ln in s.lines
        ]
        sheets.append(
            Sheet(
                title=s.contact_name,
                headers=[t("Date"), t("Description"), t("Debit"), t("Credit"), t("Balance")],
                rows=rows,
                rtl=_rtl(language),
                preamble=[(t("Customer"), s.contact_name), (t("Period"), _period(s, language))],
                footer=["", t("Closing balance"), s.debit, s.credit, s.closing],
            )
        )
    return workbook(sheets)


def followup_pdf(report: FollowupReport, language: str) -> bytes:
    """Return the follow-up report (due vs overdue per customer) as PDF."""
    return html_to_pdf(render("followup.html", language, r=report, seller=Seller.current()))


def followup_xlsx(report: FollowupReport, language: str) -> bytes:
    """Return the follow-up report as a workbook: a summary sheet and an invoices sheet."""
    t = _translator(language)
    summary = Sheet(
        title=t("Follow-up report: due and overdue invoices"),
        headers=[t("Customer"), t("Not yet due"), t("Count"), t("Overdue"), t("Count")]
        + [t("Total open")],
        rows=[
            [c.contact_name, c.due_amount, c.due_count, c.overdue_amount, c.overdue_count]
            + [c.total_open]
            for c in report.customers
        ],
        rtl=_rtl(language),
        preamble=[(t("As of"), report.as_of)],
        footer=[t("All customers"), report.due_amount, None, report.overdue_amount, None]
        + [report.total_open],
    )
    invoices = Sheet(
        title=t("Invoices"),
        headers=[t("Customer"), t("Number"), t("Issue date"), t("Due date"), t("Open")]
        + [t("Status"), t("Days overdue")],
        rows=[
            [c.contact_name, inv.number, inv.issue_date, inv.due_date, inv.open]
            + [t("Overdue") if inv.days_overdue else t("Not yet due"), inv.days_overdue]
            for c in report.customers
            for inv in c.invoices
        ],
        rtl=_rtl(language),
    )
    return workbook([summary, invoices])


def report_xlsx(
    name: str,
    report: InvoiceReport | ReceivedReport | CollectionReport | AgeingReport,
    language: str,
) -> bytes:
    """Return one of the I12 reports as a workbook."""
    t = _translator(language)
    rtl = _rtl(language)
    if isinstance(report, InvoiceReport):
        title = t("Overdue invoices") if name == "overdue" else t("Unpaid invoices")
        headers = [t("Number"), t("Contact"), t("Issue date"), t("Due date"), t("Total")]
        headers += [t("Paid"), t("Open"), t("Days overdue")]
        rows: list[list[object]] = [
            [r.number, r.contact_name, r.issue_date, r.due_date, r.total, r.paid, r.open]
            + [r.days_overdue]
            for r in report.rows
        ]
        footer = ["", "", "", "", report.total, report.paid, report.open, None]
        sheet = Sheet(title, headers, rows, rtl, [(t("As of"), report.as_of)], footer)
        return workbook([sheet])
    if isinstance(report, ReceivedReport):
        by_contact = Sheet(
            t("Received from customers"),
            [t("Contact"), t("Amount"), t("Count")],
            [[r["contact_name"], r["amount"], r["count"]] for r in report.by_contact],
            rtl,
            _period_rows(t, report.period.start, report.period.end),
            [t("Total"), report.total, report.count],
        )
        by_month = Sheet(
            t("Month"),
            [t("Month"), t("Amount")],
            [[r["month"], r["amount"]] for r in report.by_month],
            rtl,
        )
        return workbook([by_contact, by_month])
    if isinstance(report, CollectionReport):
        sheet = Sheet(
            t("Collection percentage"),
            [t("Invoiced"), t("Collected"), t("Open"), t("Percent"), t("Count")],
            [[report.invoiced, report.collected, report.open, report.percent, report.count]],
            rtl,
            _period_rows(t, report.period.start, report.period.end),
        )
        return workbook([sheet])
    # Unallocated credit is its own column, beside the open amounts (issue 14 §6).
    headers = [t("Contact")] + [t(BUCKET_LABELS[b]) for b in AGEING_BUCKETS]
    headers += [t("Total"), t("Unallocated credit")]
    rows = [
        [r["contact_name"]] + [r[b] for b in AGEING_BUCKETS] + [r["total"], r.get("credit", 0)]
        for r in report.by_contact
    ]
    totals: list[object] = [t("Total")]
    totals += [report.buckets[b] for b in AGEING_BUCKETS] + [report.total, report.credit]
    sheet = Sheet(t("Ageing"), headers, rows, rtl, [(t("As of"), report.as_of)], totals)
    return workbook([sheet])


def _translator(language: str) -> Callable[[str], str]:
    return lambda message: translate(message, language)


def _rtl(language: str) -> bool:
    return direction(language) == "rtl"


def _period(s: Statement, language: str) -> str:
    # A text cell, so written as the statement PDF writes it (engine.domain.localize).
    start = format_date(s.period.start, language)
    return f"{start} – {format_date(s.as_of, language)}"


def _period_rows(
    t: Callable[[str], str], start: date | None, end: date | None
) -> list[tuple[str, object]]:
    return [(t("from"), start), (t("to"), end)]
