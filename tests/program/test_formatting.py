"""Abstracts render math, emphasis and links, and nothing a visitor did not write as text."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings

from program.formatting import render_abstract, render_inline, tex_to_mathml

SEED = (Path(settings.BASE_DIR) / "fixtures/source/mlsys2025-thursday-seed.txt").read_text()
ABSTRACTS = re.findall(r"^Abstract\n(.*)$", SEED, re.M)


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_inline_tex_becomes_mathml_with_its_source_as_alternative_text():
    out = render_abstract("up to $1.16\\times$ faster")
    assert out.startswith("<p>up to <math")
    assert 'alttext="1.16\\times"' in out
    assert "<mrow><mn>1.16</mn><mo>&#x000D7;</mo></mrow></math>" in out
    assert out.endswith(" faster</p>")


def test_text_outside_math_is_kept_as_written_including_backslashes():
    assert render_abstract("a 5\\% to 51\\% gain") == "<p>a 5\\% to 51\\% gain</p>"


def test_a_lone_dollar_is_text():
    assert render_abstract("costs $5 and $ 6") == "<p>costs $5 and $ 6</p>"


def test_tex_that_does_not_parse_falls_back_to_its_source():
    assert tex_to_mathml("\\frac{1}{") is None
    assert render_abstract("broken $\\frac{1}{$ here") == "<p>broken $\\frac{1}{$ here</p>"


def test_emphasis_and_not_arithmetic():
    assert render_abstract("a *novel* idea") == "<p>a <em>novel</em> idea</p>"
    assert render_abstract("2 * 3 * 4") == "<p>2 * 3 * 4</p>"


def test_bare_urls_become_links_without_their_trailing_punctuation():
    out = render_abstract("Code: https://github.com/mlc-ai/xgrammar. Done")
    assert out == (
        '<p>Code: <a href="https://github.com/mlc-ai/xgrammar" rel="nofollow noopener">'
        "https://github.com/mlc-ai/xgrammar</a>. Done</p>"
    )
    assert "<a" not in render_abstract("see ftp://example.org and javascript:alert(1)")


def test_paragraphs_and_line_breaks():
    assert render_abstract("one\ntwo\n\nthree") == "<p>one<br>two</p><p>three</p>"


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        'https://example.org/"onmouseover="alert(1)',
        "$\\href{javascript:alert(1)}{x}$",
        "$\\text{<script>alert(1)</script>}$",
        "*<b>bold</b>*",
    ],
)
def test_markup_in_the_text_comes_out_inert(attack):
    out = render_abstract(attack) + render_inline(attack)
    assert "<script" not in out
    assert "<img" not in out and "<b>" not in out
    assert 'href="javascript:' not in out
    assert "onmouseover=" not in out.replace("&quot;onmouseover=&quot;", "")
    assert "onerror=" not in out.replace("onerror=&quot;", "")


def test_every_seed_abstract_renders_and_keeps_its_words():
    assert len(ABSTRACTS) == 20
    for abstract in ABSTRACTS:
        out = render_abstract(abstract)
        if "$" not in abstract:
            assert visible_text(out) == abstract
        else:
            assert "<math" in out
        if abstract.endswith("…"):
            assert out.endswith("…</p>")


def test_titles_and_names_render_unchanged():
    assert render_inline("XGrammar: Flexible and Efficient") == "XGrammar: Flexible and Efficient"
    assert render_inline("Maximilian Böther") == "Maximilian Böther"
    assert render_inline("a <b> & c") == "a &lt;b&gt; &amp; c"
