"""Bound an uploaded diagram before it is parsed (issue 10 #5, SPEC C3).

SpiffWorkflow's parser is slow on huge inputs (a 38 MB diagram of 2,000,000 elements ran
for over 15 minutes), so the bytes are counted first and the elements are counted by a
streaming pass that stops at the first element over the limit.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from engine.domain.errors import ValidationFailed

MIB = 1024 * 1024


@dataclass(frozen=True)
class DiagramLimits:
    """The largest diagram file a designer may deploy (CARTABLE_MAX_DIAGRAM_*)."""

    max_bytes: int = 2 * MIB
    max_elements: int = 10_000


def check_diagram_limits(files: Mapping[str, bytes], limits: DiagramLimits) -> None:
    """Refuse a file over the byte or element limit, or not UTF-8, before any full parse.

    Raises ValidationFailed on field ``bpmn`` naming the file and the limit. Malformed XML
    is left to the parser, which reports it with its line.
    """
    for name, data in sorted(files.items()):
        if len(data) > limits.max_bytes:
            raise ValidationFailed.single(
                "bpmn",
                f"{name}: {len(data)} bytes is over the diagram size limit of "
                f"{limits.max_bytes} bytes",
            )
        try:
            data.decode()  # stored as text: a Latin-1 file would fail only when stored
        except UnicodeDecodeError as exc:
            raise ValidationFailed.single(
                "bpmn", f"{name}: byte {exc.start}: the file must be UTF-8"
            ) from exc
        if _more_elements_than(data, limits.max_elements):
            raise ValidationFailed.single(
                "bpmn",
                f"{name}: more than the diagram limit of {limits.max_elements} elements",
            )


def _more_elements_than(data: bytes, limit: int) -> bool:
    """Tell whether the XML has over ``limit`` elements, reading at most that many."""
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    count = 0
    try:
        for _event in events:  # stops one past the limit: at most limit + 1 elements built
            count += 1
            if count > limit:
                return True
    except etree.XMLSyntaxError:
        return False  # the parser refuses it with a line number
    return False
