"""Email customer statements (F9) and the follow-up report (F10) through the outbox.

The message is written now, in the caller's transaction; the worker builds the file
when it sends (engine.services.messaging.files), for the period fixed here. One email per
customer, in the customer's language unless one is asked for. The idempotency key
names the file, the period, the address and the day, so a second click (or a second
bulk run) the same day does not send the same statement twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from engine import clock
from engine.domain.errors import PermissionDenied, ValidationFailed
from engine.domain.localize import format_date, format_money
from engine.domain.messages import Channel
from engine.domain.permissions import Perm
from engine.models.outbox import LOCALES
from engine.models.users import User
from engine.services.accounts.statements import (
    build_followup,
)
from engine.services.messaging.files import check_format, followup_report_spec, statement_spec
from engine.services.messaging.outbox import (
    MessageView,
    enqueue_message,
    enqueue_messages,
    message_view,
)
from engine.services.reporting.reports import Period
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.access import load_actor, require, viewer_of

# Who may email a customer its statement or a report: those who work its account.
_SENDERS = (Perm.FOLLOW_UP, Perm.MANAGE_CONTACTS, Perm.RECORD_PAYMENTS)


@dataclass(frozen=True)
class Skipped:
    """A customer a bulk run could not email, and why."""

    contact_id: int
    contact_name: str
    reason: str


@dataclass(frozen=True)
class Mailing:
    """What a run queued and what it left out."""

    messages: list[MessageView]
    skipped: list[Skipped]


def email_statements(
    uow: UnitOfWork,
    *,
    actor_id: int,
    contact_ids: Sequence[int] | None,
    period: Period,
    fmt: str = "pdf",
    language: str | None = None,
    recipient: str | None = None,
) -> Mailing:
    """Queue one statement email per customer (None: every customer with entries).

    ``recipient`` overrides the address and is only allowed for one customer.
    Customers without an email address are skipped and listed. Raises
    ValidationFailed naming ``format``, ``lang``, ``recipient``, ``to`` or
    ``contact_id``; PermissionDenied unless the actor may follow up, manage contacts
    or record payments.
    """
    check_format(fmt)
    _check_language(language)
    period.check()
    period = Period(period.start, period.end or clock.business_today())
    if recipient is not None and (contact_ids is None or len(contact_ids) != 1):
        raise ValidationFailed.single("recipient", "give an address only for one customer")
    with uow:
        viewer = viewer_of(uow, _require_sender(uow, actor_id))  # they send what they see
        ids = list(dict.fromkeys(contact_ids)) if contact_ids is not None else None
        accounts = uow.contacts.accounts(ids, period.end, viewer)
        if ids is not None:  # every known contact has a row, entries or not
            _report_unknown(ids, {account[0] for account in accounts})
        if not accounts:
            raise ValidationFailed.single("contact_id", "no customer to send to")
        requests, skipped = [], []
        for contact_id, name, email, contact_language, closing in accounts:
            address = (recipient or email or "").strip()
            if not address:
                skipped.append(Skipped(contact_id, name, "no email address"))
                continue
            locale = _locale(language or contact_language)
            spec = statement_spec(contact_id, period, fmt, viewer)
            requests.append(
                {
                    "channel": Channel.EMAIL,
                    "recipient": address,
                    "locale": locale,
                    "template": "statement",
                    "context": {
                        "customer": name,
                        "total_due": format_money(closing, locale),
                        "period_from": format_date(period.start, locale) if period.start else "",
                        "period_to": format_date(period.end, locale) if period.end else "",
                    },
                    "idempotency_key": _key("statement", spec, address),
                    "contact_id": contact_id,
                    "attachments": [spec],
                    "origin": f"statement:{actor_id}",
                }
            )
        message_ids = enqueue_messages(uow, requests)
        messages = [message_view(m) for m in uow.outbox.with_ids(message_ids)]
        uow.commit()
        return Mailing(messages, skipped)


def email_followup_report(
    uow: UnitOfWork,
    *,
    actor_id: int,
    recipient: str | None,
    as_of: date | None = None,
    contact_ids: Sequence[int] | None = None,
    fmt: str = "pdf",
    language: str | None = None,
) -> MessageView:
    """Queue the follow-up report (due vs overdue, F10) as one email.

    Without ``recipient`` the report must be about one customer, who gets it at the
    contact's address. Raises ValidationFailed naming ``recipient``, ``format``,
    ``lang`` or ``contact_id``; PermissionDenied unless the actor may see every
    document and email customers.
    """
    check_format(fmt)
    _check_language(language)
    as_of = as_of or clock.business_today()
    ids = list(dict.fromkeys(contact_ids)) if contact_ids is not None else None
    with uow:
        actor = _require_sender(uow, actor_id)
        require(actor, Perm.VIEW_ALL)
        _check_known(uow, ids or [])
        contacts = [uow.contacts.get(contact_id) for contact_id in ids or []]
        address = (recipient or "").strip()
        if not address:
            if len(contacts) != 1 or not (contacts[0].email or "").strip():
                raise ValidationFailed.single(
                    "recipient", "give an address (or one customer who has an email address)"
                )
            address = (contacts[0].email or "").strip()
        locale = _locale(language or (contacts[0].language if len(contacts) == 1 else None))
        report = build_followup(uow, as_of=as_of, contact_ids=ids, with_invoices=False)
        spec = followup_report_spec(as_of, ids, fmt)
        message_id = enqueue_message(
            uow,
            channel=Channel.EMAIL,
            recipient=address,
            locale=locale,
            template="followup_report",
            context={
                "customer": contacts[0].name if len(contacts) == 1 else "",
                "as_of": format_date(as_of, locale),
                "due_amount": format_money(report.due_amount, locale),
                "overdue_amount": format_money(report.overdue_amount, locale),
                "total_open": format_money(report.total_open, locale),
                "customers": len(report.customers),
            },
            idempotency_key=_key("followup-report", spec, address),
            contact_id=contacts[0].id if len(contacts) == 1 else None,
            attachments=[spec],
            origin=f"followup-report:{actor_id}",
        )
        view = message_view(uow.outbox.get(message_id))
        uow.commit()
        return view


def _key(kind: str, spec: dict[str, object], address: str) -> str:
    digest = hashlib.sha256(json.dumps([spec, address], sort_keys=True).encode()).hexdigest()
    return f"{kind}:{digest[:32]}:{clock.business_today().isoformat()}"


def _check_known(uow: UnitOfWork, contact_ids: Sequence[int]) -> None:
    known = uow.contacts.known_ids(contact_ids)
    _report_unknown(contact_ids, known)


def _report_unknown(contact_ids: Sequence[int], known: set[int]) -> None:
    unknown = [i for i in contact_ids if i not in known]
    if unknown:
        raise ValidationFailed.single("contact_id", f"unknown contacts: {unknown}")


def _require_sender(uow: UnitOfWork, actor_id: int) -> User:
    actor = load_actor(uow, actor_id)
    if not any(perm in actor.permissions for perm in _SENDERS):
        raise PermissionDenied("you may not email customers")
    return actor


def _locale(language: str | None) -> str:
    return language if language in LOCALES else "fa"


def _check_language(language: str | None) -> None:
    if language is not None and language not in LOCALES:
        raise ValidationFailed.single("lang", f"must be one of {', '.join(LOCALES)}")
