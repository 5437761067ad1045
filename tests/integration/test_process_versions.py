"""Deploying processes: request and diagram limits (issue 10 #5) and rolling back to a
stored version (issue 10 #6), SPEC C3."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, event, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engine.db import make_engine, make_session_factory
from engine.domain.errors import Conflict
from engine.models.audit import AuditEntry
from engine.models.workflow import ProcessVersion
from engine.services.processes import deployment
from engine.services.processes.deployment import BPMN_DIR, deploy_process, deploy_shipped_processes
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import issue_token
from tests.integration.conftest import Api
from tests.integration.flows import i7_invoice
from tests.integration.test_ui_flow import UiClient

APPROVAL = "/api/v1/processes/document_approval/versions"
SHIPPED_APPROVAL = (BPMN_DIR / "document_approval.bpmn").read_bytes()
FOUR_MIB = 4 * 1024 * 1024


def edition(n: int) -> bytes:
    """The shipped approval diagram with another name: new content, a new checksum."""
    return SHIPPED_APPROVAL.replace(
        b'name="Document approval"', f'name="Document approval, edition {n}"'.encode()
    )


def fan_out(steps: int) -> bytes:
    """A valid document_approval process: start, ``steps`` parallel manual tasks, end."""
    flows = "".join(
        f'<bpmn:sequenceFlow id="a{i}" sourceRef="split" targetRef="t{i}"/>'
        f'<bpmn:manualTask id="t{i}"/>'
        f'<bpmn:sequenceFlow id="b{i}" sourceRef="t{i}" targetRef="join"/>'
        for i in range(steps)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' id="defs" targetNamespace="https://cartable.example/bpmn">'
        '<bpmn:process id="document_approval" isExecutable="true">'
        '<bpmn:startEvent id="started"/>'
        '<bpmn:sequenceFlow id="fs" sourceRef="started" targetRef="split"/>'
        '<bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>'
        f"{flows}"
        '<bpmn:sequenceFlow id="fe" sourceRef="join" targetRef="finished"/>'
        '<bpmn:endEvent id="finished"/></bpmn:process></bpmn:definitions>'
    ).encode()


def deploy(api: Api, xml: bytes) -> Any:
    return api.call("POST", APPROVAL, "admin", data=xml, content_type="application/xml")


def version_count(uow: UnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(ProcessVersion)) or 0)


def current_of(api: Api, process_id: str) -> int:
    """Return the number of the version the API marks current."""
    versions = api.ok("GET", f"/api/v1/processes/{process_id}/versions")
    [current] = [v["version"] for v in versions if v["current"]]
    return int(current)


# issue 10 #5 -------------------------------------------------------------------------


def test_issue10_5_a_body_over_the_request_limit_is_a_413_naming_it_and_the_app_goes_on(
    api: Api, uow: UnitOfWork
) -> None:
    """A 5 MiB diagram is refused by size before it is read whole; nothing is stored,
    and the next requests (a sign-in, a deployment) are answered as usual."""
    before = version_count(uow)
    body = b"<definitions>" + b" " * (5 * 1024 * 1024) + b"</definitions>"

    response = deploy(api, body)

    assert response.status_code == 413, response.get_data(as_text=True)[:500]
    error = response.get_json()
    assert error["code"] == 413 and str(FOUR_MIB) in error["message"], error
    assert version_count(uow) == before
    token = api.client.post("/api/v1/auth/token", json={"username": "admin", "password": "admin"})
    assert token.status_code == 200, token.get_json()
    assert deploy(api, edition(2)).status_code == 201


def test_issue10_5_an_upload_over_the_request_limit_is_a_413_in_the_api_and_the_ui(
    api: Api, app: Flask
) -> None:
    """The contact import (multipart, CSV or XLSX) respects the same limit: JSON for the
    API, an error page for the UI, never a 500."""
    big = b"name,kind\n" + b"x" * (FOUR_MIB + 1)
    # Encoded in memory: the test client would spool a large form to an unclosed file.
    boundary, form = encode_multipart({"file": FileStorage(io.BytesIO(big), "c.csv")})
    response = api.call(
        "POST",
        "/api/v1/contacts/import",
        "clerk",
        data=form,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert str(FOUR_MIB) in response.get_json()["message"]

    ui = UiClient(app, "clerk")
    boundary, form = encode_multipart(
        {"csrf_token": ui.token, "file": FileStorage(io.BytesIO(big), "c.csv")}
    )
    page = ui.client.post(
        "/contacts/import", data=form, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert page.status_code == 413 and page.mimetype == "text/html"
    assert "حداکثر 4 مگابایت" in page.get_data(as_text=True)  # the limit, in the page's language
    assert ui.get("/contacts").status_code == 200


def test_issue10_5_a_diagram_over_the_element_limit_is_refused_and_nothing_stored(
    api: Api, uow: UnitOfWork
) -> None:
    """A valid approval process of 3,400 parallel steps (10,207 elements, about 0.6 MB, under
    the byte limits) is over the element limit: refused on ``bpmn`` before it is parsed."""
    before = version_count(uow)

    response = deploy(api, fan_out(3400))

    assert response.status_code == 422, response.get_json()
    assert "10000 elements" in " ".join(response.get_json()["errors"]["bpmn"])
    assert version_count(uow) == before


def test_issue10_5_a_diagram_over_the_byte_limit_is_refused_and_nothing_stored(
    api: Api, uow: UnitOfWork
) -> None:
    """A 3 MiB diagram (under the 4 MiB request limit) is over the 2 MiB diagram limit."""
    before = version_count(uow)
    padding = b"<!--" + b" " * (3 * 1024 * 1024) + b"-->"
    xml = SHIPPED_APPROVAL.replace(b"</bpmn:definitions>", padding + b"</bpmn:definitions>")

    response = deploy(api, xml)

    assert response.status_code == 422, response.get_json()
    assert str(2 * 1024 * 1024) in " ".join(response.get_json()["errors"]["bpmn"])
    assert version_count(uow) == before


def test_a_diagram_not_in_utf8_is_a_422_not_a_500(api: Api, uow: UnitOfWork) -> None:
    """Bad input rule: Latin-1 bytes parsed, then failed when stored as text (a 500)."""
    before = version_count(uow)
    latin = (  # a diagram without Persian labels, so that Latin-1 can hold it
        fan_out(2)
        .decode()
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .replace('isExecutable="true"', 'name="édition 2" isExecutable="true"')
        .encode("latin-1")
    )

    response = deploy(api, latin)

    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "UTF-8" in " ".join(response.get_json()["errors"]["bpmn"])
    assert version_count(uow) == before


def test_a_process_id_too_long_to_store_is_a_422(api: Api, uow: UnitOfWork) -> None:
    """Bad input rule: a valid diagram whose process id is over the column's 100 characters
    (PostgreSQL refused it at the insert, a 500)."""
    before = version_count(uow)
    long_id = "p" * 101
    xml = fan_out(2).replace(b'id="document_approval"', f'id="{long_id}"'.encode())

    response = api.call(
        "POST", f"/api/v1/processes/{long_id}/versions", data=xml, content_type="application/xml"
    )

    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert list(response.get_json()["errors"]) == ["process_id"]
    assert version_count(uow) == before


def test_issue10_5_the_diagram_is_parsed_with_no_transaction_open(
    api: Api, database_url: str, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a diagram is parsed, another user signs in (a write) without waiting. On
    SQLite every transaction takes the write lock at BEGIN, so a parse inside the deploy's
    transaction made every sign-in and write wait, then fail (the 15-minute outage)."""
    quick = make_engine(database_url)
    if database_url.startswith("sqlite"):

        @event.listens_for(quick, "connect")
        def _short_wait(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout=300")

    signed_in = []
    parse = deployment.parse_process

    def parse_while_someone_signs_in(process_id: str, files: Any) -> Any:
        uow = UnitOfWork(make_session_factory(quick))
        signed_in.append(issue_token(uow, user_id=ids["clerk"], ttl_hours=1))
        return parse(process_id, files)

    monkeypatch.setattr(deployment, "parse_process", parse_while_someone_signs_in)
    try:
        assert deploy(api, edition(2)).status_code == 201
    finally:
        quick.dispose()
    assert signed_in


# issue 10 #6 -------------------------------------------------------------------------


def test_issue10_6_redeploying_an_older_diagram_makes_it_current_for_new_documents(
    api: Api, uow: UnitOfWork, ids: dict[str, int]
) -> None:
    """C3: v1 (shipped), v2 deployed, v1's file again: created false with version 1, now
    current; a new invoice runs version 1; the audit log names the rollback; the quote
    process, which bundles the approval diagram, follows back to its first version."""
    assert deploy(api, edition(2)).get_json()["version"] == 2
    assert current_of(api, "quote_to_invoice") == 2

    response = deploy(api, SHIPPED_APPROVAL)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["version"], body["created"], body["current"]) == (1, False, True), body
    assert current_of(api, "document_approval") == 1
    assert current_of(api, "quote_to_invoice") == 1
    listed = {p["process_id"]: p for p in api.ok("GET", "/api/v1/processes")}
    assert listed["document_approval"]["current_version_id"] == body["id"]
    assert listed["document_approval"]["newest_version"] == 2

    invoice = i7_invoice(api, ids)
    api.ok("POST", f"/api/v1/documents/{invoice['id']}/submit", as_="clerk")
    with uow:
        [instance] = uow.processes.for_document(invoice["id"])
        assert instance.version_id == body["id"]
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "process.activate")
        ).first()
        assert entry is not None and entry.entity_id == str(body["id"])
        assert entry.details["process_id"] == "document_approval"
        assert (entry.details["from_version"], entry.details["to_version"]) == (2, 1)


