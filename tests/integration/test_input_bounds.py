"""Issue 10 #9: out-of-range input is a 4xx naming the field, never a 500 or a silent
rounding (SPEC E3, I3, I5, T3.21). Runs on SQLite and PostgreSQL
(CARTABLE_TEST_DATABASE=postgresql), whose overflow errors differ."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.domain import bounds
from tests.integration.conftest import Api
from tests.integration.flows import approve_and_number, field_errors, i7_invoice
from tests.integration.test_bad_input import counts, invoice_body
from tests.integration.test_ui_flow import UiClient, i7_form

HUGE = (2**31, 2**63, 2**64)  # past PostgreSQL's INTEGER ids, SQLite's and both


def _raw(api: Api, method: str, path: str, text: str, as_: str = "clerk") -> Any:
    """Send ``text`` as the JSON body unchanged (lone surrogates survive only escaped)."""
    headers = {"Authorization": f"Bearer {api.token(as_)}"}
    return api.client.open(
        path, method=method, data=text, content_type="application/json", headers=headers
    )


def _int_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (rule, method) with an ``<int:…>`` part, API and pages alike."""
    out = []
    for rule in app.url_map.iter_rules():
        if any(type(c).__name__ == "BoundedIntegerConverter" for c in rule._converters.values()):
            method = "GET" if "GET" in (rule.methods or ()) else sorted(rule.methods or ())[0]
            out.append((rule.rule, method))
    return out


@pytest.mark.parametrize("number", HUGE)
def test_issue10_9_every_int_path_past_the_id_range_is_404(
    app: Flask, api: Api, number: int
) -> None:
    routes = _int_routes(app)
    assert len(routes) > 40, routes  # the API and the pages
    for rule, method in routes:
        path = rule
        for part in ("<int:", "<any("):
            while part in path:
                start = path.index(part)
                end = path.index(">", start)
                value = str(number) if part == "<int:" else path[start + 5 : end].split(",")[0]
                path = path[:start] + value.rstrip(")") + path[end + 1 :]
        path = path.replace("<", "").replace(">", "")
        response = api.call(method, path, as_="admin")
        # werkzeug answers 405 for a non-GET rule when a GET rule shares the path shape
        expected = (404,) if method == "GET" else (404, 405)
        assert response.status_code in expected, (path, method, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/{n}",
        "/api/v1/contacts/{n}",
        "/api/v1/products/{n}",
        "/api/v1/payments/{n}",
        "/api/v1/process-instances/{n}",
        "/api/v1/contacts/{n}/statement",
        "/documents/{n}",
        "/contacts/{n}",
    ],
)
def test_issue10_9_path_ids_2_31_2_63_and_2_64_are_not_found(api: Api, path: str) -> None:
    for number in HUGE:
        assert api.get(path.format(n=number)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents",
        "/api/v1/products",
        "/api/v1/contacts",
        "/api/v1/payments",
        "/api/v1/messages",
        "/api/v1/tasks",
        "/api/v1/followups",
    ],
)
def test_issue10_9_offset_past_the_bound_is_422_naming_offset(api: Api, path: str) -> None:
    for offset in (2**31, 2**63, 2**64, bounds.OFFSET_MAX + 1, -1):
        response = api.get(f"{path}?offset={offset}")
        assert response.status_code == 422, (path, offset, response.status_code)
        assert "offset" in field_errors(response)


def test_issue10_9_body_ids_past_the_id_range_are_422_naming_the_field(
    api: Api, ids: dict[str, int]
) -> None:
    for number in HUGE:
        body = {**invoice_body(ids), "contact_id": number}
        response = api.post("/api/v1/documents", body, as_="clerk")
        assert response.status_code == 422
        assert "contact_id" in field_errors(response)

    body = invoice_body(ids, product_id=2**64)
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422
    assert "lines[0].product_id" in field_errors(response)

    response = api.get(f"/api/v1/documents?contact_id={2**63}")
    assert response.status_code == 422 and "contact_id" in field_errors(response)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/contacts/{c}/statement?from=0600-01-01", "from"),
        ("/api/v1/contacts/{c}/statement?to=0001-01-01", "to"),
        ("/api/v1/contacts/{c}/statement.pdf?from=0600-01-01", "from"),
        ("/api/v1/reports/received?from=0600-01-01", "from"),
        ("/api/v1/reports/unpaid?as_of=0100-01-01", "as_of"),
        ("/api/v1/reports/followup?as_of=3000-01-01", "as_of"),
    ],
)
def test_issue10_9_report_periods_outside_the_date_range_are_422(
    api: Api, ids: dict[str, int], path: str, field: str
) -> None:
    response = api.get(path.format(c=ids["sameri"]), as_="admin")
    assert response.status_code == 422, response.status_code
    assert field in field_errors(response)


