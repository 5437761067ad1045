"""engine.layers_check: the real tree holds its layers, and a breach is caught (issue 11 §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import layers_check


def _tree(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_the_project_tree_has_no_breach(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(layers_check.session_uses()) == []
    assert list(layers_check.deep_imports()) == []
    assert layers_check.main() == 0
    assert "layers hold" in capsys.readouterr().out


def test_a_service_reading_the_session_is_a_breach(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "engine/services/reporting/totals.py": (
                "def total(uow):\n    return uow.session.scalar(QUERY)\n"
            ),
            "web/api/reports.py": "def view(uow):\n    uow.session.commit()\n",
            "notifications/outbox.py": "def claim(uow):\n    return uow.outbox.due()\n",
        },
    )

    assert sorted(layers_check.session_uses(root)) == [
        ("engine/services/reporting/totals.py", 2, "the ORM session belongs to repositories"),
        ("web/api/reports.py", 2, "the ORM session belongs to repositories"),
    ]


def test_repositories_and_the_unit_of_work_may_read_the_session(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "engine/repositories/reports.py": "def total(self):\n    return self.session\n",
            "engine/services/unit_of_work.py": "def flush(self):\n    self.session.flush()\n",
        },
    )

    assert list(layers_check.session_uses(root)) == []


def test_a_client_importing_inside_a_service_package_is_a_breach(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "web/ui/reports.py": (
                "from engine.services.reporting.reports import ageing\n"
                "from engine.services import reporting\n"
                "from engine.services.unit_of_work import UnitOfWork\n"
            ),
            "notifications/tasks.py": "import engine.services.messaging.outbox\n",
        },
    )

    assert sorted(layers_check.deep_imports(root)) == [
        (
            "notifications/tasks.py",
            1,
            "import engine.services.messaging.outbox: use engine.services.messaging",
        ),
        (
            "web/ui/reports.py",
            1,
            "import engine.services.reporting.reports: use engine.services.reporting",
        ),
    ]


def test_main_prints_each_breach_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _tree(tmp_path, {"engine/services/users/admin.py": "x = uow.session\n"})

    assert layers_check.main(root) == 1
    assert capsys.readouterr().out == (
        "engine/services/users/admin.py:1: the ORM session belongs to repositories\n"
    )