def test_issue10_6_redeploying_the_current_diagram_changes_nothing(api: Api) -> None:
    """The same content as the current version: created false, that version, still current."""
    first = deploy(api, edition(2)).get_json()
    again = deploy(api, edition(2)).get_json()
    assert (again["id"], again["created"], again["current"]) == (first["id"], False, True)
    assert current_of(api, "document_approval") == 2


def test_issue10_6_the_shipped_deploy_at_start_up_leaves_a_rollback_alone(
    api: Api, uow: UnitOfWork
) -> None:
    """`cartable run` deploys bpmn/ at every start: a shipped diagram already stored does
    not become current again, so v3 rolled back to v2 stays on v2 (not v1, the shipped)."""
    deploy(api, edition(2))
    deploy(api, edition(3))
    assert deploy(api, edition(2)).get_json()["version"] == 2

    infos = deploy_shipped_processes(uow, actor_id=None)

    approval = next(i for i in infos if i.process_id == "document_approval")
    assert (approval.version, approval.created, approval.current) == (1, False, False)
    assert current_of(api, "document_approval") == 2


def test_issue10_6_versions_need_the_design_permission(api: Api) -> None:
    assert api.get(APPROVAL, as_="clerk").status_code == 403
    assert api.get("/api/v1/processes", as_="clerk").status_code == 403
    assert api.get("/api/v1/processes/nothing_here/versions").status_code == 404


@pytest.mark.postgres
def test_issue10_6_racing_deployments_leave_one_current_version_and_callers_in_step(
    engine: Engine, ids: dict[str, int]
) -> None:
    """Four designers deploy four editions at once: each is stored or answered Conflict
    (never a 500), versions are numbered without gaps, and the quote process's current
    bundle holds the current approval file (its callers followed the winner)."""
    factory = make_session_factory(engine)

    def designer(n: int) -> str:
        try:
            deploy_process(
                UnitOfWork(factory),
                process_id="document_approval",
                files={"document_approval.bpmn": edition(n)},
                actor_id=ids["admin"],
            )
        except Conflict:
            return "conflict"
        return "stored"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(designer, range(2, 6)))

    uow = UnitOfWork(factory)
    with uow:
        numbers = [v.version for v in uow.processes.versions("document_approval")]
        approval = uow.processes.current_version("document_approval")
        quote = uow.processes.current_version("quote_to_invoice")
        assert sorted(numbers) == list(range(1, outcomes.count("stored") + 2)), outcomes
        assert approval.version == max(numbers)
        key = "document_approval.bpmn"
        assert quote.bpmn_files[key] == approval.bpmn_files[key]
