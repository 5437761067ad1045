"""Element names in the page's language (issue 13 §3): an instance stopped on a service
task names it with the diagram's Persian or Arabic name, not its English ``name``."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.services.processes.incidents import Failure, open_incident
from engine.services.unit_of_work import UnitOfWork
from tests.integration.conftest import Api
from tests.integration.test_process_design import instance_of, submitted_invoice
from tests.integration.test_ui_flow import UiClient


@pytest.mark.parametrize(("lang", "name"), [("fa", "گرفتن شماره"), ("ar", "أخذ الرقم")])
def test_the_instance_page_names_a_service_task_in_the_users_language(
    app: Flask, api: Api, ids: dict[str, int], uow: UnitOfWork, lang: str, name: str
) -> None:
    instance_id = instance_of(api, submitted_invoice(api, ids))["id"]
    with uow:
        open_incident(uow.processes.get(instance_id), Failure("RuntimeError: x", "take_number"))
        uow.commit()
    ui = UiClient(app, "admin")
    ui.post("/language", {"lang": lang, "next": "/cartable"})

    page = ui.get(f"/process-instances/{instance_id}").get_data(as_text=True)

    incident = page[page.index('id="incident"') :]
    assert name in incident
    assert "Take number" not in incident
