"""web/ (its Python, templates and scripts) spells no BPMN element id, decision or lane
(issue 11 §1, issue 12 §1).

Which steps exist, which decisions they take and which lanes there are come from the
diagrams' declarations (engine.workflow.declarations). web/ui/labels.py may key
translations by a lane value; a page may ask whether a document command (``"confirm" in
actions``) is allowed, since those commands are the API's paths. Nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.domain.steps import StepAction
from engine.workflow.declarations import read_declarations

ROOT = Path(__file__).resolve().parents[2]
STEPS = read_declarations({p.name: p.read_bytes() for p in (ROOT / "bpmn").glob("*.bpmn")})
WEB = ROOT / "web"
SUFFIXES = {".py", ".html", ".js"}
TRANSLATIONS = WEB / "ui" / "labels.py"


def _web_files() -> list[Path]:
    return sorted(
        p
        for p in WEB.rglob("*")
        if p.suffix in SUFFIXES and p.is_file() and "translations" not in p.parts
    )


def _words() -> set[str]:
    decisions = {d.value for s in STEPS.steps.values() for d in s.decisions}
    return decisions | set(STEPS.lanes)


def _literal() -> re.Pattern[str]:
    """A quoted decision or lane: ``"approve"``, ``'author'``."""
    words = "|".join(map(re.escape, sorted(_words())))
    return re.compile(r"""(["'])(""" + words + r""")\1""")


@pytest.mark.parametrize("element_id", sorted(STEPS.steps))
def test_no_element_id_in_web(element_id: str) -> None:
    """Issue 11 §1: a shipped user task's id appears nowhere in web/ (labels included)."""
    pattern = re.compile(rf"\b{re.escape(element_id)}\b")
    found = [str(p.relative_to(ROOT)) for p in _web_files() if pattern.search(p.read_text("utf-8"))]
    assert found == []


def test_no_decision_or_lane_literal_in_web() -> None:
    """Issue 11 §1 (C2): decisions and lanes reach pages and routes only from the registry."""
    literal = _literal()
    commands = {a.value for a in StepAction}
    found = []
    for path in _web_files():
        if path == TRANSLATIONS:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for match in literal.finditer(line):
                word = match.group(2)
                rest = line[match.end() :].lstrip()
                if word in commands and rest.startswith("in actions"):
                    continue  # the document command's button (its API path)
                found.append(f"{path.relative_to(ROOT)}:{number}: {word}")
    assert found == []


def test_scan_reads_templates() -> None:
    """The scan covers the page templates, where buttons were once spelled (issue 12)."""
    assert any(p.suffix == ".html" and "templates" in p.parts for p in _web_files())
    assert STEPS.steps and STEPS.lanes  # the shipped diagrams declare what is scanned for


def test_scan_sees_a_literal() -> None:
    """The scan above finds what it looks for (guards against a vacuous pattern)."""
    literal = _literal()
    assert literal.search('decision="approve"')
    assert literal.search("t.cartable != 'author'")
    assert not literal.search('"approved"')
