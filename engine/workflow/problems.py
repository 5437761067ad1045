"""Pin a deployment error on the diagram element it is about (issue 13 §2).

The parser's and the declarations' messages name the file and the line
(``document_approval.bpmn: line 80: ...``), and often the element id in quotes. The
modeler draws each message on its element, so the id is read back from the XML: the
element with an id that starts on that line (or encloses it), else an id the message
quotes.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

_LINE = re.compile(r": line (\d+):")
_QUOTED = re.compile(r"'([A-Za-z_][\w.-]*)'")


def element_of_message(xml: bytes, message: str) -> str | None:
    """Return the id of the element ``message`` is about in ``xml``, or None."""
    root = _root(xml)
    if root is None:
        return None
    ids = {node.get("id"): node for node in root.iter() if _has_bpmn_id(node)}
    match = _LINE.search(message)
    if match:
        found = _at_line(root, int(match.group(1)))
        if found is not None:
            return found
    for quoted in _QUOTED.findall(message):
        if quoted in ids:
            return str(quoted)
    return None


def _root(xml: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return None


def _has_bpmn_id(node: Any) -> bool:
    """Tell whether ``node`` is a BPMN model element with an id (not DI, not extensions)."""
    if not isinstance(node.tag, str) or node.get("id") is None:
        return False
    return bool(etree.QName(node).namespace == "http://www.omg.org/spec/BPMN/20100524/MODEL")


def _at_line(root: Any, line: int) -> str | None:
    """Return the id of the BPMN element starting on ``line``, or of the one enclosing it."""
    best = None
    for node in root.iter():
        if not isinstance(node.tag, str) or node.sourceline is None or node.sourceline > line:
            continue
        best = node  # the last element starting at or before the line
    while best is not None and not _has_bpmn_id(best):
        best = best.getparent()
    if best is None or etree.QName(best).localname in ("definitions", "process"):
        return None
    return str(best.get("id"))
