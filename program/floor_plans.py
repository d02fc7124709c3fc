"""Checking an uploaded floor plan: a PNG, JPEG or WebP picture, or an SVG drawing, and its size.

Plans are shown to every visitor from our own address, so an SVG may hold only drawing: no
script, no event attribute, no embedded HTML, no reference outside the file (a stylesheet, a
font or a picture from elsewhere would also break our Content-Security-Policy). It is parsed with
defusedxml (no entity expansion, no external entities). Pictures are opened with Pillow, which
refuses decompression bombs. What passes is kept as uploaded; the page draws board marks over it
in the plan's own coordinates (``width`` x ``height``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from defusedxml import ElementTree
from django.core.exceptions import ValidationError
from PIL import Image

MAX_BYTES = 3 * 1024 * 1024
PICTURES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
SVG = "image/svg+xml"
SVG_NS = "{http://www.w3.org/2000/svg}"
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "handler"}
LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


@dataclass(frozen=True)
class Plan:
    content_type: str
    width: float
    height: float


def check(data: bytes) -> Plan:
    """What the uploaded file is and its size in its own units, or a ValidationError saying
    what is wrong with it."""
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            f"The plan is {len(data) / 1024 / 1024:.1f} MB; give one of at most"
            f" {MAX_BYTES // 1024 // 1024} MB."
        )
    if data.lstrip()[:1] == b"<":
        return check_svg(data)
    return check_picture(data)


def check_picture(data: bytes) -> Plan:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            kind = picture.format
            width, height = picture.size
            picture.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            "Give the plan as a PNG, JPEG or WebP picture or an SVG drawing; this file is none"
            " of them."
        ) from error
    if kind not in PICTURES:
        raise ValidationError(f"Give the plan as PNG, JPEG, WebP or SVG, not {kind}.")
    return Plan(PICTURES[kind], float(width), float(height))


def check_svg(data: bytes) -> Plan:
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml's refusals and expat's syntax errors alike
        raise ValidationError(f"The SVG cannot be read: {error}.") from error
    if root.tag != f"{SVG_NS}svg":
        raise ValidationError("The file is XML but not an SVG drawing.")
    for element in root.iter():
        name = str(element.tag).rpartition("}")[2]
        if name in FORBIDDEN_ELEMENTS:
            raise ValidationError(f"The SVG holds a <{name}> element; give a drawing without it.")
        for attribute, value in element.attrib.items():
            attribute = attribute.rpartition("}")[2]
            if attribute.lower().startswith("on"):
                raise ValidationError(
                    f'The SVG holds an event attribute ("{attribute}"); give one without scripts.'
                )
            if attribute == "href" and not value.startswith(("#", "data:image/")):
                raise ValidationError(
                    f'The SVG refers to "{value[:80]}"; give a drawing that holds everything it'
                    " shows (links inside it and embedded pictures are fine)."
                )
        if name == "style" and re.search(r"url\(\s*['\"]?(?!#|data:)|@import", element.text or ""):
            raise ValidationError(
                "The SVG's style loads something from elsewhere; give one that does not."
            )
    width, height = svg_size(root)
    return Plan(SVG, width, height)


def svg_size(root) -> tuple[float, float]:
    box = root.get("viewBox")
    if box:
        try:
            _x, _y, width, height = (float(v) for v in box.replace(",", " ").split())
        except ValueError as error:
            raise ValidationError(f'The SVG\'s viewBox "{box}" is not four numbers.') from error
    else:
        sizes = [LENGTH.fullmatch(root.get(name) or "") for name in ("width", "height")]
        if not all(sizes):
            raise ValidationError(
                "The SVG has no viewBox and no width and height in pixels: its size is unknown."
            )
        width, height = (float(size.group(1)) for size in sizes)
    if width <= 0 or height <= 0:
        raise ValidationError("The SVG's width and height must be more than 0.")
    return width, height
