"""An uploaded SVG plan may hold only drawing: an allow-list of elements and attributes.

Nothing that refers outside the file (an ``href`` other than ``#id``, a ``url()`` other than
``url(#id)``), animates (``<set>``, ``<animate>``: they can rewrite an ``href``), embeds
(``<image>``, ``<foreignObject>``, another namespace's elements) or runs (event attributes).
CSS values, in ``style`` and in presentation attributes, are read as a browser reads them
(comments, strings and escapes such as ``u\\72l(``) and must then fit a plain value grammar:
colours, numbers with units, keywords, names and ``rgb()``/``hsl()``. ``<style>`` elements are
refused: give the styles as attributes.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Drawing programs' own notes (Inkscape, Sodipodi, RDF metadata): browsers draw none of them.
INERT_NS = {
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
}
ELEMENTS = words(
    "svg g path rect circle ellipse line polyline polygon text tspan title desc metadata defs use"
    " linearGradient radialGradient stop clipPath mask pattern symbol marker"
)
HREF_ELEMENTS = {"use", "linearGradient", "radialGradient", "pattern"}
# Presentation properties: allowed as attributes and in ``style``.
PROPERTIES = words(
    "fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap"
    " stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity stop-color"
    " stop-opacity color font font-family font-size font-weight font-style font-variant"
    " font-stretch text-anchor text-align text-decoration dominant-baseline alignment-baseline"
    " baseline-shift letter-spacing word-spacing line-height writing-mode direction visibility"
    " display overflow clip-path clip-rule mask marker marker-start marker-mid marker-end"
    " paint-order vector-effect shape-rendering text-rendering color-interpolation white-space"
    " mix-blend-mode isolation enable-background font-variation-settings font-feature-settings"
    " font-variant-ligatures font-variant-caps font-variant-numeric font-variant-east-asian"
    " text-orientation text-transform text-indent inline-size shape-inside shape-padding"
    " solid-color solid-opacity color-rendering image-rendering background-color"
)
URL_PROPERTIES = words(
    "fill stroke clip-path mask marker marker-start marker-mid marker-end shape-inside"
)
# Geometry and structure: numbers, lists of numbers, path data, transforms, keywords.
GEOMETRY = words(
    "x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength dx dy rotate"
    " textLength lengthAdjust viewBox preserveAspectRatio transform gradientTransform"
    " gradientUnits spreadMethod offset patternUnits patternContentUnits patternTransform"
    " clipPathUnits maskUnits maskContentUnits refX refY markerWidth markerHeight markerUnits"
    " orient version baseProfile"
)
NAMES = {"id", "class", "lang", "space"}
TRANSFORMS = {"matrix", "translate", "scale", "rotate", "skewx", "skewy"}
CSS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla"}
LOCAL_REF = re.compile(r"#[\w.:-]+")
NAME_VALUE = re.compile(r"[\w\s.:-]*")
GEOMETRY_VALUE = re.compile(r"[\w\s.,+%#()-]*")
STRING_TEXT = re.compile(r"[\w .,#:-]*")
HEX = "0123456789abcdefABCDEF"
TOKEN = re.compile(
    r"""(?P<url>url\(\s*(?P<q>["']?)\#[\w.:-]+(?P=q)\s*\))
    |(?P<func>[A-Za-z_-][\w-]*)\(
    |(?P<string>"[^"]*"|'[^']*')
    |(?P<hash>\#[0-9A-Fa-f]{3,8}(?![\w-]))
    |(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:%|[A-Za-z]+)?)
    |(?P<ident>-?[A-Za-z_][\w-]*)
    |(?P<other>[\s,/)]+|!important)""",
    re.X | re.I,
)


def refuse(message: str) -> ValidationError:
    return ValidationError(message)


def check_tree(root) -> None:
    """Raise a ValidationError naming the first thing in the drawing that is not allowed."""
    for element in root.iter():
        namespace, name = split(element.tag)
        if namespace in INERT_NS:
            continue
        if namespace == SVG_NS and name == "style":
            raise refuse(
                "The SVG holds a <style> element; export it with styles as attributes"
                " (presentation attributes) instead."
            )
        if namespace != SVG_NS or name not in ELEMENTS:
            raise refuse(f"The SVG holds a <{name}> element; give a drawing without it.")
        for attribute, value in element.attrib.items():
            check_attribute(name, attribute, value)


def split(tag) -> tuple[str, str]:
    namespace, _, name = str(tag).rpartition("}")
    return namespace.lstrip("{"), name


def check_attribute(element: str, attribute: str, value: str) -> None:
    namespace, name = split(attribute)
    if name.lower().startswith("on"):
        raise refuse(f'The SVG holds an event attribute ("{name}"); give one without scripts.')
    if namespace in INERT_NS or (not namespace and name.startswith("data-")):
        return  # notes for the drawing program, or data- attributes: nothing reads them
    if name == "href" and namespace in ("", XLINK_NS):
        if element not in HREF_ELEMENTS or not LOCAL_REF.fullmatch(value.strip()):
            raise refuse(
                f'The SVG refers to "{value[:80]}"; give a drawing that holds everything it'
                " shows (only links to its own parts, #id, are fine)."
            )
        return
    if namespace not in ("", XML_NS if name in ("space", "lang") else ""):
        raise refuse(f'The SVG holds an attribute "{name}" from another vocabulary.')
    if name == "style":
        check_style(value)
    elif name in PROPERTIES:
        check_css_value(name, value)
    elif name in NAMES:
        if not NAME_VALUE.fullmatch(value):
            raise refuse(f'The SVG\'s {name} "{value[:80]}" is not a plain name.')
    elif name in GEOMETRY:
        check_geometry(name, value)
    else:
        raise refuse(f'The SVG holds an attribute "{name}" that does not draw; give one without.')


def check_geometry(name: str, value: str) -> None:
    functions = {f.lower() for f in re.findall(r"([A-Za-z_-]+)\s*\(", value)}
    if not GEOMETRY_VALUE.fullmatch(value) or functions - TRANSFORMS:
        raise refuse(f'The SVG\'s {name} "{value[:80]}" is not numbers or a transform.')


def check_style(style: str) -> None:
    """A ``style`` attribute: declarations of presentation properties with plain values."""
    for declaration in split_declarations(read_css(style)):
        if not declaration.strip():
            continue
        prop, colon, value = declaration.partition(":")
        prop = prop.strip().lower()
        if not colon or (prop not in PROPERTIES and not prop.startswith("-inkscape-")):
            raise refuse(
                f'The SVG\'s style sets "{declaration.strip()[:80]}"; only colours, lines and'
                " fonts may be styled."
            )
        check_css_value(prop, value, decoded=True)


def split_declarations(css: str) -> list[str]:
    """At the semicolons outside strings (``read_css`` has already made strings plain)."""
    return re.findall(r"""(?:"[^"]*"|'[^']*'|[^;"'])+""", css)


def check_css_value(prop: str, value: str, decoded: bool = False) -> None:
    text = value if decoded else read_css(value)
    position, stripped = 0, text.strip()
    while position < len(stripped):
        token = TOKEN.match(stripped, position)
        if token is None:
            raise refuse(f'The SVG\'s {prop} "{stripped[:80]}" is not a colour, size or name.')
        if token["url"] and prop not in URL_PROPERTIES:
            raise refuse(f'The SVG\'s {prop} may not refer to anything ("{stripped[:80]}").')
        if token["func"] and token["func"].lower() not in CSS_FUNCTIONS:
            raise refuse(
                f'The SVG\'s {prop} uses {token["func"]}() ("{stripped[:80]}"); only colours,'
                " sizes, names and links to its own parts (url(#id)) are fine."
            )
        position = token.end()


def read_css(css: str) -> str:
    """The CSS as a browser reads it: comments dropped (a space), escapes decoded, strings
    kept quoted with plain text only. Refuses what a drawing never needs: an escape that makes
    anything but a letter, digit, ``-`` or ``_``; a comment inside ``url(``."""
    if not re.search(r"[\\\"'/]", css):
        return css  # nothing to decode: no escape, string or comment
    out: list[str] = []
    i, in_url = 0, False
    while i < len(css):
        char = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            if in_url or end < 0:
                raise refuse("The SVG's style holds a comment where a drawing has none.")
            out.append(" ")
            i = end + 2
        elif char in "\"'":
            text, i = read_string(css, i)
            out.append(f'"{text}"')
        elif char == "\\":
            decoded, i = read_escape(css, i)
            if not (decoded.isalnum() and decoded.isascii()) and decoded not in "-_":
                raise refuse(f"The SVG's style escapes {decoded!r}; write it plainly.")
            out.append(decoded)
        else:
            if char == "(":
                in_url = bool(re.search(r"(?:^|[^\w-])url$", "".join(out[-4:])[-4:], re.I))
            elif char == ")":
                in_url = False
            out.append(char)
            i += 1
    return "".join(out)


def read_string(css: str, start: int) -> tuple[str, int]:
    quote, text, i = css[start], [], start + 1
    while i < len(css) and css[i] != quote:
        if css[i] == "\\":
            decoded, i = read_escape(css, i)
            text.append(decoded)
        else:
            text.append(css[i])
            i += 1
    plain = "".join(text)
    if i >= len(css) or not STRING_TEXT.fullmatch(plain):
        raise refuse(f'The SVG\'s style holds a text "{plain[:80]}" that is not a plain name.')
    return plain, i + 1


def read_escape(css: str, start: int) -> tuple[str, int]:
    """``\\72``, ``\\000072 `` (a space may end it), ``\\r`` (any other character as itself)."""
    i = start + 1
    if i >= len(css) or css[i] in "\n\r\f":
        raise refuse("The SVG's style holds a broken escape.")
    digits = ""
    while i < len(css) and len(digits) < 6 and css[i] in HEX:
        digits += css[i]
        i += 1
    if not digits:
        return css[i], i + 1
    if i < len(css) and css[i] in " \t\n\r\f":
        i += 1
    code = int(digits, 16)
    return (chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"), i
