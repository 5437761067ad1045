"""No message channel or status is spelled outside engine/domain/messages.py (issue 11 §1).

Code and pages take ``Channel`` and ``MessageStatus`` (and the worker's ``SendOutcome``)
from engine/domain/messages.py; templates get them as Jinja globals. The same words mean
other things elsewhere ("email" a contact's address and an activity, "sms" the short text
of a level, "delivered" a document state, "sent" a report counter), so the scan looks for
a word where it stands for a message's channel or status:

- Python: compared with, passed as, assigned to or keyed as a ``channel``, ``status`` or
  ``outcome``; two or more such words in one tuple, list or set; and "queued" and
  "sending" anywhere, which mean nothing else.
- Templates: a quoted word on a line that speaks of a channel or a status.

Allowed: engine/domain (the home), migrations (history), the translations (web/ui/labels.py
and the catalogues key labels by the stored value).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.domain.messages import Channel, MessageStatus, SendOutcome

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("engine", "notifications", "web")
ALLOWED = (
    "engine/domain/",
    "engine/migrations/",
    "web/ui/labels.py",
    "web/translations/",
    "web/ui/static/",
)
CHANNELS = frozenset(Channel)
STATUSES = frozenset(MessageStatus) | frozenset(SendOutcome)
WORDS = CHANNELS | STATUSES
ONLY_STATUSES = frozenset({MessageStatus.QUEUED, MessageStatus.SENDING})
CONTEXT = re.compile(r"channel|status|outcome")


def _files(suffix: str) -> list[Path]:
    found = []
    for top in SCANNED:
        for path in (ROOT / top).rglob(f"*{suffix}"):
            relative = path.relative_to(ROOT).as_posix()
            if path.is_file() and not relative.startswith(ALLOWED):
                found.append(path)
    return sorted(found)


def _word(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in WORDS:
        return node.value
    return None


def _names(node: ast.AST) -> str:
    """The identifiers an expression reads (``m.status`` -> ``m status``), lower case."""
    parts = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            parts.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            parts.append(sub.attr)
        elif isinstance(sub, ast.arg):
            parts.append(sub.arg)
    return " ".join(parts).lower()


def _class_names(node: ast.ClassDef) -> str:
    return " ".join([node.name.lower(), *(_names(base) for base in node.bases)])


def _collected(node: ast.AST) -> Iterator[str]:
    """The words of a collection, looking into the tuples it holds (``(("email", x), ...)``)."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        for element in node.elts:
            yield from _collected(element)
    elif word := _word(node):
        yield word


def _elements(node: ast.AST) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]


def python_literals(source: str) -> Iterator[tuple[int, str]]:
    """Yield (line, word) for each channel or status literal the module spells."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in ONLY_STATUSES:
            yield node.lineno, str(node.value)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(CONTEXT.search(_names(side)) for side in sides):
                for side in sides:
                    for element in _elements(side):
                        if word := _word(element):
                            yield element.lineno, word
        elif isinstance(node, ast.keyword) and node.arg and CONTEXT.search(node.arg):
            for element in _elements(node.value):
                if word := _word(element):
                    yield element.lineno, word
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = any(CONTEXT.search(_names(t)) for t in targets)
            if named and node.value is not None:
                for element in _elements(node.value):
                    if word := _word(element):
                        yield element.lineno, word
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                keyed = isinstance(key, ast.Constant) and CONTEXT.search(str(key.value))
                if keyed and (word := _word(value)):
                    yield value.lineno, word
        elif isinstance(node, ast.ClassDef) and CONTEXT.search(_class_names(node)):
            for statement in node.body:  # a channel class's ``name = "email"``
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    if word := _word(statement.value):
                        yield statement.lineno, word
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = set(_collected(node))
            if len(words & CHANNELS) > 1 or len(words & STATUSES) > 1:
                yield node.lineno, ", ".join(sorted(words))
        elif isinstance(node, ast.Dict):  # {channel: ...} for each channel
            keys = {w for key in node.keys if (w := _word(key))} & CHANNELS
            if len(keys) > 1:
                yield node.lineno, ", ".join(sorted(keys))


def template_literals(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line, word) for each quoted channel or status on a line about one."""
    quoted = re.compile(r"""(["'])(""" + "|".join(sorted(WORDS)) + r""")\1""")
    for number, line in enumerate(text.splitlines(), 1):
        for match in quoted.finditer(line):
            if match.group(2) in ONLY_STATUSES or CONTEXT.search(line):
                yield number, match.group(2)


def test_no_message_channel_or_status_literal_in_code() -> None:
    """Issue 11 §1: services, workers and views take the words from engine.domain.messages."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {word}"
        for path in _files(".py")
        for line, word in python_literals(path.read_text("utf-8"))
    ]
    assert found == []


def test_no_message_channel_or_status_literal_in_templates() -> None:
    """Issue 11 §1: pages compare with the ``Channel`` and ``MessageStatus`` globals."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {word}"
        for suffix in (".html", ".txt", ".js")
        for path in _files(suffix)
        for line, word in template_literals(path.read_text("utf-8"))
    ]
    assert found == []


SPELLED = [
    'if message.channel == "letter": pass',
    'if status in ("sent", "delivered"): pass',
    'enqueue_message(uow, channel="email")',
    'row = {"status": "failed"}',
    'message.status = "delivered"',
    'CHANNELS = ("email", "sms", "letter")',
    'state = "queued"',
    'if outcome == "sent": pass',
    'class SmsChannel(Channel):\n    name = "sms"',
    'flags = (("email", self.send_email), ("sms", self.send_sms))',
    'channels = {"email": email_channel(), "letter": letters()}',
]
NOT_SPELLED = [
    'record_event(uow, document, "delivered")',
    'parts = {"sms": body} if channel == Channel.SMS else {"body": body}',
    'totals = {"sent": 0, "failed": 0}',
    'ACTIVITY_TYPES = ("call", "meeting", "email", "todo")',
    'detail = detail or "failed"',
    'class Level:\n    kind = "email"',
]


@pytest.mark.parametrize("source", SPELLED)
def test_scan_sees_a_literal(source: str) -> None:
    """The scan finds a channel or status spelled where it stands for one."""
    assert list(python_literals(source)) != []


@pytest.mark.parametrize("source", NOT_SPELLED)
def test_scan_leaves_the_other_meanings_alone(source: str) -> None:
    """The same words used for something else are not reported."""
    assert list(python_literals(source)) == []


def test_template_scan() -> None:
    """The template scan reports a word on a line about a channel or status, or queued/sending."""
    page = '{% if m.status == "failed" %}\n<input type="email" name="email">\n'
    assert list(template_literals(page)) == [(1, "failed")]
    assert list(template_literals("<option value='queued'>")) == [(1, "queued")]
