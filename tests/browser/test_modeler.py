"""The process modeler in a real browser, in Persian (issue 13 §2, Done when): a designer
opens the approval process, adds a user task in a new lane with two decisions through
the properties panel, validates and deploys; a new invoice then waits in that step's
cartable with those two buttons, while an invoice started before stays on the old
version until the dry-run-then-migrate flow moves it, and Revert moves it back."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import sign_in
from tests.browser.test_journeys import create_i7_invoice

MODELER = "/processes/document_approval/modeler"
PANEL = "#modeler-properties"


def shape(page: Page, element_id: str) -> Locator:
    """The drawn element (its SVG group) of a BPMN element id on the canvas."""
    return page.locator(f"#modeler-canvas .djs-element[data-element-id='{element_id}']").first


def click_at(page: Page, target: Locator, x: float = 0.5, y: float = 0.5) -> None:
    """Click a point of the element's box (a fraction of its width and height)."""
    box = target.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)


def context_action(page: Page, action: str) -> None:
    page.locator(f".djs-context-pad .entry[data-action='{action}']").click()


def open_group(page: Page, group: str) -> None:
    """Expand a properties-panel group (they start closed)."""
    header = page.locator(
        f"{PANEL} [data-group-id='group-{group}'] .bio-properties-panel-group-header"
    )
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def fill(page: Page, entry: str, value: str) -> None:
    """Type into a panel entry and leave it (leaving commits at once)."""
    field = page.locator(f"#bio-properties-panel-{entry}")
    field.fill(value)
    field.press("Tab")


def add_lane(page: Page) -> str:
    """Add a lane below the numbering lane through the context pad; return its id."""
    before = set(_lane_ids(page))
    select(page, "numbering", 0.5, 0.95)
    context_action(page, "lane-insert-below")
    (lane_id,) = set(_lane_ids(page)) - before
    return lane_id


def _lane_ids(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#modeler-canvas .djs-element.djs-shape[data-element-id]",
        "els => els.map(e => e.dataset.elementId).filter(id => id.startsWith('Lane_'))",
    )


def describe_lane(page: Page, lane_id: str) -> None:
    """Name the lane (the cartable's code), label it and give it the approver role."""
    select(page, lane_id, 0.08, 0.5)
    open_group(page, "general")
    fill(page, "name", "review")
    open_group(page, "cartable-names")
    fill(page, "label-fa", "بازبینی")
    open_group(page, "cartable-lane")
    page.locator(f"{PANEL} #bio-properties-panel-role-approver").check()


def add_user_task(page: Page, lane_id: str) -> None:
    """Create a task in the lane from the palette, make it a user task and name it."""
    page.locator(".djs-palette .entry[data-action='create.task']").click()
    box = shape(page, lane_id).bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    page.keyboard.type("Review invoice")
    page.keyboard.press("Enter")  # ends the label's editing
    # The new task stays selected after its label, and its replacement after the menu.
    context_action(page, "replace")
    page.locator(".djs-popup [data-id='replace-with-user-task']").click()
    expect(page.locator(f"{PANEL} .bio-properties-panel-header-type")).to_have_text("کار کاربر")
    open_group(page, "general")
    fill(page, "id", "review_invoice")
    open_group(page, "cartable-names")
    fill(page, "label-fa", "بازبینی فاکتور")


def add_decision(page: Page, number: int, decision: str, fa: str) -> None:
    """Add a decision in the panel: its Persian and English labels, then its id."""
    group = page.locator(f"{PANEL} [data-group-id='group-cartable-decisions']")
    group.locator(".bio-properties-panel-add-entry").first.click()
    item = f"decision-decision_{number}"
    fill(page, f"{item}-label-fa", fa)
    fill(page, f"{item}-label-en", decision.title())
    fill(page, f"{item}-id", decision)


def deselect(page: Page) -> None:
    """Click an empty corner of the canvas until nothing is selected, so that no context
    pad lies over the next element clicked (a click ending a drag can be swallowed)."""
    selected = page.locator("#modeler-canvas .djs-element.selected")
    for _attempt in range(3):
        if selected.count() == 0:
            return
        click_at(page, page.locator("#modeler-canvas"), 0.75, 0.92)
    expect(selected).to_have_count(0)


def select(page: Page, element_id: str, x: float = 0.5, y: float = 0.5) -> None:
    """Select one element by clicking it on the canvas."""
    deselect(page)
    click_at(page, shape(page, element_id), x, y)
    expect(shape(page, element_id)).to_have_class(re.compile(r"\bselected\b"))


def connect(page: Page, source: str, target: str) -> None:
    select(page, source)
    context_action(page, "connect")
    click_at(page, shape(page, target))


def route_through_review(page: Page) -> None:
    """Put the new step between marking awaiting approval and approving."""
    select(page, "flow_to_approve")
    context_action(page, "delete")
    connect(page, "mark_awaiting_approval", "review_invoice")
    connect(page, "review_invoice", "approve_document")


def instance_row(page: Page, document_id: int) -> Locator:
    page.goto(f"/process-instances?process_id=document_approval&document_id={document_id}")
    return page.locator("#instances tr[data-instance]")


