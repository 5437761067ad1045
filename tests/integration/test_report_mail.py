"""Statements (F9) and the follow-up report (F10) sent by email through the outbox: the API
queues the message, the worker builds the file and the real SendGrid client sends it to
the loopback fake."""

from __future__ import annotations

import base64
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.config import Settings
from engine.services.unit_of_work import UnitOfWork
from notifications.channels import channels_for
from notifications.outbox import send_due
from tests.fakes.fixtures import fake_sendgrid  # noqa: F401
from tests.fakes.sendgrid import FakeSendGrid
from tests.integration.conftest import Api
from tests.integration.postings import customer, on_day, posted_invoice
from tests.integration.test_ui_flow import UiClient

TODAY = date(2026, 6, 1)


@pytest.fixture
def settings(tmp_path: Path, database_url: str, fake_sendgrid: FakeSendGrid) -> Settings:  # noqa: F811
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test",
        email_backend="sendgrid",
        sendgrid_api_key="SG.test-key",
        sendgrid_host=fake_sendgrid.url,
        provider_timeout_seconds=1.0,
    )


@pytest.fixture
def book(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    """Two customers with email addresses and one without, each with invoices."""
    with on_day(date(2026, 1, 1)):
        out = {
            "fa": customer(uow, ids, "شرکت نمونه", email="pay@namune.example", language="fa"),
            "en": customer(uow, ids, "Acme Ltd", email="ap@acme.example", language="en"),
            "none": customer(uow, ids, "بی‌نشانی"),
        }
    for key in out:
        posted_invoice(
            uow, ids, out[key], "10000000", issued=date(2026, 2, 1), due=date(2026, 3, 1)
        )
    posted_invoice(uow, ids, out["fa"], "20000000", issued=date(2026, 5, 1), due=date(2026, 7, 1))
    return out


def _plain(send: Any) -> str:
    return str(next(c["value"] for c in send.json()["content"] if c["type"] == "text/plain"))


def _attachment(send: Any) -> tuple[str, bytes, str]:
    (item,) = send.json()["attachments"]
    return item["filename"], base64.b64decode(item["content"]), item["type"]


def test_f9_statement_emailed_as_pdf_in_the_customers_language(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    with on_day(TODAY):
        message = api.ok(
            "POST",
            f"/api/v1/contacts/{book['fa']}/statement/send",
            {"from": "2026-01-01"},
            as_="accountant",
            status=201,
        )
        assert message["status"] == "queued" and message["recipient"] == "pay@namune.example"
        assert message["contact_id"] == book["fa"] and message["locale"] == "fa"
        assert send_due(uow, channels_for(settings), settings).sent == 1
        listed = api.ok("GET", f"/api/v1/messages?contact_id={book['fa']}", as_="accountant")
    assert [(m["status"], m["subject"]) for m in listed] == [("sent", "صورت‌حساب مشتری")]
    (send,) = fake_sendgrid.sends()
    body = send.json()
    assert body["personalizations"][0]["to"] == [{"email": "pay@namune.example"}]
    assert body["subject"] == "صورت‌حساب مشتری"
    text = _plain(send)
    # 10.9M + 21.8M, in Persian digits; the period in Jalali (1405/03/11 = 2026-06-01)
    assert "۳۲٬۷۰۰٬۰۰۰" in text and "۱۴۰۵/۰۳/۱۱" in text
    name, content, mime = _attachment(send)
    assert (name, mime) == (f"statement-{book['fa']}.pdf", "application/pdf")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "شرکت نمونه" in pdf_text


def test_f9_statement_as_xlsx_to_another_address_once_a_day(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    body = {"format": "xlsx", "recipient": "cfo@acme.example", "to": "2026-05-31"}
    path = f"/api/v1/contacts/{book['en']}/statement/send"
    with on_day(TODAY):
        first = api.ok("POST", path, body, as_="clerk", status=201)
        again = api.ok("POST", path, body, as_="clerk", status=201)
        assert again["id"] == first["id"]  # a second click is the same message
        assert send_due(uow, channels_for(settings), settings).sent == 1
    (send,) = fake_sendgrid.sends()
    assert send.json()["personalizations"][0]["to"] == [{"email": "cfo@acme.example"}]
    assert send.json()["subject"] == "Customer statement"
    name, content, mime = _attachment(send)
    assert name.endswith(".xlsx") and mime.startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    closing = [row for row in sheet.iter_rows(values_only=True) if row and row[-1] is not None]
    assert Decimal(str(closing[-1][-1])) == Decimal("10900000")


def test_f9_bulk_statements_skip_customers_without_email(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    wanted = [book["fa"], book["en"], book["none"]]
    with on_day(TODAY):
        out = api.ok("POST", "/api/v1/contacts/statements/send", {"contact_id": wanted}, status=201)
        assert sorted(m["contact_id"] for m in out["messages"]) == sorted(wanted[:2])
        assert out["skipped"] == [
            {"contact_id": book["none"], "contact_name": "بی‌نشانی", "reason": "no email address"}
        ]
        assert send_due(uow, channels_for(settings), settings).sent == 2
    recipients = sorted(
        s.json()["personalizations"][0]["to"][0]["email"] for s in fake_sendgrid.sends()
    )
    assert recipients == ["ap@acme.example", "pay@namune.example"]


def test_f10_followup_report_emailed_to_an_address(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    with on_day(TODAY):
        message = api.ok(
            "POST",
            "/api/v1/reports/followup/send",
            {"recipient": "manager@cartable.example", "lang": "en"},
            as_="accountant",
            status=201,
        )
        assert message["contact_id"] is None
        assert send_due(uow, channels_for(settings), settings).sent == 1
    (send,) = fake_sendgrid.sends()
    assert send.json()["subject"] == "Follow-up report as of 2026-06-01"
    text = _plain(send)
    assert "Overdue: 32,700,000 IRR" in text  # three invoices of 10.9M each
    assert "Not yet due: 21,800,000 IRR" in text
    name, content, _ = _attachment(send)
    assert name == "followup-2026-06-01.pdf"
    pdf_text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Acme Ltd" in pdf_text


def test_f10_report_of_one_customer_goes_to_that_customer(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    with on_day(TODAY):
        message = api.ok(
            "POST",
            "/api/v1/reports/followup/send",
            {"contact_id": [book["fa"]], "format": "xlsx"},
            as_="accountant",
            status=201,
        )
    assert message["recipient"] == "pay@namune.example" and message["locale"] == "fa"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/contacts/{fa}/statement/send", {"format": "docx"}, "format"),
        ("/api/v1/contacts/{fa}/statement/send", {"lang": "xx"}, "lang"),
        ("/api/v1/contacts/{fa}/statement/send", {"recipient": "not-an-address"}, "recipient"),
        ("/api/v1/contacts/{fa}/statement/send", {"from": "2026-05-01", "to": "2026-01-01"}, "to"),
        ("/api/v1/contacts/{none}/statement/send", {}, "recipient"),
        ("/api/v1/contacts/999999/statement/send", {}, "contact_id"),
        ("/api/v1/contacts/statements/send", {"contact_id": [999999]}, "contact_id"),
        ("/api/v1/contacts/statements/send", {"contact_id": ["x"]}, "contact_id"),
        (
            "/api/v1/contacts/statements/send",
            {"contact_id": [1, 2], "recipient": "a@b.example"},
            "recipient",
        ),
        ("/api/v1/reports/followup/send", {}, "recipient"),
        ("/api/v1/reports/followup/send", {"contact_id": ["none"]}, "recipient"),
        ("/api/v1/reports/followup/send", {"recipient": "a@b.example", "format": "csv"}, "format"),
    ],
)
def test_bad_input_names_the_field_and_queues_nothing(
    api: Api, book: dict[str, int], path: str, body: dict[str, Any], field: str
) -> None:
    path = path.format(**book)
    if body.get("contact_id") == ["none"]:  # a customer known only once the book exists
        body = {**body, "contact_id": [book["none"]]}
    response = api.post(path, body, as_="accountant")
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert any(key.split("[")[0] == field for key in errors), errors
    assert api.ok("GET", "/api/v1/messages", as_="accountant") == []


def test_only_those_who_work_accounts_may_email_customers(api: Api, book: dict[str, int]) -> None:
    path = f"/api/v1/contacts/{book['fa']}/statement/send"
    assert api.post(path, {}, as_="approver").status_code == 403
    report = api.post("/api/v1/reports/followup/send", {"recipient": "a@b.example"}, as_="clerk")
    assert report.status_code == 403  # the clerk may not see every customer's invoices
    assert api.ok("GET", "/api/v1/messages") == []


def test_lang_overrides_the_customers_language(api: Api, book: dict[str, int]) -> None:
    with on_day(TODAY):
        path = f"/api/v1/contacts/{book['en']}/statement/send"
        message = api.ok("POST", path, {"lang": "ar"}, status=201)
    assert message["locale"] == "ar"


def test_reports_page_emails_the_followup_report(
    app: Flask, api: Api, book: dict[str, int]
) -> None:
    ui = UiClient(app, "accountant")
    page = ui.get("/reports").get_data(as_text=True)
    assert 'id="followup-send"' in page
    sent = ui.post(
        "/reports/followup/send",
        {"recipient": "boss@cartable.example", "format": "xlsx", "next": "/reports"},
        status=302,
    )
    assert sent.headers["Location"] == "/reports"
    assert "boss@cartable.example" in ui.get("/reports").get_data(as_text=True)  # the notice
    (message,) = api.ok("GET", "/api/v1/messages", as_="accountant")
    assert message["recipient"] == "boss@cartable.example"
    # The error page names the field in the page's language (the English reason is not
    # shown to a Persian reader, the field's name is).
    bad = ui.post("/reports/followup/send", {"recipient": "", "format": "pdf"}, status=422)
    assert "<li>ارسال با ایمیل به</li>" in bad.get_data(as_text=True)
    bad = ui.post("/reports/followup/send", {"recipient": "a@b.example", "format": "doc"})
    assert bad.status_code == 422 and "<li>قالب فایل</li>" in bad.get_data(as_text=True)
    assert len(api.ok("GET", "/api/v1/messages", as_="accountant")) == 1


def test_contact_pages_email_statements(app: Flask, api: Api, book: dict[str, int]) -> None:
    ui = UiClient(app, "clerk")
    page = ui.get(f"/contacts/{book['fa']}").get_data(as_text=True)
    assert 'id="statement-send"' in page and 'value="pay@namune.example"' in page
    ui.post(
        f"/contacts/{book['fa']}/statement/send",
        {"recipient": "office@namune.example", "format": "xlsx", "from": "1405/01/01"},
        status=302,
    )
    (one,) = api.ok("GET", f"/api/v1/messages?contact_id={book['fa']}", as_="accountant")
    assert one["recipient"] == "office@namune.example"
    ui.post(f"/contacts/{book['none']}/statement/send", {"recipient": ""}, status=422)

    assert 'id="statements-send"' in ui.get("/contacts").get_data(as_text=True)
    ui.post("/contacts/statements/send", {"format": "pdf"}, status=302)
    listed = ui.get("/contacts").get_data(as_text=True)
    assert "بی‌نشانی" in listed  # named as having no address
    recipients = {m["recipient"] for m in api.ok("GET", "/api/v1/messages", as_="accountant")}
    assert {"pay@namune.example", "ap@acme.example", "office@namune.example"} <= recipients
    assert (
        not UiClient(app, "approver")
        .get("/contacts/1", status=None)
        .get_data(as_text=True)
        .count('id="statement-send"')
    )


def test_f9_the_email_states_the_balance_at_the_end_of_the_period(
    api: Api,
    uow: UnitOfWork,
    settings: Settings,
    book: dict[str, int],
    fake_sendgrid: FakeSendGrid,  # noqa: F811
) -> None:
    with on_day(TODAY):
        api.ok(
            "POST",
            "/api/v1/contacts/statements/send",
            {"contact_id": [book["fa"]], "to": "2026-04-01"},
            status=201,
        )
        assert send_due(uow, channels_for(settings), settings).sent == 1
    (send,) = fake_sendgrid.sends()
    text = _plain(send)
    assert "۱۰٬۹۰۰٬۰۰۰" in text  # the February invoice only; May's is after the period
    _, content, _ = _attachment(send)
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "شرکت نمونه" in pdf_text