def test_issue10_9_a_page_period_before_622_is_422_not_500(api: Api, ids: dict[str, int]) -> None:
    admin = UiClient(api.client.application, "admin")
    for path in (
        f"/contacts/{ids['sameri']}/statement.pdf?from=0600-01-01",
        "/reports?from=0500-1-1",
    ):
        assert admin.get(path, status=None).status_code == 422, path


def test_issue10_9_a_duplicate_product_code_is_422_naming_code(api: Api) -> None:
    body = {"name": "Lamp", "unit_price": "100", "code": "LMP-1"}
    api.ok("POST", "/api/v1/products", body, status=201)

    response = api.post("/api/v1/products", {**body, "name": "Other lamp"})

    assert response.status_code == 422, response.get_json()
    assert "code" in field_errors(response)


def test_issue10_9_a_price_with_40_decimals_is_refused_not_rounded(
    api: Api, ids: dict[str, int], uow: Any
) -> None:
    before = counts(uow)
    price = "90000000." + "1" * 40
    response = api.post("/api/v1/documents", invoice_body(ids, unit_price=price), as_="clerk")
    assert response.status_code == 422
    assert "lines[0].unit_price" in field_errors(response)
    for price in ("1.12345", "1e-30", "NaN", "-Infinity", "1" + "0" * 22):
        response = api.post("/api/v1/documents", invoice_body(ids, unit_price=price), as_="clerk")
        assert response.status_code == 422, price
        assert "lines[0].unit_price" in field_errors(response), price
    assert counts(uow) == before


def test_issue10_9_notes_of_1_mb_are_422_naming_notes(api: Api, ids: dict[str, int]) -> None:
    body = invoice_body(ids)
    body["notes"] = "x" * 1_000_000
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422
    assert "notes" in field_errors(response)

    document = i7_invoice(api, ids)
    response = api.patch(
        f"/api/v1/documents/{document['id']}", {"notes": "y" * 10_001}, as_="clerk"
    )
    assert response.status_code == 422 and "notes" in field_errors(response)


@pytest.mark.parametrize("day", ["0001-01-01", "0621-12-31", "1899-12-31", "3000-01-01"])
def test_issue10_9_an_issue_date_out_of_range_is_422_naming_it(
    api: Api, ids: dict[str, int], day: str
) -> None:
    response = api.post("/api/v1/documents", {**invoice_body(ids), "issue_date": day}, as_="clerk")
    assert response.status_code == 422
    assert "issue_date" in field_errors(response)

    document = i7_invoice(api, ids)
    path = f"/api/v1/documents/{document['id']}"
    response = api.patch(path, {"due_date": day}, as_="clerk")
    assert response.status_code == 422 and "due_date" in field_errors(response)


def test_issue10_9_the_date_range_ends_are_accepted(api: Api, ids: dict[str, int]) -> None:
    for day in (bounds.DATE_MIN.isoformat(), bounds.DATE_MAX.isoformat()):
        body = {**invoice_body(ids), "issue_date": day, "due_date": day}
        document = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
        assert document["issue_date"] == day
        pdf = api.get(f"/api/v1/documents/{document['id']}/pdf", as_="clerk")
        assert pdf.status_code == 200


def test_issue10_9_a_year_1_issue_date_typed_on_the_page_is_422(
    app: Flask, ids: dict[str, int]
) -> None:
    clerk = UiClient(app, "clerk")
    clerk.get("/documents/new?type=sales_invoice")
    form = {**i7_form(ids), "issue_date": "0001-01-01"}
    assert clerk.post("/documents", form).status_code == 422
    form = {**i7_form(ids), "notes": "n" * (bounds.NOTES_MAX + 1)}
    assert clerk.post("/documents", form).status_code == 422


@pytest.mark.parametrize("field", ["notes", "type"])
def test_issue10_9_a_lone_surrogate_is_422_naming_the_field(
    api: Api, ids: dict[str, int], uow: Any, field: str
) -> None:
    before = counts(uow)
    body = json.dumps({**invoice_body(ids), field: "PLACEHOLDER"}).replace(
        "PLACEHOLDER", "a\\ud800b"
    )
    response = _raw(api, "POST", "/api/v1/documents", body)
    assert response.status_code == 422
    assert field in field_errors(response)
    assert counts(uow) == before


