"""Issue 10 #10: security headers on every answer, spreadsheet exports without formulas,
and ``next`` redirects that stay on this site (SPEC E7). Each test fails on 37b3c44."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from tests.integration.conftest import Api
from tests.integration.test_ui_flow import UiClient

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
FORMULA = '=HYPERLINK("http://x","click")'


def _assert_headers(response: Any) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp, csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
    assert "Strict-Transport-Security" not in response.headers  # plain-HTTP test app


def test_headers_on_pages_api_files_and_errors(app: Flask, api: Api) -> None:
    """Issue 10 #10: CSP, X-Frame-Options, nosniff and Referrer-Policy everywhere."""
    clerk = UiClient(app, "clerk")
    answers = [
        clerk.get("/login", status=302),  # signed in: a redirect
        UiClient(app).get("/login"),
        clerk.get("/cartable"),
        clerk.get("/no-such-page", status=404),  # an error page
        api.get("/api/v1/auth/me"),
        api.get("/api/v1/documents/999999"),  # an API error
        app.test_client().get("/api/v1/auth/me"),  # 401
        app.test_client().get("/ui/static/ui/app.js"),
    ]
    assert [a.status_code for a in answers][-3:] == [404, 401, 200]
    for answer in answers:
        _assert_headers(answer)
        answer.close()  # the static file's handle


def _contact_with_formula(api: Api) -> int:
    body = api.ok(
        "POST",
        "/api/v1/contacts",
        {"name": FORMULA, "kind": "customer", "mobile": "+989121234567"},
        status=201,
    )
    return int(body["id"])


def test_contacts_csv_export_neutralizes_formulas_and_imports_back(api: Api) -> None:
    """Issue 10 #10 (E7): a contact named =HYPERLINK(...) is exported as '=HYPERLINK(...);
    importing that file gives the name back unchanged."""
    _contact_with_formula(api)
    response = api.get("/api/v1/contacts/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    row = next(r for r in rows if "HYPERLINK" in r["name"])
    assert row["name"] == "'" + FORMULA
    assert row["mobile"] == "'+989121234567"
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)
    again = io.StringIO()
    writer = csv.DictWriter(again, fieldnames=["name", "kind", "mobile"], extrasaction="ignore")
    writer.writeheader()
    writer.writerow(row)
    upload = api.call(
        "POST",
        "/api/v1/contacts/import",
        "admin",
        data={"file": (io.BytesIO(again.getvalue().encode()), "contacts.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    imported = api.ok("GET", f"/api/v1/contacts/{upload.get_json()['contact_ids'][0]}")
    assert (imported["name"], imported["mobile"]) == (FORMULA, "+989121234567")


def test_xlsx_exports_neutralize_formulas(api: Api, app: Flask) -> None:
    """Issue 10 #10: the XLSX writer (contacts, statements, reports) applies the same rule."""
    contact_id = _contact_with_formula(api)
    book = load_workbook(io.BytesIO(api.get("/api/v1/contacts/export.xlsx").get_data()))
    names = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert "'" + FORMULA in names and FORMULA not in names
    statement = UiClient(app, "accountant").get(f"/contacts/{contact_id}/statement.xlsx")
    cells = [
        c
        for ws in load_workbook(io.BytesIO(statement.get_data())).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert "'" + FORMULA in cells and FORMULA not in cells


EVIL = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "\\\\evil.example",
    "http:/evil.example",
]


@pytest.mark.parametrize("target", EVIL)
def test_login_refuses_foreign_next(app: Flask, target: str) -> None:
    """Issue 10 #10: sign-in goes only to a path on this site."""
    ui = UiClient(app)
    ui.get("/login")
    response = ui.post(
        "/login", {"username": "clerk", "password": "clerk", "next": target}, status=302
    )
    assert response.headers["Location"] == "/cartable"
    assert ui.get(f"/login?next={target}", status=302).headers["Location"] == "/cartable"


def test_bulk_approve_refuses_foreign_next(app: Flask) -> None:
    """Issue 10 #10: POST /cartable/bulk-approve echoed next as HX-Redirect unchecked."""
    approver = UiClient(app, "approver")
    approver.get("/cartable")
    for target in EVIL:
        response = approver.post(
            "/cartable/bulk-approve",
            {"task_ids": ["999999"], "next": target},
            headers={"HX-Request": "true"},
        )
        assert response.headers.get("HX-Redirect") in (None, "/cartable"), target
        plain = approver.post("/cartable/bulk-approve", {"task_ids": ["999999"], "next": target})
        assert plain.headers.get("Location") in (None, "/cartable"), target
    kept = approver.post(
        "/cartable/bulk-approve",
        {"task_ids": ["999999"], "next": "/cartable?cartable=approval"},
        headers={"HX-Request": "true"},
    )
    assert kept.headers.get("HX-Redirect") == "/cartable?cartable=approval"
