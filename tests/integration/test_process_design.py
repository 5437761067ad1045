"""Process designers: versions with counts and comments, XML download, diffs, the
instance cockpit, cancelling an instance, and migrating instances between versions
(issue 13 §1, §4, §5)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from engine.models.audit import AuditEntry
from engine.models.workflow import MigratedInstance, ProcessMigration, ProcessVersion
from engine.services.processes.deployment import BPMN_DIR
from engine.services.processes.incidents import Failure, open_incident
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.flows import field_errors, i7_invoice, task_of

APPROVAL = "/api/v1/processes/document_approval"
SHIPPED = (BPMN_DIR / "document_approval.bpmn").read_bytes()
NUMBERING_CONDITION = b'xsi:type="bpmn:tFormalExpression">requires_numbering<'
# Version 2: approval no longer leads to numbering; the approved invoice is posted at once.
SKIP_NUMBERING = SHIPPED.replace(
    NUMBERING_CONDITION, b'xsi:type="bpmn:tFormalExpression">False<'
).replace(b'name="Approve document"', b'name="Approve the document"')
# Version 3: the approval step renamed, so a waiting instance needs a mapping to move.
RENAMED = SHIPPED.replace(b'"approve_document"', b'"approve_document_v3"').replace(
    b">approve_document<", b">approve_document_v3<"
)


def deploy(api: Api, xml: bytes, comment: str = "") -> Any:
    path = f"{APPROVAL}/versions" + (f"?comment={comment}" if comment else "")
    response = api.call("POST", path, "admin", data=xml, content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submitted_invoice(api: Api, ids: dict[str, int]) -> int:
    document_id = int(i7_invoice(api, ids)["id"])
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    return document_id


def instance_of(api: Api, document_id: int) -> dict[str, Any]:
    [row] = api.ok("GET", f"/api/v1/process-instances?document_id={document_id}")
    return row  # type: ignore[no-any-return]


def count(uow: UnitOfWork, model: Any) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def plan(source: int, target: int, mapping: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "process_id": "document_approval",
        "source": source,
        "target": target,
        "mapping": mapping or {},
    }


def approve(api: Api, document_id: int) -> None:
    task = task_of(api, document_id, "approval", "approver")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="approver")


# §1: versions -------------------------------------------------------------------------


def test_versions_list_comment_deployer_and_instances_per_version(
    api: Api, ids: dict[str, int]
) -> None:
    submitted_invoice(api, ids)  # on version 1
    deploy(api, SKIP_NUMBERING, comment="post without numbering")
    submitted_invoice(api, ids)
    submitted_invoice(api, ids)
    versions = {v["version"]: v for v in api.ok("GET", f"{APPROVAL}/versions")}
    assert versions[2]["comment"] == "post without numbering"
    assert versions[2]["deployed_by"] == ids["admin"]
    assert (versions[1]["running"], versions[2]["running"]) == (1, 2)
    assert versions[2]["finished"] == 0 and len(versions[2]["checksum"]) == 64


def test_a_comment_over_500_characters_is_a_422_and_nothing_is_deployed(
    api: Api, uow: UnitOfWork
) -> None:
    before = count(uow, ProcessVersion)
    response = api.call(
        "POST",
        f"{APPROVAL}/versions?comment={'x' * 501}",
        data=SKIP_NUMBERING,
        content_type="application/xml",
    )
    assert response.status_code == 422 and "comment" in field_errors(response)
    assert count(uow, ProcessVersion) == before


def test_a_version_downloads_as_its_exact_xml(api: Api) -> None:
    deploy(api, SKIP_NUMBERING)
    response = api.get(f"{APPROVAL}/versions/2/bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == SKIP_NUMBERING
    assert "document_approval-v2.bpmn" in response.headers["Content-Disposition"]
    assert api.get(f"{APPROVAL}/versions/9/bpmn").status_code == 404
    assert api.get(f"{APPROVAL}/versions/1/bpmn", as_="clerk").status_code == 403


def test_the_diff_lists_changed_added_and_removed_elements_by_id_and_name(api: Api) -> None:
    deploy(api, SKIP_NUMBERING)
    deploy(api, RENAMED)
    changed = api.ok("GET", f"{APPROVAL}/diff?from=1&to=2")
    assert changed["added"] == [] and changed["removed"] == []
    by_id = {e["id"]: e for e in changed["changed"]}
    assert by_id["approve_document"]["changes"] == ["name"]
    assert by_id["approve_document"]["name"] == "Approve the document"
    assert by_id["flow_numbering_needed"]["changes"] == ["content"]
    renamed = api.ok("GET", f"{APPROVAL}/diff?from=1&to=3")
    assert [e["id"] for e in renamed["added"]] == ["approve_document_v3"]
    assert [(e["id"], e["tag"]) for e in renamed["removed"]] == [("approve_document", "userTask")]


def test_a_diff_without_its_versions_is_a_422_naming_the_field(api: Api) -> None:
    response = api.get(f"{APPROVAL}/diff?to=1")
    assert response.status_code == 422 and "from" in field_errors(response)
    response = api.get(f"{APPROVAL}/diff?from=1&to=zero")
    assert response.status_code == 422 and "to" in field_errors(response)


# §4: cockpit ---------------------------------------------------------------------------


def test_the_cockpit_filters_by_version_state_document_and_start_day(
    api: Api, ids: dict[str, int]
) -> None:
    first = submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    second = submitted_invoice(api, ids)
    base = "/api/v1/process-instances?process_id=document_approval"
    on_one = api.get(f"{base}&version=1")
    assert [r["document_id"] for r in on_one.get_json()] == [first]
    assert on_one.headers["X-Total-Count"] == "1"
    assert [r["document_id"] for r in api.ok("GET", f"{base}&version=2")] == [second]
    assert len(api.ok("GET", f"{base}&status=running&incident=false")) == 2
    assert api.ok("GET", f"{base}&incident=true") == []
    assert api.ok("GET", f"{base}&started_to=2000-01-01") == []
    paged = api.get(f"{base}&limit=1&offset=1")
    assert len(paged.get_json()) == 1 and paged.headers["X-Total-Count"] == "2"


def test_cockpit_filters_out_of_range_are_422_naming_the_field(api: Api) -> None:
    for query, field in [
        ("status=stuck", "status"),
        ("limit=0", "limit"),
        ("version=x", "version"),
        ("started_from=2026-13-01", "started_from"),
        ("started_from=2026-02-01&started_to=2026-01-01", "started_to"),
    ]:
        response = api.get(f"/api/v1/process-instances?{query}")
        assert response.status_code == 422, query
        assert field in field_errors(response), (query, field_errors(response))


def test_the_version_activity_counts_tokens_and_medians(api: Api, ids: dict[str, int]) -> None:
    submitted_invoice(api, ids)
    submitted_invoice(api, ids)
    done = submitted_invoice(api, ids)
    approve(api, done)
    task = task_of(api, done, "numbering", "numberer")
    api.ok("POST", f"/api/v1/tasks/{task['id']}/complete", {"decision": "approve"}, as_="numberer")
    activity = api.ok("GET", f"{APPROVAL}/versions/1/activity")
    assert activity["tokens"] == {"approve_document": 2}
    assert activity["finished"] == 1
    assert set(activity["median_seconds"]) == {"approve_document", "number_document"}
    assert "document_approval.bpmn" in activity["files"]


def test_cancelling_an_instance_in_approval_sends_the_invoice_back_to_draft(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    document_id = submitted_invoice(api, ids)
    instance = instance_of(api, document_id)
    path = f"/api/v1/process-instances/{instance['id']}/cancel"
    assert api.ok("GET", path)["outcome"] == "back_to_draft"
    done = api.ok("POST", path, {"reason": "stuck"})
    assert done["outcome"] == "back_to_draft"
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "draft"
    assert api.ok("GET", f"/api/v1/process-instances/{instance['id']}")["state"] == "cancelled"
    assert api.ok("GET", "/api/v1/tasks?cartable=approval", as_="approver") == []
    # Submitted again, it starts a new instance.
    api.ok("POST", f"/api/v1/documents/{document_id}/submit", as_="clerk")
    assert task_of(api, document_id, "approval", "approver")
    with uow:
        actions = [a.action for a in uow.session.scalars(select(AuditEntry))]
    assert "process.cancel" in actions
    again = api.post(path, {})
    assert again.status_code == 409


def test_cancel_needs_the_design_permission_and_a_bounded_reason(
    api: Api, ids: dict[str, int]
) -> None:
    document_id = submitted_invoice(api, ids)
    path = f"/api/v1/process-instances/{instance_of(api, document_id)['id']}/cancel"
    assert api.post(path, {}, as_="clerk").status_code == 403
    response = api.post(path, {"reason": "x" * 501})
    assert response.status_code == 422 and "reason" in field_errors(response)
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "awaiting_approval"


# §5: migration -------------------------------------------------------------------------


def test_an_instance_stays_on_v1_migrates_to_v2_and_revert_puts_it_back(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """Issue 13 §5: migrate, revert, and the document then runs on version 1's diagram."""
    old = submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    new = submitted_invoice(api, ids)
    assert instance_of(api, old)["version"] == 1 and instance_of(api, new)["version"] == 2
    task_before = task_of(api, old, "approval", "approver")

    dry = api.ok("POST", "/api/v1/process-migrations/dry-run", plan(1, 2))
    assert dry["migration_id"] is None and dry["moved"] == 1
    [row] = dry["instances"]
    assert row["document_id"] == old and row["waiting"] == ["approve_document"] and row["movable"]
    assert instance_of(api, old)["version"] == 1  # a dry run changes nothing

    moved = api.ok("POST", "/api/v1/process-migrations", plan(1, 2), status=201)
    assert moved["moved"] == 1 and instance_of(api, old)["version"] == 2
    assert task_of(api, old, "approval", "approver")["id"] == task_before["id"]

    reverted = api.ok("POST", f"/api/v1/process-migrations/{moved['migration_id']}/revert")
    assert [r["instance_id"] for r in reverted["instances"] if r["movable"]] == [
        instance_of(api, old)["id"]
    ]
    assert instance_of(api, old)["version"] == 1
    approve(api, old)  # version 1 still numbers the invoice
    assert api.ok("GET", f"/api/v1/documents/{old}")["state"] == "awaiting_numbering"
    approve(api, new)  # version 2 posts it at once
    assert api.ok("GET", f"/api/v1/documents/{new}")["state"] == "posted"
    assert api.post(f"/api/v1/process-migrations/{moved['migration_id']}/revert").status_code == 409
    with uow:
        actions = [a.action for a in uow.session.scalars(select(AuditEntry))]
    assert {"process.migration_dry_run", "process.migrate", "process.migration_revert"} <= set(
        actions
    )


