"""Each service package's public names, listed once and imported on first use.

A package's ``__init__`` lists the use cases that ``web/`` and ``notifications/`` may
call as ``from engine.services.<package>.<module> import name as name`` lines inside
``if TYPE_CHECKING:``. Type checkers and readers see ordinary re-exports; at run time
:func:`lazy_exports` reads the same lines and imports a module when one of its names is
first asked for (PEP 562). Importing the packages eagerly would knot them together:
documents, the cartable, processes and follow-ups call one another's in-transaction
helpers, and every such import would first run the other package's whole ``__init__``.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path


def lazy_exports(package: str, init_file: str) -> tuple[list[str], Callable[[str], object]]:
    """Return ``__all__`` and the module ``__getattr__`` for ``package``."""
    origin = _declared(Path(init_file).read_text(encoding="utf-8"))

    def __getattr__(name: str) -> object:
        module = origin.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return sorted(origin), __getattr__


def _declared(source: str) -> dict[str, str]:
    """Map each name imported under ``if TYPE_CHECKING:`` to its module."""
    origin: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        origin[alias.asname or alias.name] = statement.module
    return origin