def test_issue10_9_a_lone_surrogate_or_nul_anywhere_is_422(api: Api, ids: dict[str, int]) -> None:
    body = json.dumps({**invoice_body(ids), "notes": "X"}).replace('"X"', '"\\udfff"')
    body = body.replace('"description"', '"descr\\u0000"')
    text = json.dumps({"name": "a\u0000b", "unit_price": "1"})
    response = _raw(api, "POST", "/api/v1/products", text, as_="admin")
    assert response.status_code == 422 and "name" in field_errors(response)
    line = json.dumps(invoice_body(ids, description="P")).replace('"P"', '"\\ud83d"')
    response = _raw(api, "POST", "/api/v1/documents", line)
    assert response.status_code == 422
    assert "lines[0].description" in field_errors(response)
    assert api.get("/api/v1/products?q=%00").status_code == 422
    response = api.get("/api/v1/document-types/sales%00invoice")
    assert response.status_code == 422 and "code" in field_errors(response)


def test_issue10_9_page_numbers_are_bounded_on_the_pages(app: Flask) -> None:
    admin = UiClient(app, "admin")
    for path in ("/documents", "/contacts", "/admin/audit"):
        for page in (str(2**63), str(2**64), "²", "١٢٣"):
            response = admin.get(f"{path}?page={page}", status=None)
            assert response.status_code < 500, (path, page, response.status_code)


_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=30)  # surrogates too
_ANY_VALUE = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    _ANY_TEXT,
    st.dates().map(date.isoformat),
    st.decimals(allow_nan=True).map(str),
    st.none(),
    st.booleans(),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    contact=_ANY_VALUE,
    price=_ANY_VALUE,
    quantity=_ANY_VALUE,
    day=_ANY_VALUE,
    notes=_ANY_VALUE,
    offset=st.integers(min_value=-(2**70), max_value=2**70),
    when=st.dates().map(date.isoformat),
)
def test_issue10_9_random_input_never_answers_500(
    api: Api,
    ids: dict[str, int],
    contact: Any,
    price: Any,
    quantity: Any,
    day: Any,
    notes: Any,
    offset: int,
    when: str,
) -> None:
    """Property: whatever ints, texts, dates and numbers arrive, the answer is not a 5xx."""
    body = invoice_body(ids, unit_price=price, quantity=quantity)
    body.update(contact_id=contact, issue_date=day, notes=notes)
    text = json.dumps(body, ensure_ascii=True)
    assert _raw(api, "POST", "/api/v1/documents", text).status_code < 500
    assert api.get(f"/api/v1/documents?offset={offset}").status_code < 500
    assert api.get(f"/api/v1/products/{abs(offset)}").status_code < 500
    path = f"/api/v1/contacts/{ids['sameri']}/statement?from={when}&to={when}"
    assert api.get(path, as_="admin").status_code < 500
    assert api.get(f"/api/v1/reports/received?from={when}").status_code < 500


