"""Known Python sandbox escapes are refused by the BPMN expression language (issue 10 #1).

On 37b3c44 expressions were compiled and ``eval``'ed behind a filter of names starting
with ``_``; the generator frame walk below ran a shell command through a deployed
gateway condition. Each case must now be refused, either statically by
``compile_expression`` (what deploying a diagram runs) or by our own error while
interpreted, quickly, and without side effects: every case that would write a file
names a marker file that must still not exist afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.workflow.expressions import (
    ExpressionFailed,
    ExpressionRejected,
    compile_expression,
    evaluate_expression,
)
from engine.workflow.script_engine import SandboxEnvironment

# {m} is replaced by the repr of the marker file's path.
ESCAPES = [
    # Generator frame walks (the reported exploit and variants).
    "(list(g := (g.gi_frame.f_back.f_back.f_builtins for i in [1]))[0]['__import__']('os')"
    ".system('touch ' + {m}) == 0 or True) and requires_approval",
    "(x for x in [1]).gi_frame.f_back.f_globals",
    "[x for x in [1]]",
    "{{x: 1 for x in [1]}}",
    "{{x for x in [1]}}",
    "(y := 1)",
    # Class hierarchy walks.
    "().__class__.__mro__[1].__subclasses__()",
    "''.__class__.__base__.__subclasses__()",
    "(1).__class__.__bases__[0].__subclasses__()",
    "requires_approval.__class__",
    "[].pop",
    "x.__len__()",
    "object.__subclasses__()",
    # Format-string attribute access.
    "'{{0.__class__}}'.format(1)",
    "'{{x.__class__}}'.format_map({{'x': 1}})",
    "str.format('{{0.__class__}}', 1)",
    "f'{{requires_approval.__class__}}'",
    "f'{{1:>{{10**9}}}}'",
    "'%s' % requires_approval",
    # Builtins and introspection.
    "getattr(1, '__class__')",
    "type(1)",
    "type('X', (), {{}})",
    "vars()",
    "globals()",
    "locals()",
    "dir()",
    "eval('1')",
    "exec('open(' + {m} + ', \"w\")')",
    "compile('1', 'x', 'eval')",
    "open({m}, 'w')",
    "__import__('os').system('touch ' + {m})",
    "__builtins__",
    "__builtins__['open']({m}, 'w')",
    "breakpoint()",
    "help()",
    "print(1)",
    "memoryview(b'')",
    # Lambdas and default-argument tricks.
    "(lambda: 1)()",
    "(lambda f=open: f({m}, 'w'))()",
    # Unicode identifiers normalised by NFKC to something else.
    "\uff45val('1')",
    "\uff3f\uff3fbuiltins\uff3f\uff3f",
    "()._\uff3fclass__",
    # Things the language does not have.
    "[*requires_approval]",
    "max([1], key=len)",
    "b'x'",
    "1j",
    "...",
    "{{1: 2}}",
    "{{1}}",
    "~1",
    "1 << 2",
    "x[::-1]",
    "1 is 1",
    # Resource blow-ups.
    "'x' * 10**9",
    "9**9**9",
    "10**10**10",
    "[1] * 10**9",
    "2 ** 1000",
    "9" * 400,
    "1e999",
    "Decimal('1e999999')",
    "Decimal('NaN') == 1",
    "int('9' * 50)",
    "str([1] * 10)",
    "(" * 300 + "1" + ")" * 300,
    "[" * 150 + "]" * 150,
    "not " * 100 + "a",
    "-" * 100 + "1",
    " or ".join(["a"] * 300),
    "a or " * 199 + "a",
    "x" * 1001,
    "'x' * 50000 + 'x' * 50001",
]


def _escape(case: str, marker: Path) -> str:
    return case.format(m=repr(str(marker))) if "{" in case else case


@pytest.mark.timeout(30)  # a blow-up that got through would run for hours, not fail
@pytest.mark.parametrize("case", ESCAPES)
def test_known_escape_is_refused_without_side_effects(case: str, tmp_path: Path) -> None:
    """issue 10 #1: refused statically or by our error, before it computes anything."""
    marker = tmp_path / "escaped"
    expression = _escape(case, marker)
    data = {"requires_approval": True, "x": [1, 2], "a": 1}

    with pytest.raises((ExpressionRejected, ExpressionFailed)):
        SandboxEnvironment().evaluate(expression, data)

    assert not marker.exists()


def test_corpus_holds_at_least_thirty_escapes() -> None:
    assert len(ESCAPES) >= 30


@pytest.mark.parametrize(
    "case",
    [
        "(list(g := (g.gi_frame.f_back.f_back.f_builtins for i in [1]))[0]['__import__']"
        "('os').system('id') == 0 or True) and requires_approval",
        "'{0.__class__}'.format(1)",
        "open('x')",
        "\uff45val('1')",
        "(lambda: 1)()",
    ],
)
def test_reported_escapes_are_refused_at_deploy_time(case: str) -> None:
    """issue 10 #1: the static check deploying a diagram runs refuses them."""
    with pytest.raises(ExpressionRejected):
        compile_expression(case)


def test_task_data_cannot_supply_a_callable(tmp_path: Path) -> None:
    marker = tmp_path / "escaped"

    with pytest.raises(ExpressionRejected):
        evaluate_expression(f"run({str(marker)!r})", {"run": os.system})
    with pytest.raises(ExpressionFailed):
        evaluate_expression("run", {"run": os.system})
    assert not marker.exists()


def test_task_data_cannot_bring_builtins() -> None:
    with pytest.raises(ExpressionFailed):
        evaluate_expression("open", {"__builtins__": __builtins__})


def test_environment_refuses_scripts_and_services(tmp_path: Path) -> None:
    marker = tmp_path / "escaped"
    env = SandboxEnvironment()

    with pytest.raises(ExpressionRejected):
        env.execute(f"open({str(marker)!r}, 'w')", {})
    with pytest.raises(ExpressionRejected):
        env.call_service({}, operation_name="x")
    assert not marker.exists()
