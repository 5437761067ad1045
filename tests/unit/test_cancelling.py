"""What cancelling an instance does to its document, by the document's state (issue 13 §4)."""

from __future__ import annotations

import pytest

from engine.domain.cancelling import CancelOutcome, cancel_outcome
from engine.domain.states import DocumentState as S


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (None, CancelOutcome.PROCESS_ONLY),
        (S.CANCELLED, CancelOutcome.PROCESS_ONLY),
        (S.DRAFT, CancelOutcome.BACK_TO_DRAFT),
        (S.AWAITING_APPROVAL, CancelOutcome.BACK_TO_DRAFT),
        (S.AWAITING_NUMBERING, CancelOutcome.BACK_TO_DRAFT),
        (S.POSTED, CancelOutcome.DOCUMENT_CANCELLED),
        (S.CONFIRMED, CancelOutcome.DOCUMENT_CANCELLED),
        (S.DELIVERED, CancelOutcome.DOCUMENT_CANCELLED),
    ],
)
def test_the_outcome_follows_the_document_state(state: str | None, outcome: CancelOutcome) -> None:
    assert cancel_outcome(state) is outcome
