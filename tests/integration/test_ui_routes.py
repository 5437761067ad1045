"""Every page route × every role: allowed or refused, as the permissions say (E2, I11).

The test walks ``app.url_map``: a page route missing from EXPECTED fails, so a new page
cannot ship without saying who may use it (docs/ui.md). API routes (/api/) are covered
by the API tests; static files and the login form are open to all.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from engine.domain.steps import StepAction
from engine.models.users import User
from engine.services.accounts.allocations import NewAllocation, allocate_credit
from engine.services.banking.accounts import NewBankAccount, create_bank_account
from engine.services.banking.reconciling import ignore_line
from engine.services.banking.statements import get_statement, import_statement
from engine.services.cartable.saved_filters import save_filter
from engine.services.cartable.tasks import claim_task, list_cartable
from engine.services.contacts.records import NewContact, create_contact
from engine.services.documents.commands import (
    NewDocument,
    advance_document,
    create_document,
    submit_document,
)
from engine.services.documents.content import Content, LineCommand
from engine.services.documents.types import get_type
from engine.services.followups.followers import add_followers
from engine.services.processes.calendar import add_holiday
from engine.services.processes.deployment import BPMN_DIR, deploy_process
from engine.services.processes.incidents import Failure, open_incident
from engine.services.processes.migrations import MigrationPlan, run_migration
from engine.services.terms.records import create_term
from engine.services.unit_of_work import UnitOfWork
from engine.services.users.accounts import create_user
from engine.services.users.delegations import create_delegation
from tests.integration.postings import pay, posted_invoice
from tests.integration.test_ui_flow import UiClient

ROLES = ("admin", "approver", "numberer", "clerk", "accountant", "designer", "viewer")
ALL = frozenset(ROLES)
CREATORS = frozenset({"admin", "clerk", "accountant"})
APPROVERS = frozenset({"admin", "approver"})
ADMIN = frozenset({"admin"})
SELLERS = frozenset({"admin", "clerk"})
EDITORS = frozenset({"admin", "clerk"})  # the creator (clerk) or the edit permission
VIEW_ALL = frozenset({"admin", "approver", "numberer", "accountant", "viewer"})
LEDGER_READERS = ALL - {"designer"}  # view_all, manage_contacts or record_payments
PAYERS = frozenset({"admin", "accountant"})
# Open to all: static files, the login form, and the operations probes and metrics
# (tests/integration/test_operations.py; /metrics has a token of its own).
PUBLIC = {
    "static",
    "ui.static",
    "account.login",
    "operations.healthz",
    "operations.readyz",
    "operations.metrics",
}
# Work without a session too: choosing a language, and signing out (lands on /login).
SESSIONLESS = {"account.language", "account.logout"}
NOT_PAGES = ("/api/", "/webhooks/")  # token- or signature-authenticated, tested elsewhere


@dataclass
class World:
    """Makes the records a route needs, fresh per call where the route changes them."""

    app: Flask
    uow: UnitOfWork
    ids: dict[str, int]
    _cache: dict[str, int] = field(default_factory=dict)

    def draft(self, type_code: str = "sales_invoice") -> int:

        content = Content(lines=[LineCommand(product_id=self.ids["desk"], quantity=Decimal(1))])
        return create_document(
            self.uow,
            NewDocument(type_code=type_code, contact_id=self.ids["sameri"], content=content),
            actor_id=self.ids["clerk"],
        )

    def open_task(self, document_id: int, username: str) -> int:
        tasks = list_cartable(self.uow, actor_id=self.ids[username], limit=500)
        return next(t.id for t in tasks if t.document_id == document_id)

    def approval_task(self) -> int:
        document_id = self.draft()
        submit_document(self.uow, document_id=document_id, actor_id=self.ids["clerk"])
        return self.open_task(document_id, "approver")

    def quote(self) -> int:
        document_id = self.draft("sales_quote")
        submit_document(self.uow, document_id=document_id, actor_id=self.ids["clerk"])
        return document_id

    def order(self) -> int:
        document_id = self.quote()
        advance_document(
            self.uow, document_id=document_id, action=StepAction.CONFIRM, actor_id=self.ids["clerk"]
        )
        return document_id

    def shared(self, key: str, make: Callable[[], int]) -> int:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


@dataclass(frozen=True)
class Case:
    allowed: frozenset[str]
    # (world, role) -> (url values, form data)
    setup: Callable[[World, str], tuple[dict[str, Any], dict[str, Any]]] = lambda w, r: ({}, {})
    xml: bool = False  # the modeler's routes take the diagram as the body (issue 13 §2)


SHIPPED_APPROVAL = (BPMN_DIR / "document_approval.bpmn").read_bytes()


def _send(client: UiClient, method: str, url: str, case: Case, data: dict[str, Any]) -> Any:
    """Send a page request: a GET, a form, or the modeler's XML with the CSRF header."""
    if method == "GET":
        return client.get(url, status=None)
    if case.xml:
        headers = {"X-CSRFToken": client.token, "Content-Type": "application/xml"}
        return client.client.open(url, method=method, data=SHIPPED_APPROVAL, headers=headers)
    return client.post(url, data)


