"""The modeler's server side through the API (issue 13 §2 and Done when): drafts kept per
process, validation naming the element of each problem, the operators a service task may
name, diagrams made by other modelers, and hostile or oversized files refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.models.workflow import ProcessDraft, ProcessVersion
from engine.services.processes.deployment import BPMN_DIR
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api

APPROVAL = "/api/v1/processes/document_approval"
SHIPPED = (BPMN_DIR / "document_approval.bpmn").read_bytes()
OTHER_MODELERS = Path(__file__).parent / "other_modelers"
XML = {"content_type": "application/xml"}


def send(api: Api, method: str, path: str, data: bytes, as_: str = "admin") -> Any:
    return api.call(method, path, as_, data=data, **XML)


def rows(uow: UnitOfWork, model: type) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def test_without_a_draft_the_current_version_is_offered(api: Api) -> None:
    draft = api.ok("GET", f"{APPROVAL}/draft")
    assert draft["saved"] is False
    assert draft["version"] == 1
    assert 'id="approve_document"' in draft["xml"]


def test_a_saved_draft_is_read_back_and_deploys_nothing(api: Api, uow: UnitOfWork) -> None:
    """Issue 13 §2: the draft is kept on the server (so it survives a reload)."""
    edited = SHIPPED.replace(b'name="Approve document"', b'name="Approve it"')
    versions = rows(uow, ProcessVersion)

    saved = send(api, "PUT", f"{APPROVAL}/draft", edited)

    assert saved.status_code == 200, saved.get_json()
    draft = api.ok("GET", f"{APPROVAL}/draft")
    assert draft["saved"] is True and 'name="Approve it"' in draft["xml"]
    assert rows(uow, ProcessVersion) == versions


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "request body"),
        (b"<definitions", "line 1"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
            "DOCTYPE",
        ),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_is_kept(
    api: Api, uow: UnitOfWork, body: bytes, reason: str
) -> None:
    response = send(api, "PUT", f"{APPROVAL}/draft", body)

    assert response.status_code == 422, response.get_json()
    assert reason in " ".join(response.get_json()["errors"]["bpmn"])
    assert "root:" not in response.get_data(as_text=True)
    assert rows(uow, ProcessDraft) == 0


def test_drafts_need_the_design_permission_and_a_known_process(api: Api) -> None:
    assert send(api, "PUT", f"{APPROVAL}/draft", SHIPPED, as_="clerk").status_code == 403
    assert api.get(f"{APPROVAL}/draft", as_="clerk").status_code == 403
    assert send(api, "PUT", "/api/v1/processes/nope/draft", SHIPPED).status_code == 404
    assert api.get("/api/v1/processes/nope/draft").status_code == 404


def test_the_shipped_diagram_validates(api: Api, uow: UnitOfWork) -> None:
    versions = rows(uow, ProcessVersion)
    result = send(api, "POST", f"{APPROVAL}/validate", SHIPPED).get_json()
    assert result == {"process_id": "document_approval", "valid": True, "problems": []}
    assert rows(uow, ProcessVersion) == versions


@pytest.mark.parametrize(
    ("old", "new", "element_id", "words"),
    [
        (b'value="approver admin"', b'value="nobody"', "approval", "unknown role"),
        (
            b'serviceTaskOperator id="take_number"',
            b'serviceTaskOperator id="no_such"',
            "take_number",
            "unknown operator",
        ),
        (b">credit_breach<", b">open(credit_breach)<", "flow_credit_breach", "expression"),
    ],
)
def test_each_problem_names_its_element(
    api: Api, old: bytes, new: bytes, element_id: str, words: str
) -> None:
    """Issue 13 §2: the modeler pins the server's errors on their elements."""
    assert old in SHIPPED
    result = send(api, "POST", f"{APPROVAL}/validate", SHIPPED.replace(old, new, 1)).get_json()

    assert result["valid"] is False
    (problem,) = result["problems"]
    assert problem["element_id"] == element_id, problem
    assert words in problem["message"]