def test_a_designer_adds_a_step_deploys_it_and_migrates_an_older_invoice(
    new_page: Callable[[], Page],
) -> None:
    clerk, designer, approver = new_page(), new_page(), new_page()
    sign_in(clerk, "clerk")
    older = create_i7_invoice(clerk)  # waits in approval on version 1

    sign_in(designer, "admin")
    designer.goto("/processes")
    designer.locator("#process-document_approval a.open-modeler").click()
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-ready", "true")
    assert designer.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(designer.locator(".bjsl-button")).to_contain_text("هشدار")  # bpmnlint, translated

    lane_id = add_lane(designer)
    describe_lane(designer, lane_id)
    add_user_task(designer, lane_id)
    open_group(designer, "cartable-decisions")
    add_decision(designer, 1, "accept", "پذیرش")
    add_decision(designer, 2, "escalate", "ارجاع به مدیر")
    route_through_review(designer)

    designer.locator("#save-draft").click()
    expect(designer.locator("#modeler-status")).to_have_attribute("data-kind", "success")
    designer.reload()  # the draft survives a reload
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-ready", "true")
    expect(shape(designer, "review_invoice")).to_be_visible()

    designer.locator("#validate-diagram").click()
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-valid", "true")
    designer.locator("#deploy-comment").fill("a review step")
    designer.locator("#deploy-diagram").click()
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-deployed", "2")

    newer = create_i7_invoice(clerk)
    sign_in(approver, "approver")
    approver.goto("/cartable?cartable=review")
    row = approver.locator(f"tr[data-document-id='{newer}']")
    expect(row.locator("button[name=decision]")).to_have_count(2)
    expect(row.locator("button[name=decision][value=accept]")).to_have_text("پذیرش")
    expect(row.locator("button[name=decision][value=escalate]")).to_have_text("ارجاع به مدیر")
    expect(approver.locator(f"tr[data-document-id='{older}']")).to_have_count(0)

    expect(instance_row(designer, older)).to_have_attribute("data-version", "1")
    designer.goto("/processes/document_approval/migrations")
    designer.locator("#dry-run").click()
    expect(designer.locator("#migration-result tr[data-movable=true]")).to_have_count(1)
    expect(instance_row(designer, older)).to_have_attribute("data-version", "1")  # dry run
    designer.goto("/processes/document_approval/migrations")
    designer.locator("#migrate").click()
    expect(designer.locator(".msg-success")).to_be_visible()
    expect(instance_row(designer, older)).to_have_attribute("data-version", "2")

    designer.goto("/processes/document_approval/migrations")
    designer.locator("#past-migrations button.revert").click()
    expect(designer.locator(".msg-success")).to_be_visible()
    expect(instance_row(designer, older)).to_have_attribute("data-version", "1")


def test_operator_parameters_conditions_and_names_round_trip_through_the_draft(
    new_page: Callable[[], Page],
) -> None:
    """Issue 13 §2, §3: what the panel edits is written as docs/bpmn.md says, and passes
    the server's validation."""
    designer = new_page()
    sign_in(designer, "admin")
    designer.goto(MODELER)
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-ready", "true")

    select(designer, "take_number")
    open_group(designer, "cartable-operator")
    designer.locator(f"{PANEL} #bio-properties-panel-operator").select_option("post_document")
    open_group(designer, "cartable-parameters")
    designer.locator(
        f"{PANEL} [data-group-id='group-cartable-parameters'] .bio-properties-panel-add-entry"
    ).first.click()
    fill(designer, "parameter-0-value", "total")
    select(designer, "approval_decision")
    open_group(designer, "cartable-names")
    fill(designer, "label-ar", "هل وافق؟")
    select(designer, "flow_approval_approved", x=0.2)  # its middle carries the label
    open_group(designer, "cartable-condition")
    fill(designer, "condition", 'decision == "approve" and True')
    select(designer, "approve_document")
    open_group(designer, "cartable-step")
    fill(designer, "assignee", "owner(contact_id)")
    designer.locator(f"{PANEL} #bio-properties-panel-four_eyes").select_option("true")
    designer.locator("#save-draft").click()
    expect(designer.locator("#modeler-status")).to_have_attribute("data-kind", "success")

    xml = designer.request.get(
        "/processes/document_approval/modeler/draft", headers={"Accept": "application/json"}
    ).json()["xml"]
    assert '<spiffworkflow:serviceTaskOperator id="post_document">' in xml
    assert '<spiffworkflow:parameter id="param_1" type="str" value="total" />' in xml
    assert '<spiffworkflow:property name="label.ar" value="هل وافق؟" />' in xml
    assert '<spiffworkflow:property name="assignee" value="owner(contact_id)" />' in xml
    assert '<spiffworkflow:property name="four_eyes" value="true" />' in xml
    condition = etree.fromstring(xml.encode()).xpath(
        "//bpmn:sequenceFlow[@id='flow_approval_approved']/bpmn:conditionExpression/text()",
        namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"},
    )
    assert condition == ['decision == "approve" and True']
    designer.locator("#validate-diagram").click()
    expect(designer.locator("[data-modeler]")).to_have_attribute("data-valid", "true")
