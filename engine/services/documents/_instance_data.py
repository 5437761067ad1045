"""What a document's process instance knows of the document, kept current (issue 12 §3).

Every instance holds ``document_id``, ``type`` (the type's code), ``contact_id``,
``author_id`` and ``total`` (a Decimal), so a diagram's gateway can route on, say,
``total > 100000000``. An edit that changes them updates the running instances too.
"""

from __future__ import annotations

from engine.models.documents import Document
from engine.services.processes._runs import document_instance_ids, restore_run
from engine.services.unit_of_work import AbstractUnitOfWork
from engine.workflow import NO_OPERATORS


def document_data(document: Document) -> dict[str, object]:
    """Return the instance data that describes ``document`` as it is now."""
    return {
        "document_id": document.id,
        "type": document.type.code,
        "contact_id": document.contact_id,
        "author_id": document.created_by,
        "total": document.total,
    }


def refresh_instance_data(
    uow: AbstractUnitOfWork, document: Document, before: dict[str, object]
) -> None:
    """Put the document's current data into its running instances if it changed since
    ``before`` (a :func:`document_data` taken before the edit).

    Only the data changes: nothing runs (no operators), an incident stays an incident.
    """
    now = document_data(document)
    if now == before:
        return
    for instance_id in document_instance_ids(uow, document.id):
        instance = uow.processes.get_for_update(instance_id)
        if instance.status in ("running", "incident"):
            run = restore_run(uow, instance, NO_OPERATORS)
            run.update_data(now)
            instance.state = run.dump()
