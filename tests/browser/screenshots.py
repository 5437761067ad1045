"""`make screenshots`: PNGs of the main pages in Persian and English for docs/screenshots/.

Runs the app on a throw-away SQLite database with the demo data and one I7 invoice
waiting in the approval cartable, and photographs the pages with Debian's chromium.
"""

from __future__ import annotations

import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.services.cartable.tasks import complete_task
from engine.services.documents.commands import NewDocument, create_document, submit_document
from engine.services.documents.content import Content, LineCommand
from engine.services.processes.deployment import BPMN_DIR, deploy_process
from engine.services.setup.bootstrap import ensure_defaults
from engine.services.setup.demo import load_demo
from engine.services.unit_of_work import UnitOfWork
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serve, sign_in

PAGES = (
    ("cartable", "/cartable"),
    ("documents", "/documents"),
    ("document", "/documents/{document_id}"),
    ("new-invoice", "/documents/new?type=sales_invoice"),
    ("contact-form", "/contacts/new"),
    ("task", "/tasks/{task_id}"),
    ("admin-types", "/admin/types/sales_invoice"),
    ("admin-users", "/admin/users"),
    ("admin-roles", "/admin/roles"),
    ("processes", "/processes"),
    ("process-version", "/processes/document_approval/versions/1"),
    ("process-diff", "/processes/document_approval/diff?from=1&to=2"),
    ("process-instances", "/process-instances"),
    ("process-migrations", "/processes/document_approval/migrations"),
    ("process-modeler", "/processes/document_approval/modeler"),
)


def seed(database_url: str) -> dict[str, int]:
    """Migrate, load the demo and send the I7 invoice to approval; return its ids."""
    engine = make_engine(database_url)
    upgrade(engine)
    uow = UnitOfWork(make_session_factory(engine))
    ensure_defaults(uow)
    load_demo(uow)
    with uow:
        clerk = uow.users.by_username("clerk")
        users = {u: uow.users.by_username(u) for u in ("admin", "approver", "numberer")}
        contact = next(c for c in uow.contacts.list() if c.name == "علیرضا سامری")
        desk = next(p for p in uow.products.list() if p.name == "میز قابل تنظیم")
        assert clerk is not None
        ids = {"clerk": clerk.id, "contact": contact.id, "desk": desk.id}
        ids.update({name: user.id for name, user in users.items() if user is not None})
    content = Content(lines=[LineCommand(product_id=ids["desk"], quantity=Decimal(1))])
    document_id = create_document(
        uow,
        NewDocument(type_code="sales_invoice", contact_id=ids["contact"], content=content),
        actor_id=ids["clerk"],
    )
    submit_document(uow, document_id=document_id, actor_id=ids["clerk"])
    finish_one(uow, ids, content)
    edited = (BPMN_DIR / "document_approval.bpmn").read_bytes()
    edited = edited.replace(b'name="Approve document"', b'name="Approve the document"')
    deploy_process(
        uow,
        process_id="document_approval",
        files={"document_approval.bpmn": edited},
        actor_id=ids["admin"],
        comment="step renamed",
    )
    with uow:
        task = uow.tasks.open_of_document(document_id)[0]
        return {"document_id": document_id, "task_id": task.id}


def finish_one(uow: UnitOfWork, ids: dict[str, int], content: Content) -> None:
    """Take a second invoice through approval and numbering: a finished instance (issue 13)."""
    new = NewDocument(type_code="sales_invoice", contact_id=ids["contact"], content=content)
    document_id = create_document(uow, new, actor_id=ids["clerk"])
    submit_document(uow, document_id=document_id, actor_id=ids["clerk"])
    for user in ("approver", "numberer"):
        with uow:
            task_id = uow.tasks.open_of_document(document_id)[0].id
        complete_task(uow, task_id=task_id, actor_id=ids[user], decision="approve")


def shoot(page: Page, out: Path, lang: str, ids: dict[str, int]) -> None:
    page.locator(f"form.langswitch button[value={lang}]").click()
    page.wait_for_load_state()
    for name, path in PAGES:
        page.goto(path.format(**ids))
        page.wait_for_load_state("networkidle")
        if page.locator("[data-bpmn-instance]").count():
            page.wait_for_selector("[data-bpmn-instance][data-ready]")
        if page.locator("[data-bpmn-activity]").count():
            page.wait_for_selector("[data-bpmn-activity][data-ready]")
        if page.locator("[data-modeler]").count():
            page.wait_for_selector("[data-modeler][data-ready]")
            page.locator("[data-element-id='approve_document']").first.click()
            page.locator(
                "[data-group-id='group-cartable-decisions'] .bio-properties-panel-group-header"
            ).click()
        page.screenshot(path=str(out / f"{name}-{lang}.png"), full_page=True)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/screens.db"
        ids = seed(url)
        server = serve(url, Path(tmp))
        base = next(server)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    base_url=base, viewport={"width": 1280, "height": 800}
                )
                page = context.new_page()
                sign_in(page, "admin")
                for lang in ("fa", "en"):
                    shoot(page, out, lang, ids)
                page.locator("form.langswitch button[value=fa]").click()
                browser.close()
        finally:
            next(server, None)
    for png in sorted(out.glob("*.png")):
        sys.stdout.write(f"{png}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
