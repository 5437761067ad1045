"""Diagram limits checked before parsing, and their settings (issue 10 #5, SPEC C3)."""

from __future__ import annotations

import pytest

from engine.config import Settings
from engine.domain.errors import ValidationFailed
from engine.workflow import parse_process
from engine.workflow.limits import DiagramLimits, check_diagram_limits
from tests.unit.test_workflow_support import shipped_files

DEFAULTS = DiagramLimits()


def reason(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    assert list(exc.value.fields) == ["bpmn"]
    return exc.value.fields["bpmn"][0]


def test_the_shipped_diagrams_are_well_inside_the_default_limits() -> None:
    """The defaults leave room: ten times the largest shipped file's bytes and elements."""
    files = shipped_files()
    check_diagram_limits(
        files, DiagramLimits(DEFAULTS.max_bytes // 10, DEFAULTS.max_elements // 10)
    )


def test_a_file_over_the_byte_limit_is_refused_naming_the_limit() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_diagram_limits({"big.bpmn": b"<a/>" + b" " * 2000}, DiagramLimits(max_bytes=1000))
    assert "big.bpmn" in reason(exc) and "1000 bytes" in reason(exc)


def test_two_million_elements_are_refused_at_once() -> None:
    """The 38 MB diagram of the finding: the count stops just past the limit. What follows
    the limit is malformed, so a count that read on would fail on it instead."""
    huge = b"<r>" + b"<a/>" * 10_001 + b"<a>" * 2_000_000 + b"</oops>"
    with pytest.raises(ValidationFailed) as exc:
        check_diagram_limits({"huge.bpmn": huge}, DiagramLimits(max_bytes=len(huge)))
    assert "10000 elements" in reason(exc)


def test_an_entity_bomb_is_not_expanded_while_counting() -> None:
    """Billion laughs: the count ends at once and the parser then refuses the file."""
    levels = b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"".join(b"&l%d;" % (i - 1) for _ in range(10)))
        for i in range(1, 10)
    )
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "<x/>">' + levels + b"]><r>&l9;</r>"
    check_diagram_limits({"bomb.bpmn": bomb}, DEFAULTS)  # expanded, it would be 10⁹ elements
    with pytest.raises(ValidationFailed) as exc:
        parse_process("r", {"bomb.bpmn": bomb})
    assert reason(exc) == "bomb.bpmn: a DOCTYPE (and entities) is not allowed"


def test_a_file_not_in_utf8_is_refused_before_it_could_fail_when_stored() -> None:
    """Versions keep their files as text; Latin-1 bytes parsed fine, then failed (500)."""
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><r a="café"/>'.encode("latin-1")
    with pytest.raises(ValidationFailed) as exc:
        check_diagram_limits({"latin.bpmn": latin}, DEFAULTS)
    assert "UTF-8" in reason(exc)


def test_malformed_xml_is_left_to_the_parser() -> None:
    check_diagram_limits({"bad.bpmn": b"<r><a></r>"}, DEFAULTS)


def test_settings_read_the_limits_and_refuse_nonsense(tmp_path: object) -> None:
    env = {"CARTABLE_DATA_DIR": str(tmp_path), "CARTABLE_SECRET_KEY": "k"}
    settings = Settings.from_env(env)
    assert (settings.max_request_bytes, settings.max_diagram_bytes) == (4 << 20, 2 << 20)
    assert settings.max_diagram_elements == 10000
    custom = Settings.from_env({**env, "CARTABLE_MAX_DIAGRAM_ELEMENTS": "20000"})
    assert custom.max_diagram_elements == 20000
    for bad in ("0", "-1", "4MB", "٤"):
        with pytest.raises(ValidationFailed) as exc:
            Settings.from_env({**env, "CARTABLE_MAX_REQUEST_BYTES": bad})
        assert list(exc.value.fields) == ["CARTABLE_MAX_REQUEST_BYTES"]
