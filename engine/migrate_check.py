"""Fail when the models and the Alembic migrations disagree (`make lint`)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from engine.db import make_engine
from engine.migrate import pending_model_changes, upgrade


def main() -> int:
    """Upgrade a scratch SQLite database and compare it with the models."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'check.db'}")
        upgrade(engine)
        diff = pending_model_changes(engine)
        engine.dispose()
    if diff:
        print(
            "models and migrations differ; run alembic revision --autogenerate:", *diff, sep="\n  "
        )
        return 1
    print("migrations match the models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
