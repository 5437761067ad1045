"""Pages of reports (I12, E6), contacts (P6, E7, F9), the print view (I9) and the messages
on the contact and invoice pages (C4, E5), signed in as real users, on real postings."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from engine.config import Settings
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from notifications.channels import channels_for
from notifications.outbox import send_due
from tests.fakes.fixtures import fake_smtp  # noqa: F401
from tests.fakes.smtp import FakeSmtp
from tests.integration import followup_support
from tests.integration.postings import ageing_book, customer, posted_invoice
from tests.integration.test_ui_flow import UiClient
from tests.integration.test_ui_language import english_words
from tests.notifications.support import queue


@pytest.fixture
def book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    return ageing_book(uow, ids)


def test_reports_page_shows_the_figures_and_the_chart(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "accountant")
    page = ui.get("/reports?as_of=2026-06-30&from=2026-06-01&to=2026-06-30").get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert "۴۳٬۷۹۰٬۰۰۰" in page  # unpaid open total, Persian digits and separators
    assert "۳۸٬۳۴۰٬۰۰۰" in page  # overdue
    assert "۱۰٪" in page  # collection percentage in June
    assert 'id="ageing-chart"' in page and "chart.umd.min.js" in page
    assert "مشتری الف" in page
    xlsx = ui.client.get("/reports/ageing.xlsx?as_of=2026-06-30")
    assert xlsx.data[:2] == b"PK"
    pdf = ui.client.get("/reports/followup.pdf?as_of=2026-06-30")
    assert pdf.data.startswith(b"%PDF-")


def test_reports_page_is_refused_to_a_clerk(app: Flask) -> None:
    assert UiClient(app, "clerk").get("/reports", status=None).status_code == 403


def test_jalali_period_on_the_reports_page(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "accountant")
    # 1405/03/11 .. 1405/04/09 is 2026-06-01 .. 2026-06-30
    page = ui.get("/reports?from=۱۴۰۵/۰۳/۱۱&to=1405/04/09&as_of=2026-06-30").get_data(as_text=True)
    assert "۱۰٪" in page


def test_contact_page_pays_the_amount_due_oldest_first(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    c = customer(uow, ids, "مشتری صفحه")
    old = posted_invoice(uow, ids, c, "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31))
    new = posted_invoice(uow, ids, c, "2000000", issued=date(2026, 2, 1), due=date(2026, 3, 1))
    ui = UiClient(app, "accountant")
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert "۳٬۲۷۰٬۰۰۰" in page  # total due 1.09M + 2.18M
    assert 'id="pay-due"' in page
    ui.post(f"/contacts/{c}/pay-due", {"amount": "۲٬۰۰۰٬۰۰۰", "method": "cash"}, status=302)
    with uow:
        assert uow.documents.get(old).state == "paid"
        assert uow.documents.get(new).paid == 910000
    page = ui.get(f"/contacts/{c}").get_data(as_text=True)
    assert "۱٬۲۷۰٬۰۰۰" in page
    # A clerk sees the account but is not offered, and is refused, the payment.
    clerk = UiClient(app, "clerk")
    assert 'id="pay-due"' not in clerk.get(f"/contacts/{c}").get_data(as_text=True)
    assert clerk.post(f"/contacts/{c}/pay-due", {"method": "cash"}).status_code == 403
    statement = ui.client.get(f"/contacts/{c}/statement.pdf?from=1404/10/01")
    assert statement.data.startswith(b"%PDF-")


def test_contacts_list_import_errors_by_row_and_column(app: Flask, uow: UnitOfWork) -> None:
    ui = UiClient(app, "clerk")
    page = ui.get("/contacts").get_data(as_text=True)
    assert "علیرضا سامری" in page and 'id="import"' in page
    bad = b"name,kind,email\nOk,customer,\nBad,customer,nope\n"
    response = ui.post(
        "/contacts/import",
        {"file": (io.BytesIO(bad), "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="import-errors"' in html and "<bdi>email</bdi>" in html and ">۳<" in html
    good = b"name,kind\nNew One,customer\n"
    ui.post(
        "/contacts/import",
        {"file": (io.BytesIO(good), "c.csv")},
        content_type="multipart/form-data",
        status=302,
    )
    assert "New One" in ui.get("/contacts?q=New").get_data(as_text=True)
    assert ui.client.get("/contacts/export.xlsx").data[:2] == b"PK"


def test_print_view_and_pdf_of_a_document(app: Flask, uow: UnitOfWork, ids: dict[str, int]) -> None:
    doc = posted_invoice(
        uow, ids, ids["sameri"], "90000000", issued=date(2026, 3, 21), due=date(2026, 4, 20)
    )
    ui = UiClient(app, "clerk")
    html = ui.get(f"/documents/{doc}/print").get_data(as_text=True)
    assert "۹۸٬۱۰۰٬۰۰۰" in html and "۱۴۰۵/۰۱/۰۱" in html and 'dir="rtl"' in html
    english = ui.get(f"/documents/{doc}/print?lang=en").get_data(as_text=True)
    assert "98,100,000" in english and 'dir="ltr"' in english
    assert ui.client.get(f"/documents/{doc}.pdf").data.startswith(b"%PDF-")
    assert f"/documents/{doc}/print" in ui.get(f"/documents/{doc}").get_data(as_text=True)


def test_persian_pages_have_no_english_left(app: Flask, book: dict[str, int]) -> None:
    ui = UiClient(app, "admin")
    leftovers = {}
    for path in ("/reports?as_of=2026-06-30", "/contacts", f"/contacts/{book['b']}"):
        # An example address (the report's "email to" field) is written as such.
        html = ui.get(path).get_data(as_text=True).replace('placeholder="name@example.com"', "")
        found = english_words(html) - {"XLSX", "CSV"}  # file formats, named as such
        if found:
            leftovers[path] = sorted(found)
    assert not leftovers, leftovers


def _messages_table(html: str) -> str:
    """Return the Messages table of a page, or "" when the page has none."""
    start = html.find('id="messages"')
    return html[start : html.index("</table>", start)] if start >= 0 else ""


def test_contact_and_invoice_pages_list_the_messages_with_status_and_failure_reason(
    app: Flask,
    uow: UnitOfWork,
    ids: dict[str, int],
    tmp_path: Path,
    fake_smtp: FakeSmtp,  # noqa: F811
) -> None:
    contact_id = followup_support.customer(uow, ids, "مشتری پیام‌ها")
    invoice_id = posted_invoice(
        uow, ids, contact_id, "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31)
    )
    text = "لطفاً بدهی خود را بپردازید"
    form = {"channel": ["email", "sms"], "locale": "fa", "subject": "یادآوری بدهی", "body": text}
    UiClient(app, "clerk").post(
        f"/followups/{contact_id}/send", {**form, "sms": text, "action": "send"}, status=302
    )
    accountant = UiClient(app, "accountant")
    queued = _messages_table(accountant.get(f"/contacts/{contact_id}").get_data(as_text=True))
    assert queued.count('data-status="queued"') == 2 and "در صف ارسال" in queued

    fake_smtp.script("550")  # the relay refuses the email for good; the SMS goes out
    settings = Settings(
        data_dir=tmp_path,
        database_url="sqlite://",
        secret_key="x",
        email_backend="smtp",
        smtp_port=fake_smtp.port,
    )
    report = send_due(uow, channels_for(settings), settings)
    assert (report.sent, report.failed) == (1, 1)

    for path in (f"/contacts/{contact_id}", f"/documents/{invoice_id}"):
        page = accountant.get(path).get_data(as_text=True)
        table = _messages_table(page)
        assert "<bdi>c@example.com</bdi>" in table and "<bdi>+989120000000</bdi>" in table, path
        assert "ایمیل" in table and "پیامک" in table  # channels, translated
        assert 'data-status="failed"' in table and "ناموفق" in table  # failed, translated
        assert 'data-status="sent"' in table and "ارسال شد" in table
        assert "<bdi>SMTP 550" in table  # why it failed, for the responsible user (E5)
        assert english_words(page) - {"XLSX"} == set(), path
    accountant.post("/language", {"lang": "ar"}, status=302)
    arabic = _messages_table(accountant.get(f"/contacts/{contact_id}").get_data(as_text=True))
    assert "فشل الإرسال" in arabic and "أُرسلت" in arabic


def test_messages_are_left_out_for_users_who_may_not_read_them(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    invoice_id = posted_invoice(
        uow, ids, ids["sameri"], "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31)
    )
    queue(uow, "reminder-1", contact_id=ids["sameri"], document_ids=[invoice_id])
    reader = UiClient(app, "accountant").get(f"/documents/{invoice_id}")
    assert 'data-status="queued"' in _messages_table(reader.get_data(as_text=True))
    # A process designer may open the invoice but not read customers' messages.
    create_user(uow, username="designer", password="designer", roles=["designer"])
    designer = UiClient(app, "designer").get(f"/documents/{invoice_id}", status=200)
    html = designer.get_data(as_text=True)
    assert 'id="document-summary"' in html and 'id="messages"' not in html


def test_contact_without_messages_says_so_and_document_without_shows_none(
    app: Flask, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    invoice_id = posted_invoice(
        uow, ids, ids["sameri"], "1000000", issued=date(2026, 1, 1), due=date(2026, 1, 31)
    )
    accountant = UiClient(app, "accountant")
    contact = _messages_table(accountant.get(f"/contacts/{ids['sameri']}").get_data(as_text=True))
    assert "هنوز پیامی فرستاده نشده است." in contact
    assert 'id="messages"' not in accountant.get(f"/documents/{invoice_id}").get_data(as_text=True)
