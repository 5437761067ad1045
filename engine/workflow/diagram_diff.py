"""Compare two BPMN diagrams element by element (issue 13 §1).

Both files are untrusted XML, parsed as for deployment (no DTD, no entities, no
network). Elements of the BPMN model namespace are matched by id; the diagram
interchange (shapes, edges, positions) is left out, so moving a box is no change. An
element changed when its tag, name, other attributes or own content differ: its
extension elements and the children that carry no id of their own (a condition, a
timer's expression, incoming and outgoing references).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.workflow.declarations import NSMAP
from engine.workflow.parsing import parse_xml

_MODEL = NSMAP["bpmn"]


@dataclass(frozen=True)
class ElementChange:
    """One element added, removed or changed; ``changes`` names what differs."""

    id: str
    tag: str
    name: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiagramDiff:
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]


def diff_diagrams(old_name: str, old: bytes, new_name: str, new: bytes) -> DiagramDiff:
    """Return the model elements added, removed and changed from ``old`` to ``new``.

    Raises ValidationFailed on field ``bpmn`` if either file is malformed or has a DOCTYPE.
    """
    before = _elements(parse_xml(old_name, old))
    after = _elements(parse_xml(new_name, new))
    return DiagramDiff(
        added=tuple(_change(after[i]) for i in after if i not in before),
        removed=tuple(_change(before[i]) for i in before if i not in after),
        changed=tuple(
            _change(after[i], diffs)
            for i in before
            if i in after and (diffs := _differences(before[i], after[i]))
        ),
    )


def _elements(root: Any) -> dict[str, Any]:
    """Map id -> element for every element of the BPMN model namespace, in file order."""
    return {
        node.get("id"): node
        for node in root.iter(f"{{{_MODEL}}}*")
        if node.get("id") and node is not root
    }


def _change(node: Any, changes: tuple[str, ...] = ()) -> ElementChange:
    tag = etree.QName(node).localname
    return ElementChange(node.get("id"), tag, node.get("name") or "", changes)


def _differences(old: Any, new: Any) -> tuple[str, ...]:
    found: list[str] = []
    if old.tag != new.tag:
        found.append("tag")
    if (old.get("name") or "") != (new.get("name") or ""):
        found.append("name")
    attributes = sorted(
        key
        for key in set(old.attrib) | set(new.attrib)
        if key not in ("id", "name") and old.get(key) != new.get(key)
    )
    found.extend(f"@{etree.QName(key).localname}" for key in attributes)
    if _content(old, "extensionElements") != _content(new, "extensionElements"):
        found.append("extensionElements")
    if _content(old, None) != _content(new, None):
        found.append("content")
    return tuple(found)


def _content(node: Any, only: str | None) -> list[bytes]:
    """Canonical XML of the children without an id: the extension elements, or the rest."""
    return [
        etree.tostring(child, method="c14n", exclusive=True)
        for child in node
        if isinstance(child.tag, str)
        and child.get("id") is None
        and (etree.QName(child).localname == "extensionElements") == (only is not None)
    ]
