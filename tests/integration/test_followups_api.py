"""The follow-up REST API: levels, customers needing action, edits, bulk and manual sends
(SPEC F1, F4, F5, F7, F8, E3), and the `cartable followups run` command."""

from __future__ import annotations

import json
from datetime import date, timedelta

import time_machine
from click.testing import CliRunner

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors
from tests.integration.followup_support import (
    at,
    customer,
    messages,
    post_directly,
    posted_invoice,
    row_counts,
)
from web.cli import main

DUE = date(2026, 3, 31)


def _late_customer(
    uow: UnitOfWork, ids: dict[str, int], name: str = "مشتری دیرکرد", api: Api | None = None
) -> int:
    if api is not None:  # tokens issued now stay valid while the tests travel back in time
        for user in ("admin", "accountant", "clerk", "approver"):
            api.token(user)
    post_directly(uow, ids)
    with time_machine.travel(at(date(2026, 3, 1)), tick=False):
        contact_id = customer(uow, ids, name)
        posted_invoice(uow, ids, contact_id, DUE)
    return contact_id


def test_levels_are_listed_created_changed_and_deleted(api: Api) -> None:
    levels = api.ok("GET", "/api/v1/followup-levels", as_="accountant")
    assert [lvl["days"] for lvl in levels] == [-3, 7, 15, 30]
    assert levels[3]["channels"] == ["letter"] and levels[3]["activity_type"] == "call"
    assert set(levels[2]["templates"]) == {"fa", "ar", "en"}

    body = {
        "description": "Final notice",
        "days": 60,
        "channels": ["email", "sms"],
        "templates": {"en": {"subject": "Final", "body": "Pay {{ total_due }}", "sms": "Pay"}},
    }
    created = api.ok("POST", "/api/v1/followup-levels", body, status=201)
    assert created["channels"] == ["email", "sms"] and created["automatic"] is True
    changed = api.ok("PATCH", f"/api/v1/followup-levels/{created['id']}", {"days": 45})
    assert changed["days"] == 45
    assert api.call("DELETE", f"/api/v1/followup-levels/{created['id']}").status_code == 204
    assert len(api.ok("GET", "/api/v1/followup-levels")) == 4