def test_issue10_9_an_invoice_past_10_18_rial_is_exact_end_to_end(
    api: Api, ids: dict[str, int]
) -> None:
    """Create, submit, approve, number, ledger, account, statement, reports and payment of
    an invoice of about 1.2·10^18 Rial: exact on SQLite (past 64 bits) and PostgreSQL."""
    contact = api.ok(
        "POST", "/api/v1/contacts", {"name": "Big buyer", "kind": "customer"}, status=201
    )
    price = Decimal("123456789012345678")
    gross = price * 9
    tax = (gross * Decimal("0.09")).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    total = gross + tax
    assert total > 10**18
    body = {
        "type": "sales_invoice",
        "contact_id": contact["id"],
        "lines": [{"product_id": ids["desk"], "quantity": "9", "unit_price": str(price)}],
    }
    created = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)
    assert created["totals"]["total"] == str(total)
    assert created["lines"][0]["unit_price"] == str(price)

    posted = approve_and_number(api, created["id"])
    assert posted["number"] and posted["totals"]["total"] == str(total)
    assert posted["open_amount"] == str(total)

    shown = api.ok("GET", f"/api/v1/contacts/{contact['id']}", as_="accountant")
    assert shown["balance"] == str(total)
    account = api.ok("GET", f"/api/v1/contacts/{contact['id']}/account", as_="accountant")
    assert account["balance"] == str(total) and account["total_due"] == str(total)
    statement = api.ok("GET", f"/api/v1/contacts/{contact['id']}/statement", as_="accountant")
    assert statement["closing"] == str(total)
    assert statement["lines"][-1]["balance"] == str(total)
    ageing = api.ok("GET", "/api/v1/reports/ageing?by_contact=true", as_="accountant")
    assert Decimal(ageing["total"]) >= total
    unpaid = api.ok("GET", f"/api/v1/reports/unpaid?contact_id={contact['id']}", as_="accountant")
    assert [row["open"] for row in unpaid["rows"]] == [str(total)]
    assert unpaid["open"] == str(total)

    part = total - 1
    payment = {
        "contact_id": contact["id"],
        "amount": str(part),
        "method": "bank",
        "allocations": [{"document_id": created["id"], "amount": str(part)}],
    }
    api.ok("POST", "/api/v1/payments", payment, as_="accountant", status=201)
    after = api.ok("GET", f"/api/v1/documents/{created['id']}", as_="accountant")
    assert after["paid"] == str(part) and after["open_amount"] == "1"
    shown = api.ok("GET", f"/api/v1/contacts/{contact['id']}", as_="accountant")
    assert shown["balance"] == "1"
    statement = api.ok("GET", f"/api/v1/contacts/{contact['id']}/statement", as_="accountant")
    assert statement["closing"] == "1"
    pdf = api.get(f"/api/v1/documents/{created['id']}/pdf", as_="accountant")
    assert pdf.status_code == 200


def test_issue10_9_totals_past_the_bound_are_422_not_500(api: Api, ids: dict[str, int]) -> None:
    body = invoice_body(ids, quantity="1000000", unit_price="1" + "0" * 18)
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422
    assert "lines[0].quantity" in field_errors(response)


def test_issue10_9_text_longer_than_its_column_is_422_naming_the_field(api: Api) -> None:
    """A value the API field lets through but the column cannot hold (PostgreSQL raised
    StringDataRightTruncation): the flush-time column check names it."""
    body = {"name": "Group buyer", "kind": "customer", "customer_group": "g" * 300}
    response = api.post("/api/v1/contacts", body)
    assert response.status_code == 422, response.status_code
    assert "customer_group" in field_errors(response)


def test_issue10_9_a_nul_typed_on_a_page_is_422(app: Flask, ids: dict[str, int]) -> None:
    clerk = UiClient(app, "clerk")
    clerk.get("/documents/new?type=sales_invoice")
    response = clerk.post("/documents", {**i7_form(ids), "notes": "a\x00b"})
    assert response.status_code == 422, response.status_code


def test_issue10_9_a_taken_username_or_long_name_on_a_page_is_422(app: Flask) -> None:
    admin = UiClient(app, "admin")
    admin.get("/admin/users")
    form = {"username": "clerk", "password": "a-long-password-1", "full_name": "Another"}
    assert admin.post("/admin/users", form).status_code == 422
    form = {**form, "username": "someone", "full_name": "n" * 5000}
    assert admin.post("/admin/users", form).status_code == 422


@pytest.mark.parametrize("depth", [900, 100_000])
def test_a_json_body_nested_past_any_use_is_4xx_not_500(api: Api, depth: int) -> None:
    """Bad input gets a clear error: a body nested deeper than the parser allows, or
    nearly as deep, answers 4xx and writes nothing."""
    response = _raw(api, "POST", "/api/v1/contacts", "[" * depth + "]" * depth, as_="admin")
    assert 400 <= response.status_code < 500, response.status_code


def test_a_due_date_before_the_issue_date_is_422_naming_due_date(
    api: Api, ids: dict[str, int], uow: Any
) -> None:
    before = counts(uow)
    body = {**invoice_body(ids), "issue_date": "2026-05-01", "due_date": "2026-04-30"}
    response = api.post("/api/v1/documents", body, as_="clerk")
    assert response.status_code == 422 and "due_date" in field_errors(response)
    assert counts(uow) == before

    document = i7_invoice(api, ids, issue_date="2026-05-01", due_date="2026-05-20")  # by hand
    later = api.patch(f"/api/v1/documents/{document['id']}", {"issue_date": "2026-06-15"})
    assert later.status_code == 422 and "due_date" in field_errors(later)
