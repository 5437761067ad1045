"""The API does what the pages do: the audit search, saved filters, the user's language
(issue 17 §4)."""

from __future__ import annotations

from datetime import timedelta

from engine import clock
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice


def test_the_audit_search_filters_by_actor_action_and_business_days(
    api: Api, ids: dict[str, int]
) -> None:
    invoice = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{invoice['id']}/submit", as_="clerk")
    today = clock.business_today().isoformat()
    rows = api.ok("GET", f"/api/v1/audit?actor=clerk&action=document.&from={today}&to={today}")
    assert {r["action"] for r in rows} >= {"document.create", "document.submit"}
    assert {r["actor"] for r in rows} == {"clerk"}
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    tomorrow = (clock.business_today() + timedelta(days=1)).isoformat()
    assert api.ok("GET", f"/api/v1/audit?actor=clerk&from={tomorrow}") == []


def test_the_audit_search_names_the_bad_parameter(api: Api) -> None:
    unknown = api.get("/api/v1/audit?actor=nobody")
    assert unknown.status_code == 422 and "actor" in str(unknown.get_json())
    backwards = api.get("/api/v1/audit?from=2026-12-02&to=2026-12-01")
    assert backwards.status_code == 422 and "to" in backwards.get_json()["errors"]
    bad_day = api.get("/api/v1/audit?from=yesterday")
    assert bad_day.status_code == 422 and "from" in str(bad_day.get_json())


def test_the_audit_log_needs_its_permission(api: Api) -> None:
    assert api.get("/api/v1/audit", as_="clerk").status_code == 403
    assert api.get("/api/v1/audit", as_=None).status_code == 401


def test_saved_filters_are_kept_replaced_and_forgotten_per_user(api: Api) -> None:
    body = {"name": "بزرگ‌ها", "params": {"cartable": "approval", "amount_min": "1000", "x": "1"}}
    saved = api.ok("POST", "/api/v1/saved-filters", body, as_="approver", status=201)
    assert saved["params"] == {"cartable": "approval", "amount_min": "1000"}  # x is dropped
    again = {"name": "بزرگ‌ها", "params": {"sort": "-amount"}}
    replaced = api.ok("POST", "/api/v1/saved-filters", again, as_="approver", status=201)
    assert replaced["id"] == saved["id"]
    assert api.ok("GET", "/api/v1/saved-filters", as_="approver") == [replaced]
    assert api.ok("GET", "/api/v1/saved-filters", as_="clerk") == []
    other = api.call("DELETE", f"/api/v1/saved-filters/{saved['id']}", "clerk")
    assert other.status_code == 404
    mine = api.call("DELETE", f"/api/v1/saved-filters/{saved['id']}", "approver")
    assert mine.status_code == 204
    assert api.ok("GET", "/api/v1/saved-filters", as_="approver") == []
    nameless = api.post("/api/v1/saved-filters", {"name": " ", "params": {}}, as_="approver")
    assert nameless.status_code == 422 and "name" in str(nameless.get_json())


def test_a_user_changes_their_own_language(api: Api) -> None:
    changed = api.ok("PATCH", "/api/v1/auth/me", {"language": "ar"}, as_="clerk")
    assert changed["language"] == "ar" and changed["locale"] == "ar"
    assert api.ok("GET", "/api/v1/auth/me", as_="clerk")["language"] == "ar"
    wrong = api.patch("/api/v1/auth/me", {"language": "de"}, as_="clerk")
    assert wrong.status_code == 422 and "language" in str(wrong.get_json())
    assert api.ok("GET", "/api/v1/auth/me", as_="clerk")["language"] == "ar"  # nothing lost