def test_bad_level_input_names_the_field(api: Api) -> None:
    cases = [
        ({"description": "x", "days": 7}, "days"),  # the +7 level exists
        ({"description": "x", "days": 99999}, "days"),
        ({"days": 40}, "description"),
        ({"description": "x", "days": 40, "channels": ["fax"]}, "channels[0]"),
        ({"description": "x", "days": 40, "channels": ["sms"]}, "templates.sms"),
        ({"description": "x", "days": 40, "activity_type": "call"}, "activity_summary"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/followup-levels", body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in field_errors(response), (field, response.get_json())
    response = api.patch("/api/v1/followup-levels/999999", {"days": 3})
    assert response.status_code == 404


def test_only_level_managers_change_levels(api: Api) -> None:
    body = {"description": "x", "days": 50}
    assert api.post("/api/v1/followup-levels", body, as_="clerk").status_code == 403
    assert api.post("/api/v1/followup-levels", body, as_="accountant").status_code == 403


def test_customers_needing_action_are_listed_edited_and_processed(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late_customer(uow, ids, api=api)
    day = DUE + timedelta(days=8)
    with time_machine.travel(at(day), tick=False):
        listed = api.ok("GET", "/api/v1/followups", as_="accountant")
        assert [(c["contact_id"], c["status"], c["overdue_count"]) for c in listed] == [
            (contact_id, "waiting", 1)
        ]
        assert listed[0]["overdue_total"] == "1090000"

        later = (day + timedelta(days=3)).isoformat()
        edited = api.ok("PATCH", f"/api/v1/followups/{contact_id}", {"next_date": later})
        assert edited["next_date"] == later and edited["next_date_manual"] is True
        assert api.ok("GET", "/api/v1/followups", as_="accountant") == []

        sent = api.ok("POST", "/api/v1/followups/process", {"contact_ids": [contact_id]})
    assert [(m["days"], m["channel"]) for m in sent] == [(7, "email")]
    history = api.ok("GET", f"/api/v1/followups/{contact_id}/history")
    assert [h["kind"] for h in history][:3] == ["level", "message", "edited"]


def test_customer_edits_name_bad_fields(api: Api, uow: UnitOfWork, ids: dict[str, int]) -> None:
    contact_id = _late_customer(uow, ids)
    response = api.patch(f"/api/v1/followups/{contact_id}", {"mode": "sometimes"})
    assert response.status_code == 422 and "mode" in field_errors(response)
    response = api.patch(f"/api/v1/followups/{contact_id}", {"responsible_id": 999999})
    assert response.status_code == 422 and "responsible_id" in field_errors(response)
    response = api.patch(f"/api/v1/followups/{contact_id}", {"next_date": "tomorrow"})
    assert response.status_code == 422 and "next_date" in field_errors(response)
    assert (
        api.patch(f"/api/v1/followups/{contact_id}", {"mode": "manual"}, as_="approver").status_code
        == 403
    )
    assert api.post("/api/v1/followups/process", {"contact_ids": []}).status_code == 422


def test_manual_send_with_a_changed_text_and_print(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late_customer(uow, ids)
    body = {
        "channels": ["email"],
        "and_print": True,
        "templates": {"fa": {"subject": "یادآوری ویژه", "body": "لطفاً {{ total_due }} بپردازید"}},
    }
    sent = api.ok("POST", f"/api/v1/followups/{contact_id}/send", body, status=201)
    assert sorted(m["channel"] for m in sent) == ["email", "letter"]
    rows = messages(uow, contact_id)
    assert {r.channel for r in rows} == {"email", "letter"}
    assert all(r.body_source == "لطفاً {{ total_due }} بپردازید" for r in rows)
    assert all(r.attach_documents for r in rows)
    again = api.ok("POST", f"/api/v1/followups/{contact_id}/send", body, status=201)
    assert [m["message_id"] for m in again] == [m["message_id"] for m in sent]

    bad = api.post(f"/api/v1/followups/{contact_id}/send", {"channels": ["fax"]})
    assert bad.status_code == 422 and "channels[0]" in field_errors(bad)
    bad = api.post(
        f"/api/v1/followups/{contact_id}/send", {"channels": ["sms"], "document_ids": [999999]}
    )
    assert bad.status_code == 422 and "document_ids" in field_errors(bad)


def test_the_activity_is_in_the_followup_cartable_over_the_api(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    contact_id = _late_customer(uow, ids, api=api)
    with time_machine.travel(at(DUE + timedelta(days=30)), tick=False):
        sent = api.ok("POST", "/api/v1/followups/process", {"contact_ids": [contact_id]})
        assert [m["channel"] for m in sent] == ["letter"]
        tasks = api.ok("GET", "/api/v1/tasks?cartable=followup", as_="clerk")
    assert len(tasks) == 1 and tasks[0]["assignee_id"] == ids["clerk"]


def test_cli_dry_run_prints_json_and_changes_nothing(
    uow: UnitOfWork, ids: dict[str, int], database_url: str
) -> None:
    contact_id = _late_customer(uow, ids)
    before = row_counts(uow)
    env = {"CARTABLE_DATABASE_URL": database_url}
    result = CliRunner().invoke(
        main, ["followups", "run", "--date", "2026-04-15", "--dry-run"], env=env
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("[") :])
    assert [(r["contact_id"], r["channel"], r["recipient"]) for r in rows] == [
        (contact_id, "email", "c@example.com"),
        (contact_id, "sms", "+989120000000"),
    ]
    assert rows[0]["invoice_numbers"] and rows[0]["level"] == "دومین یادآوری: ایمیل و پیامک"
    assert row_counts(uow) == before

    with time_machine.travel(at(date(2026, 4, 15)), tick=False):
        result = CliRunner().invoke(main, ["followups", "run", "--date", "2026-04-15"], env=env)
    assert result.exit_code == 0 and "2 follow-up message(s)" in result.output
    result = CliRunner().invoke(main, ["followups", "run", "--date", "2999-01-01"], env=env)
    assert result.exit_code == 2 and "future" in result.output
    for shard in ("2/2", "x"):
        result = CliRunner().invoke(main, ["followups", "run", "--shard", shard], env=env)
        assert result.exit_code == 2 and "shard" in result.output, shard
