"""The modeler's saved drafts, one per process (issue 13 §2)."""

from __future__ import annotations

from engine.models.workflow import ProcessDraft
from engine.repositories.base import Repository


class DraftRepository(Repository[ProcessDraft]):
    model = ProcessDraft
    label = "process draft"

    def of_process(self, process_id: str) -> ProcessDraft | None:
        """Return the process's draft, or None when none was saved."""
        return self.session.get(ProcessDraft, process_id)
