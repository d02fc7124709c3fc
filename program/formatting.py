"""Abstracts, bios and titles as safe HTML.

Everything is escaped first; then three things become markup: ``$…$`` TeX as MathML (made on
the server by latex2mathml), ``*emphasis*`` as ``<em>``, and bare http(s) URLs as links. Text
outside math is otherwise kept exactly as stored, backslashes included (``5\\%`` shows as the
program printed it), because fidelity to the organizers' text beats guessing at TeX outside math.
TeX that latex2mathml cannot read, or whose MathML holds anything outside a short allowlist,
falls back to its source text.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from latex2mathml.converter import convert

# $…$ on one line, not empty, not starting or ending with a space ("costs $5 and $6" is text).
MATH = re.compile(r"\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$")
EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]{1,300}?)(?<=[^\s*])\*(?![\w*])")
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}'\""
PLACEHOLDER = "\x00{}\x00"
PLACEHOLDER_PATTERN = re.compile("\x00(\\d+)\x00")

MATHML_ELEMENTS = frozenset(
    [
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "mpadded",
        "mphantom",
        "mfenced",
        "menclose",
        "mtable",
        "mtr",
        "mtd",
        "mlabeledtr",
        "merror",
    ]
)
MATHML_ATTRIBUTES = frozenset(
    [
        "xmlns",
        "display",
        "alttext",
        "mathvariant",
        "mathsize",
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "linethickness",
        "columnalign",
        "rowalign",
        "columnspacing",
        "rowspacing",
        "accent",
        "accentunder",
        "movablelimits",
        "form",
        "width",
        "height",
        "depth",
        "symmetric",
        "largeop",
        "minsize",
        "maxsize",
        "notation",
        "encoding",
        "open",
        "close",
        "separators",
        "displaystyle",
        "scriptlevel",
    ]
)


class _MathMLCheck(HTMLParser):
    """Refuses MathML with elements or attributes outside the allowlist (no href, no events)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag, attrs):
        if tag not in MATHML_ELEMENTS:
            self.safe = False
        for name, value in attrs:
            if name not in MATHML_ATTRIBUTES or (value and "javascript:" in value.lower()):
                self.safe = False

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.safe = False

    def handle_pi(self, data):
        self.safe = False

    def unknown_decl(self, data):
        self.safe = False


@functools.lru_cache(maxsize=4096)
def tex_to_mathml(tex: str) -> str | None:
    """MathML for one inline formula, or None when it cannot be made safely."""
    try:
        mathml = convert(tex, display="inline")
    except Exception:  # latex2mathml raises many kinds of errors on bad TeX
        return None
    check = _MathMLCheck()
    check.feed(mathml)
    check.close()
    if not check.safe:
        return None
    return mathml.replace("<math ", f'<math alttext="{escape(tex)}" ', 1)


def _link(url: str) -> tuple[str, str]:
    """The link for a URL found in text, and the punctuation after it that is not part of it."""
    trailing = ""
    while url and url[-1] in TRAILING_PUNCTUATION:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    safe = escape(url)
    return f'<a href="{safe}" rel="nofollow noopener">{safe}</a>', trailing


def _render_text(text: str, *, links: bool, emphasis: bool) -> str:
    """Escape one run of text (no math in it) and mark up emphasis and links."""
    pieces: list[str] = []

    def keep(html: str) -> str:
        pieces.append(html)
        return PLACEHOLDER.format(len(pieces) - 1)

    if links:

        def link(match: re.Match) -> str:
            html, trailing = _link(match.group(0))
            return keep(html) + trailing

        text = URL.sub(link, text)
    html = escape(text)
    if emphasis:
        html = EMPHASIS.sub(r"<em>\1</em>", html)
    return PLACEHOLDER_PATTERN.sub(lambda m: pieces[int(m.group(1))], html)


def _render_line(text: str, *, links: bool, emphasis: bool) -> str:
    out: list[str] = []
    position = 0
    for match in MATH.finditer(text):
        mathml = tex_to_mathml(match.group(1))
        if mathml is None:
            continue  # left in the text run, shown as written
        out.append(_render_text(text[position : match.start()], links=links, emphasis=emphasis))
        out.append(mathml)
        position = match.end()
    out.append(_render_text(text[position:], links=links, emphasis=emphasis))
    return "".join(out)


def render_abstract(text: str | None) -> SafeString:
    """Paragraphs (blank lines), line breaks, math, emphasis and links; all else escaped."""
    if not text:
        return mark_safe("")
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip("\n"))
    html = "".join(
        "<p>"
        + "<br>".join(_render_line(line, links=True, emphasis=True) for line in block.split("\n"))
        + "</p>"
        for block in paragraphs
        if block.strip()
    )
    return mark_safe(html)


def render_inline(text: str | None) -> SafeString:
    """Titles and names: escaped, with math; no paragraphs, links or emphasis."""
    if not text:
        return mark_safe("")
    return mark_safe(_render_line(text, links=False, emphasis=False))
