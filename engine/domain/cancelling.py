"""What cancelling a process instance does to the document it drives (issue 13 §4).

Cancelling an instance today happens inside cancelling or deleting its document
(engine.services.documents.commands). The cockpit cancels an instance on its own, so
its effect on the document is decided here, from the document's state, and named to
the designer before the confirmation:

* no document (a customer's follow-up): only the process stops;
* a draft or a document in approval: the document goes back to draft; its author may
  submit it again, which starts the current version;
* anything approved (posted, an order on its way): the document is cancelled, as the
  document's own Cancel does (reversing rows for a posted one, I10).
"""

from __future__ import annotations

from enum import StrEnum

from engine.domain.states import EDITABLE_BEFORE_POSTING, DocumentState


class CancelOutcome(StrEnum):
    PROCESS_ONLY = "process_only"
    BACK_TO_DRAFT = "back_to_draft"
    DOCUMENT_CANCELLED = "document_cancelled"


def cancel_outcome(document_state: str | None) -> CancelOutcome:
    """Return what cancelling the instance does to a document in ``document_state``."""
    if document_state is None or document_state == DocumentState.CANCELLED:
        return CancelOutcome.PROCESS_ONLY
    if DocumentState(document_state) in EDITABLE_BEFORE_POSTING:
        return CancelOutcome.BACK_TO_DRAFT
    return CancelOutcome.DOCUMENT_CANCELLED