def test_a_migrated_instance_continues_on_the_target_version(api: Api, ids: dict[str, int]) -> None:
    document_id = submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    api.ok("POST", "/api/v1/process-migrations", plan(1, 2), status=201)
    approve(api, document_id)
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


def test_a_renamed_waiting_element_moves_only_through_a_mapping(
    api: Api, ids: dict[str, int]
) -> None:
    submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    deploy(api, RENAMED)
    [refused] = api.ok("POST", "/api/v1/process-migrations/dry-run", plan(1, 3))["instances"]
    assert not refused["movable"] and "approve_document" in refused["reason"]
    mapped = plan(1, 3, {"approve_document": "approve_document_v3"})
    [accepted] = api.ok("POST", "/api/v1/process-migrations/dry-run", mapped)["instances"]
    assert accepted["movable"] and accepted["reason"] == ""


def test_a_reverted_instance_that_moved_on_is_kept_where_it_is(
    api: Api, ids: dict[str, int]
) -> None:
    document_id = submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    moved = api.ok("POST", "/api/v1/process-migrations", plan(1, 2), status=201)
    approve(api, document_id)
    reverted = api.ok("POST", f"/api/v1/process-migrations/{moved['migration_id']}/revert")
    [kept] = reverted["instances"]
    assert not kept["movable"] and "changed" in kept["reason"]
    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "posted"


