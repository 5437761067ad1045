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


def _waiting(api: Api, ids: dict[str, int], count: int, **extra: object) -> list[int]:
    """Submit ``count`` I7 invoices; return their ids (each waits in approval)."""
    made = []
    for _ in range(count):
        invoice = i7_invoice(api, ids, **extra)
        api.ok("POST", f"/api/v1/documents/{invoice['id']}/submit", as_="clerk")
        made.append(invoice["id"])
    return made


def test_the_task_search_filters_sorts_and_counts(api: Api, ids: dict[str, int]) -> None:
    small = i7_invoice(
        api,
        ids,
        lines=[{"product_id": ids["desk"], "quantity": "1", "unit_price": "1000"}],
    )
    api.ok("POST", f"/api/v1/documents/{small['id']}/submit", as_="clerk")
    big = _waiting(api, ids, 2)
    response = api.get("/api/v1/tasks?cartable=approval&sort=-amount&limit=2", as_="approver")
    assert response.status_code == 200
    rows = response.get_json()
    assert len(rows) == 2 and int(response.headers["X-Total-Count"]) >= 3
    amounts = [float(r["amount"]) for r in rows]
    assert amounts == sorted(amounts, reverse=True)
    cheap = api.ok("GET", "/api/v1/tasks?cartable=approval&amount_max=5000", as_="approver")
    assert [r["document_id"] for r in cheap] == [small["id"]]
    of_contact = api.ok("GET", f"/api/v1/tasks?contact_id={ids['sameri']}", as_="approver")
    assert {small["id"], *big} <= {r["document_id"] for r in of_contact}
    nobody = api.ok("GET", "/api/v1/tasks?contact_id=999999", as_="approver")
    assert nobody == []
    assert api.ok("GET", "/api/v1/tasks?mine=true", as_="approver") == []
    for bad in ("sort=cost", "amount_min=10&amount_max=1", "cartable=nowhere"):
        refused = api.get(f"/api/v1/tasks?{bad}", as_="approver")
        assert refused.status_code == 422, bad
        assert bad.split("=")[0] in str(refused.get_json()) or "amount_max" in str(
            refused.get_json()
        )


def test_bulk_complete_gives_one_result_per_task(api: Api, ids: dict[str, int]) -> None:
    first, second = _waiting(api, ids, 2)
    tasks = {
        t["document_id"]: t["id"]
        for t in api.ok("GET", "/api/v1/tasks?cartable=approval", as_="approver")
    }
    body = {"task_ids": [tasks[first], tasks[second], 999999]}
    results = api.ok("POST", "/api/v1/tasks/bulk-complete", body, as_="approver")
    assert [r["task_id"] for r in results] == body["task_ids"]
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[0]["document_state"] == "awaiting_numbering"  # approved: on to numbering
    assert results[2]["error"]["code"] == 404
    again = api.ok("POST", "/api/v1/tasks/bulk-complete", body, as_="approver")
    assert [r["error"]["code"] for r in again] == [409, 409, 404]  # nothing decided twice
    empty = api.post("/api/v1/tasks/bulk-complete", {"task_ids": []}, as_="approver")
    assert empty.status_code == 422 and "task_ids" in str(empty.get_json())


def test_bulk_complete_refuses_tasks_outside_the_callers_cartable(
    api: Api, ids: dict[str, int]
) -> None:
    [document] = _waiting(api, ids, 1)
    [task] = [
        t
        for t in api.ok("GET", "/api/v1/tasks?cartable=approval", as_="approver")
        if t["document_id"] == document
    ]
    results = api.ok("POST", "/api/v1/tasks/bulk-complete", {"task_ids": [task["id"]]}, as_="clerk")
    assert results[0]["ok"] is False and results[0]["error"]["code"] == 403
    assert api.ok("GET", f"/api/v1/documents/{document}", as_="clerk")["state"] != "approved"