def _week_form() -> dict[str, Any]:
    days = ["saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday"]
    form: dict[str, Any] = {"day": days}
    for day in days[:-1]:
        form |= {f"{day}.works": "1", f"{day}.opens": "08:00", f"{day}.closes": "16:00"}
    return form


def _holiday(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    day = date(2027, 4, ROLES.index(r) + 1)
    add_holiday(w.uow, actor_id=w.ids["admin"], day=day, name=r)
    return {"day": day.isoformat()}, {}


def _term(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh payment term of the role's own (issue 14 §3), and its form."""
    lines = [{"value": "balance", "days": 30}]
    made = create_term(w.uow, name=f"t-{r}-{uuid4().hex[:6]}", lines=lines, actor_id=w.ids["admin"])
    form = {"name": made.name, "lines-0-value": "balance", "lines-0-days": "45"}
    return {"term_id": made.id}, form


def _substitute_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    day = f"2027-05-{ROLES.index(r) + 1:02d}"
    other = "viewer" if r != "viewer" else "admin"
    return {}, {"substitute": other, "starts_on": day, "ends_on": day}


def _delegation(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, form = _substitute_form(w, r)
    made = create_delegation(
        w.uow,
        actor_id=w.ids[r],
        username=r,
        substitute=form["substitute"],
        starts_on=date(2027, 6, 1),
        ends_on=date(2027, 6, 2),
    )
    return {"delegation_id": made.id}, {}


def _doc(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"document_id": w.shared("doc", w.draft)}, {}


def _fresh_doc(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"document_id": w.draft()}, {}


def _edit_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"document_id": w.draft()}, {
        "contact_id": str(w.ids["sameri"]),
        "product_id": [str(w.ids["desk"])],
        "quantity": ["2"],
        "unit_price": [""],
    }


def _new_doc_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {
        "type": "sales_invoice",
        "contact_id": str(w.ids["sameri"]),
        "product_id": [str(w.ids["desk"])],
        "quantity": ["1"],
    }


def _task(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"task_id": w.shared("task", w.approval_task)}, {}


def _fresh_task(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"task_id": w.approval_task()}, {"decision": "approve"}


def _held_task(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    task_id = w.approval_task()
    claim_task(w.uow, task_id=task_id, actor_id=w.ids["approver"])
    return {"task_id": task_id}, {}


def _assign(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"task_id": w.approval_task()}, {"assignee_id": str(w.ids["approver"])}


def _bulk(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"task_ids": [str(w.approval_task())]}


def _quote(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"document_id": w.quote()}, {}


def _order(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"document_id": w.order()}, {}


def _instance(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def make() -> int:
        document_id = w.quote()
        with w.uow:
            return w.uow.processes.for_document(document_id)[0].id

    return {"instance_id": w.shared("instance", make)}, {}


def _incident(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    document_id = w.quote()
    with w.uow:
        instance = w.uow.processes.for_document(document_id)[0]
        open_incident(instance, Failure("RuntimeError: test", None))
        w.uow.commit()
        return {"instance_id": instance.id}, {}


DESIGNERS = frozenset({"admin", "designer"})
APPROVAL = {"process_id": "document_approval"}


def _version(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {**APPROVAL, "number": 1}, {}


def _second_version(w: World) -> int:
    """Deploy a second approval version once (the migration pages need two)."""

    def make() -> int:
        edited = (
            (BPMN_DIR / "document_approval.bpmn")
            .read_bytes()
            .replace(b'name="Approve document"', b'name="Approve the document"')
        )
        files = {"document_approval.bpmn": edited}
        info = deploy_process(
            w.uow, process_id="document_approval", files=files, actor_id=w.ids["admin"]
        )
        return info.version

    return w.shared("second_version", make)


def _migration_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    target = _second_version(w)
    return APPROVAL, {"source": "1", "target": str(target), "mapping": "{}", "action": "dry_run"}


def _migration(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    plan = MigrationPlan("document_approval", 1, _second_version(w), {})
    done = run_migration(w.uow, plan=plan, actor_id=w.ids["admin"])
    return {**APPROVAL, "migration_id": done.migration_id}, {}


def _approval_instance(w: World) -> int:
    task_id = w.approval_task()
    with w.uow:
        return w.uow.tasks.get(task_id).instance_id


def _own_filter(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    row = save_filter(w.uow, actor_id=w.ids[r], name=f"f-{r}", params={"sort": "amount"})
    return {"filter_id": row.id}, {}


def _contact(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"contact_id": w.ids["sameri"]}, {}


def _new_contact(w: World, r: str) -> int:
    return create_contact(
        w.uow, NewContact(name=f"n-{r}", kind="customer"), actor_id=w.ids["admin"]
    )


def _contact_file(fmt: str) -> Callable[[World, str], tuple[dict[str, Any], dict[str, Any]]]:
    return lambda w, r: ({"contact_id": w.ids["sameri"], "fmt": fmt}, {})


def _amount_due(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    day = date(2026, 1, 10)
    posted_invoice(w.uow, w.ids, w.ids["sameri"], "1000", issued=day, due=day)
    return {"contact_id": w.ids["sameri"]}, {"method": "cash"}


def _credit(w: World) -> tuple[int, int]:
    """A payment with 910 left and an open invoice of the customer: (payment, invoice)."""
    day = date(2026, 1, 10)
    c = w.ids["sameri"]
    paid = posted_invoice(w.uow, w.ids, c, "1000", issued=day, due=day)  # 1,090
    payment = pay(w.uow, w.ids, c, "2000", {paid: "1090"}, on=day)
    return payment, posted_invoice(w.uow, w.ids, c, "1000", issued=day, due=day)


def _allocate_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    payment, invoice = _credit(w)
    form = {"source": f"p:{payment}", "document_id": str(invoice), "amount": "100"}
    return {"contact_id": w.ids["sameri"]}, form


def _allocation(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    payment, invoice = _credit(w)
    cmd = NewAllocation(document_id=invoice, amount=Decimal(100), payment_id=payment)
    allocation_id = allocate_credit(w.uow, cmd, actor_id=w.ids["accountant"])
    return {"contact_id": w.ids["sameri"], "allocation_id": allocation_id}, {}


BANK_MAPPING = {"columns": {"date": 1, "amount": 2, "description": 3}}


def _bank_account(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def make() -> int:
        cmd = NewBankAccount(name="بانک آزمون", csv_mapping=BANK_MAPPING)
        return create_bank_account(w.uow, cmd, actor_id=w.ids["admin"])

    return {"bank_account_id": w.shared("bank", make)}, {}


def _bank_csv(r: str) -> bytes:
    return f"2026-11-23,1000,{r} {uuid.uuid4().hex}\n".encode()


def _bank_account_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    form = {"name": f"acc-{r}", "column.date": "1", "column.amount": "2", "delimiter": ","}
    return _bank_account(w, r)[0], form | {"decimal": ".", "calendar": "gregorian"}


def _bank_upload(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    account_id = _bank_account(w, r)[0]["bank_account_id"]
    return {}, {"bank_account_id": str(account_id), "file": (io.BytesIO(_bank_csv(r)), "s.csv")}


def _bank_statement(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    account_id = _bank_account(w, r)[0]["bank_account_id"]
    statement_id = import_statement(
        w.uow, bank_account_id=account_id, content=_bank_csv(r), actor_id=w.ids["admin"]
    )
    return {"statement_id": statement_id}, {}


def _bank_line(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    statement_id = _bank_statement(w, r)[0]["statement_id"]
    found = get_statement(w.uow, statement_id=statement_id, actor_id=w.ids["admin"])
    return {"line_id": found.items[0].id}, {"statement_id": str(statement_id)}


def _bank_line_to_contact(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    values, form = _bank_line(w, r)
    return values, form | {"contact_id": str(w.ids["sameri"])}


def _bank_ignored_line(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    values, form = _bank_line(w, r)
    ignore_line(w.uow, line_id=values["line_id"], actor_id=w.ids["admin"])
    return values, form


def _import_file(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"file": (io.BytesIO(f"name,kind\nimported {r},customer\n".encode()), "c.csv")}


def _type_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    t = get_type(w.uow, code="purchase_quote")
    form = {
        f.name: str(getattr(t, f.name))
        for f in fields(t)
        if not isinstance(getattr(t, f.name), bool)
    }
    form.update({f.name: "1" for f in fields(t) if getattr(t, f.name) is True})
    form["editable_hours"] = form["deletable_hours"] = form["finance_approval_above"] = ""
    form.pop("lock_version")
    return {"code": "purchase_quote"}, form


def _late(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def make() -> int:
        contact_id = w.ids["sameri"]
        day = date(2026, 1, 10)
        posted_invoice(w.uow, w.ids, contact_id, "1000", issued=day, due=day)
        return contact_id

    return {"contact_id": w.shared("late", make)}, {}


def _process(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {"contact_id": [str(_late(w, r)[0]["contact_id"])]}


def _followup_edit(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return _late(w, r)[0], {"mode": "manual", "next_date": "", "responsible_id": ""}


def _followup_send(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return _late(w, r)[0], {"channel": ["email"], "attach_invoices": "1", "action": "send"}


def _level_form(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return {}, {
        "description": f"level {r}",
        "days": "90",
        "channel_email": "1",
        "en_subject": "Pay",
        "en_body": "Please pay {{ total_due }}",
    }


def _level_update(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    with w.uow:
        level = next(lvl for lvl in w.uow.followups.levels() if lvl.days == 7)
        level_id = level.id
    return {"level_id": level_id}, {
        "description": "First reminder",
        "days": "7",
        "channel_email": "1",
        "automatic": "1",
        "is_active": "1",
        "en_subject": "Overdue",
        "en_body": "Pay {{ total_due }}",
    }


def _followed_doc(w: World, r: str) -> tuple[dict[str, Any], dict[str, Any]]:
    document_id = w.draft()
    with w.uow:
        add_followers(w.uow, document_ids=[document_id], contact_id=w.ids["sameri"], origin="x")
        w.uow.commit()
    return {"document_id": document_id, "contact_id": w.ids["sameri"]}, {"body": f"سلام {r}"}


FOLLOWERS = frozenset({"admin", "clerk", "accountant"})  # follow_up (F4-F8)
CONTACT_MANAGERS = frozenset({"admin", "clerk"})  # manage_contacts: a document's followers

EXPECTED: dict[tuple[str, str], Case] = {
    ("home", "GET"): Case(ALL),
    ("account.logout", "POST"): Case(ALL),
    ("account.language", "POST"): Case(ALL, lambda w, r: ({}, {"lang": "fa"})),
    ("account.me", "GET"): Case(ALL),
    # One's own substitutes and notices (issue 12 §7)
    ("account.add_delegation", "POST"): Case(ALL, _substitute_form),
    ("account.remove_delegation", "POST"): Case(ALL, _delegation),
    ("account.notices", "POST"): Case(ALL),
    # The same password again: the role's later sign-ins still work (issue 10 #8).
    ("account.password", "POST"): Case(
        ALL, lambda w, r: ({}, {"current_password": r, "new_password": r})
    ),
    ("cartable.index", "GET"): Case(ALL),
    ("cartable.save_current_filter", "POST"): Case(ALL, lambda w, r: ({}, {"name": "x"})),
    ("cartable.forget_filter", "POST"): Case(ALL, _own_filter),
    ("cartable.bulk_approve", "POST"): Case(APPROVERS, _bulk),
    ("cartable.show", "GET"): Case(APPROVERS, _task),
    ("cartable.claim", "POST"): Case(APPROVERS, _fresh_task),
    ("cartable.unclaim", "POST"): Case(APPROVERS, _held_task),
    ("cartable.assign", "POST"): Case(APPROVERS, _assign),
    ("cartable.complete", "POST"): Case(APPROVERS, _fresh_task),
    ("document_pages.index", "GET"): Case(ALL),
    ("document_pages.new", "GET"): Case(CREATORS),
    ("document_pages.create", "POST"): Case(CREATORS, _new_doc_form),
    ("document_pages.totals", "POST"): Case(ALL, _new_doc_form),
    ("document_pages.show", "GET"): Case(ALL, _doc),
    ("document_pages.edit", "GET"): Case(EDITORS, _doc),
    ("document_pages.update", "POST"): Case(EDITORS, _edit_form),
    ("document_pages.delete", "POST"): Case(EDITORS, _fresh_doc),
    ("document_pages.submit", "POST"): Case(EDITORS, _fresh_doc),
    ("document_pages.confirm", "POST"): Case(
        SELLERS, lambda w, r: ({"document_id": w.quote()}, {})
    ),
    ("document_pages.deliver", "POST"): Case(
        SELLERS, lambda w, r: ({"document_id": w.order()}, {})
    ),
    ("document_pages.cancel", "POST"): Case(CREATORS, _fresh_doc),
    ("process_pages.show", "GET"): Case(ALL, _instance),
    ("process_pages.diagram", "GET"): Case(ALL, _instance),
    # Retrying an incident: design_processes (issue 11 §3)
    ("process_pages.retry", "POST"): Case(frozenset({"admin", "designer"}), _incident),
    ("process_pages.incidents", "GET"): Case(frozenset({"admin", "designer"})),
    # The designer's pages and the cockpit: design_processes (issue 13)
    ("process_design_pages.index", "GET"): Case(DESIGNERS),
    ("process_design_pages.version", "GET"): Case(DESIGNERS, _version),
    ("process_design_pages.activity", "GET"): Case(DESIGNERS, _version),
    ("process_design_pages.download", "GET"): Case(DESIGNERS, _version),
    ("process_design_pages.diff", "GET"): Case(
        DESIGNERS, lambda w, r: ({**APPROVAL, "from": 1, "to": 1}, {})
    ),
    ("process_design_pages.migrations", "GET"): Case(DESIGNERS, lambda w, r: (APPROVAL, {})),
    ("process_design_pages.migrations", "POST"): Case(DESIGNERS, _migration_form),
    ("process_design_pages.revert", "POST"): Case(DESIGNERS, _migration),
    ("process_design_pages.modeler", "GET"): Case(DESIGNERS, lambda w, r: (APPROVAL, {})),
    ("modeler_json.draft", "GET"): Case(DESIGNERS, lambda w, r: (APPROVAL, {})),
    ("modeler_json.draft", "PUT"): Case(DESIGNERS, lambda w, r: (APPROVAL, {}), xml=True),
    ("modeler_json.validate", "POST"): Case(DESIGNERS, lambda w, r: (APPROVAL, {}), xml=True),
    ("modeler_json.deploy", "POST"): Case(DESIGNERS, lambda w, r: (APPROVAL, {}), xml=True),
    ("cockpit_pages.cockpit", "GET"): Case(DESIGNERS),
    ("cockpit_pages.cancel_form", "GET"): Case(
        DESIGNERS,
        lambda w, r: ({"instance_id": w.shared("approving", lambda: _approval_instance(w))}, {}),
    ),
    ("cockpit_pages.cancel", "POST"): Case(
        DESIGNERS, lambda w, r: ({"instance_id": _approval_instance(w)}, {"reason": "test"})
    ),
    ("admin.index", "GET"): Case(ADMIN),
    ("admin.users", "GET"): Case(ADMIN),
    ("admin.create", "POST"): Case(
        ADMIN, lambda w, r: ({}, {"username": f"u_{r}", "password": "secret", "roles": ["viewer"]})
    ),
    ("admin.update", "POST"): Case(
        ADMIN,
        lambda w, r: ({"user_id": w.ids["viewer"]}, {"roles": ["viewer"], "is_active": "1"}),
    ),
    ("admin.roles", "GET"): Case(ADMIN),
    ("admin.add_role", "POST"): Case(
        ADMIN, lambda w, r: ({}, {"code": f"r_{r}", "name": "R", "permissions": ["view_all"]})
    ),
    ("admin.edit_role", "POST"): Case(
        ADMIN, lambda w, r: ({"code": "viewer"}, {"name": "Viewer", "permissions": ["view_all"]})
    ),
    ("admin.types", "GET"): Case(ADMIN),
    ("admin.type_form", "GET"): Case(ADMIN, lambda w, r: ({"code": "sales_invoice"}, {})),
    ("admin.save_type", "POST"): Case(ADMIN, _type_form),
    ("admin.audit", "GET"): Case(ADMIN),
    # The working calendar: manage_calendar (issue 12 §6)
    ("calendar_pages.index", "GET"): Case(ADMIN),
    ("calendar_pages.save_week", "POST"): Case(ADMIN, lambda w, r: ({}, _week_form())),
    ("calendar_pages.add", "POST"): Case(
        ADMIN, lambda w, r: ({}, {"date": f"1406/01/{ROLES.index(r) + 1:02d}", "name": "نوروز"})
    ),
    ("calendar_pages.delete", "POST"): Case(ADMIN, _holiday),
    # Payment terms: manage_types (issue 14 §3, §4)
    ("term_pages.index", "GET"): Case(ADMIN),
    ("term_pages.create", "POST"): Case(
        ADMIN, lambda w, r: ({}, {"name": f"n-{r}", "lines-0-value": "balance"})
    ),
    ("term_pages.edit", "GET"): Case(ADMIN, _term),
    ("term_pages.save", "POST"): Case(ADMIN, _term),
    ("term_pages.delete", "POST"): Case(ADMIN, _term),
    ("print_pages.show", "GET"): Case(ALL, _doc),
    ("print_pages.pdf", "GET"): Case(ALL, _doc),
    ("report_pages.index", "GET"): Case(VIEW_ALL),
    ("report_pages.xlsx", "GET"): Case(VIEW_ALL, lambda w, r: ({"name": "ageing"}, {})),
    ("report_pages.followup", "GET"): Case(VIEW_ALL, lambda w, r: ({"fmt": "xlsx"}, {})),
    # Emailing customers their statements: who works their accounts (F9)
    ("contact_pages.statement_send", "POST"): Case(
        frozenset({"admin", "clerk", "accountant"}),
        lambda w, r: ({"contact_id": w.ids["sameri"]}, {"recipient": f"{r}@example.com"}),
    ),
    ("contact_pages.statements_send", "POST"): Case(
        frozenset({"admin", "clerk", "accountant"}), lambda w, r: ({}, {"format": "xlsx"})
    ),
    # Emailing a customer report: view_all and a sender's permission (F10)
    ("report_pages.followup_send", "POST"): Case(
        frozenset({"admin", "accountant"}),
        lambda w, r: ({}, {"recipient": f"{r}@example.com", "format": "pdf"}),
    ),
    ("contact_pages.index", "GET"): Case(LEDGER_READERS),
    ("contact_pages.show", "GET"): Case(LEDGER_READERS, _contact),
    ("contact_pages.pay_due", "POST"): Case(PAYERS, _amount_due),
    ("allocation_pages.allocate", "POST"): Case(PAYERS, _allocate_form),
    ("allocation_pages.undo", "POST"): Case(PAYERS, _allocation),
    # Bank statements (F2, issue 14 §7): record_payments
    ("bank_pages.index", "GET"): Case(PAYERS),
    ("bank_pages.create_account", "POST"): Case(PAYERS, lambda w, r: ({}, {"name": f"b-{r}"})),
    ("bank_pages.account", "GET"): Case(PAYERS, _bank_account),
    ("bank_pages.save_account", "POST"): Case(PAYERS, _bank_account_form),
    ("bank_pages.upload", "POST"): Case(PAYERS, _bank_upload),
    ("bank_pages.statement", "GET"): Case(PAYERS, _bank_statement),
    ("bank_pages.confirm", "POST"): Case(PAYERS, _bank_statement),
    ("bank_pages.match", "POST"): Case(PAYERS, _bank_line_to_contact),
    ("bank_pages.ignore", "POST"): Case(PAYERS, _bank_line),
    ("bank_pages.reopen", "POST"): Case(PAYERS, _bank_ignored_line),
    ("contact_pages.statement", "GET"): Case(LEDGER_READERS, _contact_file("xlsx")),
    ("contact_pages.statements", "GET"): Case(LEDGER_READERS, lambda w, r: ({"fmt": "xlsx"}, {})),
    ("contact_pages.export", "GET"): Case(LEDGER_READERS, lambda w, r: ({"fmt": "csv"}, {})),
    ("contact_pages.import_", "POST"): Case(SELLERS, _import_file),
    # The contact form and customer groups: manage_contacts (issue 14 §8)
    ("contact_forms.new", "GET"): Case(CONTACT_MANAGERS),
    ("contact_forms.create", "POST"): Case(
        CONTACT_MANAGERS, lambda w, r: ({}, {"name": f"c-{r}", "kind": "customer"})
    ),
    ("contact_forms.edit", "GET"): Case(CONTACT_MANAGERS, _contact),
    ("contact_forms.save", "POST"): Case(
        CONTACT_MANAGERS,
        lambda w, r: (
            {"contact_id": _new_contact(w, r)},
            {"name": f"e-{r}", "kind": "both"},
        ),
    ),
    ("contact_forms.groups", "GET"): Case(CONTACT_MANAGERS),
    ("contact_forms.groups_save", "POST"): Case(
        CONTACT_MANAGERS, lambda w, r: ({}, {"name": f"g-{r}"})
    ),
    ("followup_pages.index", "GET"): Case(FOLLOWERS),
    ("followup_pages.process", "POST"): Case(FOLLOWERS, _process),
    ("followup_pages.show", "GET"): Case(FOLLOWERS, _late),
    ("followup_pages.edit", "POST"): Case(FOLLOWERS, _followup_edit),
    ("followup_pages.send", "POST"): Case(FOLLOWERS, _followup_send),
    ("followup_pages.levels", "GET"): Case(FOLLOWERS),
    ("followup_pages.level_create", "POST"): Case(ADMIN, _level_form),
    ("followup_pages.level_update", "POST"): Case(ADMIN, _level_update),
    # A document's followers (F1): manage_contacts; writing to them: or follow_up
    ("follower_pages.add", "POST"): Case(
        CONTACT_MANAGERS, lambda w, r: (_doc(w, r)[0], {"contact_id": str(w.ids["sameri"])})
    ),
    ("follower_pages.remove", "POST"): Case(CONTACT_MANAGERS, _followed_doc),
    ("follower_pages.post", "POST"): Case(FOLLOWERS, _followed_doc),
}


def _page_routes(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(NOT_PAGES) or rule.endpoint in PUBLIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method))
    return sorted(found)


@pytest.fixture
def world(app: Flask, uow: UnitOfWork, ids: dict[str, int]) -> World:
    for name, role in (("designer", "designer"), ("viewer", "viewer")):
        create_user(uow, username=name, password=name, roles=[role])
    with uow:
        all_ids = {u.username: u.id for u in uow.session.scalars(select(User))}
        # Every route gets its own invoices of this customer, and submitted ones count
        # toward the credit limit (issue 14 §5): no limit here, this tests who may.
        uow.contacts.get(ids["sameri"]).credit_limit = None
        uow.commit()
    return World(app, uow, {**ids, **all_ids})


def test_every_page_route_has_an_expectation(app: Flask) -> None:
    missing = [route for route in _page_routes(app) if route not in EXPECTED]
    assert not missing, f"add these routes to EXPECTED in {__file__}: {missing}"
    stale = [route for route in EXPECTED if route not in _page_routes(app)]
    assert not stale, f"these routes no longer exist: {stale}"


def test_pages_need_a_session(app: Flask, world: World) -> None:
    client = UiClient(app)
    client.get("/login")
    for endpoint, method in _page_routes(app):
        values, data = EXPECTED[(endpoint, method)].setup(world, "admin")
        with app.test_request_context():
            url = url_for(endpoint, **values)
        if method != "GET":
            client.get("/login")  # a fresh token (sign-out clears the session)
        response = _send(client, method, url, EXPECTED[(endpoint, method)], data)
        if endpoint == "home":
            assert response.headers["Location"].endswith("/login"), endpoint
            continue
        if endpoint in SESSIONLESS:
            continue
        assert response.status_code == 302, (endpoint, response.status_code)
        assert "/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app: Flask, world: World, role: str) -> None:
    client = UiClient(app, role)
    wrong = []
    for endpoint, method in _page_routes(app):
        case = EXPECTED[(endpoint, method)]
        values, data = case.setup(world, role)
        with app.test_request_context():
            url = url_for(endpoint, **values)
        if method != "GET":
            client.get("/cartable")  # a fresh token (logout and language reset the session)
        response = _send(client, method, url, case, data)
        if endpoint == "account.logout":
            client.login(role)
        status = response.status_code
        location = response.headers.get("Location", "")
        if role in case.allowed:
            ok = status in (200, 201, 204, 302, 303) and (
                "/login" not in location or endpoint in SESSIONLESS
            )
        else:
            ok = status == 403
        if not ok:
            wrong.append((endpoint, method, status, location))
    assert not wrong, f"{role}: {wrong}"
