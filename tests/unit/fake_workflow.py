"""In-memory process instances and task rows, on the shipped diagrams parsed from bpmn/.

The real WorkflowRun steps them: submitting, deciding and restarting an approval run
in memory as they do on the database.
"""

from __future__ import annotations

import functools
from typing import Any

from engine.domain.errors import NotFound
from engine.domain.followups import LevelRule
from engine.models.contacts import Contact
from engine.models.followups import CustomerFollowup
from engine.models.workflow import HumanTask, ProcessInstance, ProcessVersion
from engine.services.processes.deployment import BPMN_DIR, SHIPPED
from engine.workflow import parse_process
from tests.unit.fake_repositories import FakeRepository


@functools.cache
def shipped_spec(process_id: str) -> tuple[str, dict[str, Any]]:
    """Return the checksum and spec JSON of a shipped diagram, parsed once per test run."""
    files = {name: (BPMN_DIR / name).read_bytes() for name in SHIPPED[process_id]}
    bundle = parse_process(process_id, files)
    return bundle.checksum, bundle.spec_json


def shipped_files(process_id: str) -> dict[str, str]:
    """Return a shipped diagram's files as a version stores them."""
    return {name: (BPMN_DIR / name).read_text(encoding="utf-8") for name in SHIPPED[process_id]}


class FakeProcesses(FakeRepository[ProcessInstance]):
    """Instances in a dict; the versions are the shipped diagrams, parsed from bpmn/."""

    label = "process instance"

    def __init__(self) -> None:
        super().__init__()
        self.versions: dict[int, ProcessVersion] = {}

    def current_version(self, process_id: str) -> ProcessVersion:
        for version in self.versions.values():
            if version.process_id == process_id:
                return version
        if process_id not in SHIPPED:
            raise NotFound(f"process {process_id!r} is not deployed")
        checksum, spec_json = shipped_spec(process_id)
        version = ProcessVersion(
            id=len(self.versions) + 1,
            process_id=process_id,
            version=1,
            checksum=checksum,
            bpmn_files=shipped_files(process_id),  # the steps and lanes it declares
            spec_json=spec_json,
        )
        self.versions[version.id] = version
        return version

    def version(self, version_id: int) -> ProcessVersion:
        found = self.versions.get(version_id)
        if found is None:
            raise NotFound(f"process version {version_id} not found")
        return found

    def version_keys(self) -> list[tuple[int, str, str]]:
        return [
            (v.id, v.process_id, v.checksum)
            for v in sorted(self.versions.values(), key=lambda v: v.id)
        ]

    def running_for_document(self, document_id: int) -> ProcessInstance | None:
        running = [i for i in self.for_document(document_id) if i.status == "running"]
        return running[0] if running else None

    def for_document(self, document_id: int) -> list[ProcessInstance]:
        found = [i for i in self.rows.values() if i.document_id == document_id]
        return sorted(found, key=lambda i: i.id, reverse=True)


class FakeTasks(FakeRepository[HumanTask]):
    label = "task"

    def stage(self, task: HumanTask) -> None:
        self.add(task)

    def open_of_instance(self, instance_id: int) -> list[HumanTask]:
        return [
            t for t in self.rows.values() if t.instance_id == instance_id and t.status == "open"
        ]

    def open_of_document(self, document_id: int) -> list[HumanTask]:
        found = [
            t for t in self.rows.values() if t.document_id == document_id and t.status == "open"
        ]
        return sorted(found, key=lambda t: t.id)

    def open_at(self, document_id: int, element_id: str) -> HumanTask:
        """Return the document's open task at ``element_id`` (a test helper)."""
        found = [t for t in self.open_of_document(document_id) if t.element_id == element_id]
        assert len(found) == 1, [t.element_id for t in self.open_of_document(document_id)]
        return found[0]


class FakeFollowups(FakeRepository[CustomerFollowup]):
    """Enough for a posted invoice's FollowInvoice effect to find no rules."""

    def ensure(self, contact: Contact) -> CustomerFollowup:
        for row in self.rows.values():
            if row.contact_id == contact.id:
                return row
        return self.add(CustomerFollowup(contact_id=contact.id, status="none"))

    def rules(self) -> list[LevelRule]:
        return []