def test_bad_migration_input_is_a_422_naming_the_field_and_nothing_is_written(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    submitted_invoice(api, ids)
    deploy(api, SKIP_NUMBERING)
    for body, field in [
        (plan(1, 1), "target"),
        ({**plan(1, 2), "source": "one"}, "source"),
        ({**plan(1, 2), "mapping": {"a": "b" * 101}}, "mapping"),
        ({**plan(1, 2), "mapping": ["a"]}, "mapping"),
        ({"source": 1, "target": 2}, "process_id"),
    ]:
        response = api.post("/api/v1/process-migrations", body)
        assert response.status_code == 422, body
        named = {key.split(".")[0] for key in field_errors(response)}
        assert field in named, (body, field_errors(response))
    assert api.post("/api/v1/process-migrations", plan(1, 7)).status_code == 404
    assert api.post("/api/v1/process-migrations", plan(1, 2), as_="clerk").status_code == 403
    assert api.post("/api/v1/process-migrations/99/revert").status_code == 404
    assert count(uow, ProcessMigration) == 0 and count(uow, MigratedInstance) == 0


def test_cancelling_an_order_in_progress_cancels_the_quote(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """An approved document's instance: the outcome is the document's own Cancel."""
    body = {
        "type": "sales_quote",
        "contact_id": ids["sameri"],
        "lines": [{"product_id": ids["desk"], "quantity": "1", "unit_price": "1000"}],
    }
    quote_id = api.ok("POST", "/api/v1/documents", body, as_="clerk", status=201)["id"]
    api.ok("POST", f"/api/v1/documents/{quote_id}/submit", as_="clerk")
    api.ok("POST", f"/api/v1/documents/{quote_id}/confirm", as_="clerk")
    assert api.ok("GET", f"/api/v1/documents/{quote_id}")["state"] == "confirmed"
    path = f"/api/v1/process-instances/{instance_of(api, quote_id)['id']}/cancel"

    assert api.ok("GET", path)["outcome"] == "document_cancelled"
    api.ok("POST", path, {"reason": "customer withdrew"})

    assert api.ok("GET", f"/api/v1/documents/{quote_id}")["state"] == "cancelled"
    assert instance_of(api, quote_id)["state"] == "cancelled"


def test_an_incident_is_counted_on_its_element_and_found_by_the_filter(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    submitted_invoice(api, ids)
    stuck = instance_of(api, submitted_invoice(api, ids))["id"]
    with uow:
        open_incident(uow.processes.get(stuck), Failure("RuntimeError: test", "approve_document"))
        uow.commit()

    activity = api.ok("GET", f"{APPROVAL}/versions/1/activity")

    assert activity["incidents"] == {"approve_document": 1}
    assert activity["tokens"] == {"approve_document": 1}  # the other, still running
    listed = api.ok("GET", "/api/v1/process-instances?incident=true")
    assert [row["id"] for row in listed] == [stuck]


def test_an_instance_from_before_the_finance_level_migrates_and_is_approved(
    api: Api, ids: dict[str, int], uow: UnitOfWork
) -> None:
    """Its data never had ``finance_approval_above`` (started before issue 12 §5): the
    migration fills what the target's gateways test, so approving goes on to numbering."""
    document_id = submitted_invoice(api, ids)
    instance_id = instance_of(api, document_id)["id"]
    with uow:  # as an instance started before the finance level stored its data
        instance = uow.processes.get(instance_id)
        state = json.loads(json.dumps(instance.state).replace('"finance_approval_above"', '"x_"'))
        instance.state = state
        uow.commit()
    deploy(api, SHIPPED.replace(b'name="Approve document"', b'name="Approve the invoice"'))

    api.ok("POST", "/api/v1/process-migrations", plan(1, 2), status=201)
    approve(api, document_id)

    assert api.ok("GET", f"/api/v1/documents/{document_id}")["state"] == "awaiting_numbering"
