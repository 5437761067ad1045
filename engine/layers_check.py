"""Fail when code reaches past a layer's public face (`make lint`, issue 11 §2).

Two rules, read from the source with ``ast``:

1. Only the repositories and the unit of work touch the ORM session: nowhere else in
   ``engine/services``, ``web`` or ``notifications`` is an attribute named ``session``
   read. A query a service needs is a repository method.
2. ``web`` and ``notifications`` import a service package (``engine.services.documents``)
   or the unit of work, never a module inside a package: the package's ``__init__`` is
   the list of use cases they may call.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSION_OWNERS = ("engine/repositories/", "engine/services/unit_of_work.py")
SERVICE_CLIENTS = ("web", "notifications")
SERVICE_FACES = ("engine.services.unit_of_work",)


def main(root: Path = ROOT) -> int:
    """Print each breach as path:line: message; return 1 when there is one."""
    breaches = sorted(session_uses(root)) + sorted(deep_imports(root))
    for path, line, message in breaches:
        print(f"{path}:{line}: {message}")
    if breaches:
        return 1
    print("layers hold: sessions stay in repositories; clients import service packages")
    return 0


def session_uses(root: Path = ROOT) -> Iterator[tuple[str, int, str]]:
    """Yield each ``.session`` read outside the repositories and the unit of work, in
    the tree at ``root``."""
    for path in _sources(root, "engine/services", *SERVICE_CLIENTS):
        if path.startswith(SESSION_OWNERS):
            continue
        for node in ast.walk(_parse(root, path)):
            if isinstance(node, ast.Attribute) and node.attr == "session":
                yield path, node.lineno, "the ORM session belongs to repositories"


def deep_imports(root: Path = ROOT) -> Iterator[tuple[str, int, str]]:
    """Yield each import of a module inside a service package from web or notifications,
    in the tree at ``root``."""
    for path in _sources(root, *SERVICE_CLIENTS):
        for node in ast.walk(_parse(root, path)):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[:2] == ["engine", "services"] and len(parts) > 3:
                    if module not in SERVICE_FACES:
                        package = ".".join(parts[:3])
                        yield path, node.lineno, f"import {module}: use {package}"


def _sources(root: Path, *folders: str) -> Iterator[str]:
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            yield path.relative_to(root).as_posix()


def _parse(root: Path, path: str) -> ast.AST:
    return ast.parse((root / path).read_text(encoding="utf-8"), filename=path)


if __name__ == "__main__":
    sys.exit(main())
