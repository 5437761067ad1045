"""A process designer cannot run code through a deployed BPMN expression (issue 10 #1).

On 37b3c44 the gateway condition below, deployed through the API, ran a shell command
on the server when an instance reached the gateway: expressions were ``eval``'ed. Now
the deploy refuses it with 422 on field ``bpmn`` and stores nothing (SPEC C3).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.test_bad_input import counts

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
FRAME_WALK = (
    "(list(g := (g.gi_frame.f_back.f_back.f_builtins for i in [1]))[0]['__import__']('os')"
    ".system('touch {marker}') == 0 or True) and requires_approval"
)


@pytest.mark.parametrize(
    "condition",
    [FRAME_WALK, "'{{0.__class__}}'.format(1) and requires_approval"],
    ids=["frame_walk", "format_attribute"],
)
def test_gateway_condition_escaping_the_sandbox_is_refused_at_deploy(
    api: Api, uow: UnitOfWork, tmp_path: Path, condition: str
) -> None:
    """issue 10 #1: 422 naming ``bpmn`` with file and line; no new version; nothing ran."""
    marker = tmp_path / "escaped"
    xml = (
        (BPMN_DIR / "document_approval.bpmn")
        .read_bytes()
        .replace(b">requires_approval<", f">{condition.format(marker=marker)}<".encode())
    )
    assert xml != (BPMN_DIR / "document_approval.bpmn").read_bytes()
    before = counts(uow)
    with uow:
        version_before = uow.processes.latest_version("document_approval").version

    response = api.call(
        "POST",
        "/api/v1/processes/document_approval/versions",
        "admin",
        data=xml,
        content_type="application/xml",
    )

    assert response.status_code == 422, response.get_data(as_text=True)
    reasons = response.get_json()["errors"]["bpmn"]
    shipped = (BPMN_DIR / "document_approval.bpmn").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(shipped, 1) if ">requires_approval<" in text)
    # The element holding it is named too (issue 12: a 422 names the element id).
    assert reasons[0].startswith(
        f"document_approval.bpmn: line {line}: sequenceFlow 'flow_approval_needed': expression "
    )
    assert counts(uow) == before
    with uow:
        assert uow.processes.latest_version("document_approval").version == version_before
    assert not marker.exists()
