"""The bounded sandbox of message texts (issue 10 #3, #4; C4).

Each text here ran for minutes to hours, or allocated gigabytes, in jinja's plain
sandbox on 37b3c44; the bounded one refuses it before doing the work.
"""

from __future__ import annotations

import pytest

from engine.text_limits import BODY_LIMIT
from engine.text_sandbox import compile_source, render_bounded, text_error
from notifications.rendering import RenderError, render_text
from tests.notifications.support import CONTEXT

REFUSED = [
    "{{ (3 ** (customer|length * 3000000)) % 7 }}",
    "{{ 9 ** (9 ** 9) }}",
    "{{ 'x' * 30000000 }}",
    "{{ [customer] * 30000000 }}",
    "{{ (10 ** 1000) * (10 ** 1000) * (10 ** 1000) * (10 ** 1000) * (10 ** 1000) }}",
    "{{ 1 << 100000 }}",
    "{{ 'x'|center(999999999) }}",
    "{{ 'x\n'|indent(999999999) }}",
    "{{ 'abc'|replace('', 'x' * 500000) }}",
    "{{ ([customer * 1000] * 1000)|join }}",
    "{{ '%0999999d'|format(1) }}",
    "{{ '%0999999d' % 1 }}",
    "{{ '%*d' % (999999999, 1) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{0:{1}}'.format(1, 999999999) }}",
    "{{ 'x'.ljust(999999999) }}",
    "{{ range(1)|batch(999999999, 'x')|list }}",
    "{{ range(1)|slice(999999999)|list }}",
    "{{ [[1]] * 1000|sum(start=[]) }}",
    "{{ customer|tojson(indent=999999999) }}",
    "{{ lipsum(n=100000) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% macro m() %}{% for i in range(99999) %}{{ 'y' * 99999 }}{% endfor %}{% endmacro %}"
    "{{ m()|length }}",
    "{% filter upper %}{% for i in range(99999) %}{{ 'z' * 99999 }}{% endfor %}{% endfilter %}",
    "{% macro f(n) %}{{ f(n - 1) }}{{ f(n - 1) }}{% endmacro %}{{ f(60) }}",
    "{% for i in range(10) recursive %}{{ loop(range(10)) }}{% endfor %}",
    "{% include 'letter.html' %}",
    "{{ (customer|length) / 0 }}",
    "x" * 20_001,
]


@pytest.mark.parametrize("source", REFUSED, ids=range(len(REFUSED)))
def test_issue10_3_heavy_or_broken_texts_are_refused(source: str) -> None:
    assert text_error(source, CONTEXT, limit=BODY_LIMIT) is not None


@pytest.mark.parametrize("source", REFUSED[:6] + REFUSED[-2:-1], ids=range(7))
def test_issue10_4_the_worker_fails_the_text_with_a_render_error(source: str) -> None:
    with pytest.raises(RenderError, match="template: "):
        render_text(
            channel="email",
            locale="fa",
            context=CONTEXT,
            template=None,
            subject_source="x",
            body_source=source,
        )


def test_the_output_is_bounded_by_the_part_limit() -> None:
    template = compile_source("{% for i in range(200) %}{{ customer }} {% endfor %}")
    assert len(render_bounded(template, CONTEXT, limit=BODY_LIMIT)) > 1_600
    assert text_error("{% for i in range(200) %}{{ customer }} {% endfor %}", CONTEXT, limit=1_600)


def test_ordinary_texts_render() -> None:
    source = (
        "{{ customer }}: {% for i in invoices %}{{ loop.index }}. {{ i.number }}"
        " {{ '%5s' % i.due_date }}{% endfor %} {{ invoices|map(attribute='number')|join(', ') }}"
        " {{ (2 ** 10) * 3 + 7 // 2 }} {{ '-' * 10 }} {{ '{}/{}'.format(1, 2) }}"
        " {{ customer|center(20)|trim }} {{ [1, 2, 3]|sum }}"
    )
    text = render_bounded(compile_source(source), CONTEXT, limit=BODY_LIMIT)
    assert text == ("علیرضا سامری: 1. INV-1 1405/08/01 INV-1 3075 ---------- 1/2 علیرضا سامری 6")


def test_issue10_3_many_long_operands_are_refused_before_they_are_joined() -> None:
    long = "{% set s = 'x' * 400000 %}"
    for source in ("{{ s ~ s ~ s ~ s }}", "{{ [s, s, s, s] }}", "{{ [s, s, s, s]|string }}"):
        assert "characters" in (text_error(long + source, CONTEXT, limit=BODY_LIMIT) or "")