def test_a_decision_without_a_label_is_pinned_on_its_user_task(api: Api) -> None:
    start = SHIPPED.index(b'<bpmn:userTask id="approve_document"')
    end = SHIPPED.index(b"</bpmn:userTask>", start)
    step = SHIPPED[start:end]
    unlabelled = b"\n".join(
        line for line in step.split(b"\n") if b"decision.reject.label" not in line
    )
    xml = SHIPPED[:start] + unlabelled + SHIPPED[end:]

    result = send(api, "POST", f"{APPROVAL}/validate", xml).get_json()

    (problem,) = result["problems"]
    assert problem["element_id"] == "approve_document"
    assert "no label" in problem["message"]


def test_malformed_xml_is_a_problem_of_no_element(api: Api) -> None:
    result = send(api, "POST", f"{APPROVAL}/validate", b"<bpmn:definitions").get_json()
    assert result["valid"] is False
    assert result["problems"][0]["element_id"] is None


def test_the_operators_a_service_task_may_name_are_listed(api: Api) -> None:
    names = {o["name"] for o in api.ok("GET", "/api/v1/operators")}
    assert {"take_number", "post_document", "mark_awaiting_approval"} <= names
    assert api.get("/api/v1/operators", as_="clerk").status_code == 403


# Diagrams made by other modelers (Done when): each deploys, or is refused with a 422
# naming the element Cartable does not run.
OTHER = [
    ("camunda_modeler.bpmn", "leave_request", None),
    ("camunda_script.bpmn", "scored", "scriptTask is not allowed"),
    ("bpmn_io_demo.bpmn", "Process_1", "Process_1 is not executable"),
    ("bpmn_io_complex.bpmn", "Process_1", "bpmn:complexGateway 'Gateway_complex'"),
]


@pytest.mark.parametrize(("name", "process_id", "refusal"), OTHER)
def test_diagrams_of_other_modelers_deploy_or_name_what_is_refused(
    api: Api, uow: UnitOfWork, name: str, process_id: str, refusal: str | None
) -> None:
    versions = rows(uow, ProcessVersion)
    xml = (OTHER_MODELERS / name).read_bytes()

    response = send(api, "POST", f"/api/v1/processes/{process_id}/versions", xml)

    if refusal is None:
        assert response.status_code == 201, response.get_json()
        assert rows(uow, ProcessVersion) == versions + 1
    else:
        assert response.status_code == 422, response.get_json()
        assert refusal in " ".join(response.get_json()["errors"]["bpmn"])
        assert rows(uow, ProcessVersion) == versions


def test_the_bpmn_io_demo_deploys_once_marked_executable(api: Api) -> None:
    xml = (OTHER_MODELERS / "bpmn_io_demo.bpmn").read_bytes()
    executable = xml.replace(b'isExecutable="false"', b'isExecutable="true"')
    response = send(api, "POST", "/api/v1/processes/Process_1/versions", executable)
    assert response.status_code == 201, response.get_json()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "ha">'
    + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    )
    + b"]><r>&l9;</r>"
)


@pytest.mark.parametrize("path", ["versions", "validate", "draft"])
def test_entities_and_oversized_files_are_refused_everywhere(
    api: Api, uow: UnitOfWork, path: str
) -> None:
    """Done when: a DOCTYPE with entities (billion laughs) and a file over
    CARTABLE_MAX_DIAGRAM_BYTES (2 MiB by default, README) are refused with a 422."""
    method = "PUT" if path == "draft" else "POST"
    oversized = SHIPPED + b"<!--" + b"x" * (2 * 1024 * 1024) + b"-->"
    before = (rows(uow, ProcessVersion), rows(uow, ProcessDraft))

    for body, reason in ((BILLION_LAUGHS, "DOCTYPE"), (oversized, "size limit")):
        response = send(api, method, f"{APPROVAL}/{path}", body)
        if path == "validate":
            assert response.status_code == 200
            assert reason in response.get_json()["problems"][0]["message"]
        else:
            assert response.status_code == 422, response.get_json()
            assert reason in " ".join(response.get_json()["errors"]["bpmn"])
    assert (rows(uow, ProcessVersion), rows(uow, ProcessDraft)) == before
