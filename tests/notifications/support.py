"""Outbox test data: one Persian overdue notice, staged or committed, and a draft invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.services.documents.commands import NewDocument, create_document
from engine.services.documents.content import Content, LineCommand
from engine.services.messaging.outbox import enqueue_message
from engine.services.unit_of_work import UnitOfWork

CONTEXT: dict[str, Any] = {
    "customer": "علیرضا سامری",
    "invoices": [{"number": "INV-1", "due_date": "1405/08/01", "open_amount": "98,100,000"}],
    "total_due": "98,100,000",
}


def stage(uow: UnitOfWork, key: str, **overrides: Any) -> int:
    """Stage an overdue notice in the open unit of work (the caller commits or not)."""
    args: dict[str, Any] = {
        "channel": "email",
        "recipient": "sameri@example.com",
        "locale": "fa",
        "context": CONTEXT,
        "idempotency_key": key,
        "template": "overdue_notice",
    }
    args.update(overrides)
    if args["channel"] == "sms" and "recipient" not in overrides:
        args["recipient"] = "+989121234567"
    return enqueue_message(uow, **args)


def queue(uow: UnitOfWork, key: str, **overrides: Any) -> int:
    """Commit an overdue notice in a unit of work of its own; return its id."""
    with uow:
        message_id = stage(uow, key, **overrides)
        uow.commit()
    return message_id


def draft_invoice(uow: UnitOfWork, ids: dict[str, int]) -> int:
    """Create a draft sales invoice for the I7 customer: one desk at 90,000,000."""
    cmd = NewDocument(
        type_code="sales_invoice",
        contact_id=ids["sameri"],
        content=Content(lines=[LineCommand(product_id=ids["desk"], quantity=Decimal(1))]),
    )
    return create_document(uow, cmd, actor_id=ids["clerk"])
